import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { BatchView, DownloadRoutes, FileHistory, FileMeta, PreviewMeta, UploadRoutes } from '@ddx/contracts';
import { Observable } from 'rxjs';

/** Shared files: public metadata and previews, batches, and the signed-in user's own files. */
@Injectable({ providedIn: 'root' })
export class FilesService {
  private readonly http = inject(HttpClient);

  meta(fileId: string): Observable<FileMeta> {
    return this.http.get<FileMeta>(DownloadRoutes.fileMeta(fileId));
  }

  previewMeta(fileId: string): Observable<PreviewMeta> {
    return this.http.get<PreviewMeta>(DownloadRoutes.previewMeta(fileId));
  }

  /** The first `maxBytes` of a text preview (a Range request, so big logs stay cheap). */
  previewText(previewUrl: string, maxBytes: number): Observable<string> {
    return this.http.get(previewUrl, { responseType: 'text', headers: { Range: `bytes=0-${maxBytes - 1}` } });
  }

  batch(batchId: string): Observable<BatchView> {
    return this.http.get<BatchView>(DownloadRoutes.batch(batchId));
  }

  history(page: number, limit: number): Observable<FileHistory> {
    return this.http.get<FileHistory>(UploadRoutes.history, { params: { page, limit } });
  }

  delete(fileId: string): Observable<void> {
    return this.http.delete<void>(DownloadRoutes.deleteFile(fileId));
  }
}
