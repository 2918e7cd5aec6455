import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { BatchInitiateResponse, InitiateUploadRequest, InitiateUploadResponse, QuotaInfo, UploadRoutes, WsTicketResponse } from '@ddx/contracts';
import { Observable } from 'rxjs';

/** The HTTP half of uploading (docs/upload-protocol.md §1); the bytes go over the WebSocket. */
@Injectable({ providedIn: 'root' })
export class UploadService {
  private readonly http = inject(HttpClient);

  initiate(file: InitiateUploadRequest): Observable<InitiateUploadResponse> {
    return this.http.post<InitiateUploadResponse>(UploadRoutes.initiate, file);
  }

  initiateBatch(files: InitiateUploadRequest[]): Observable<BatchInitiateResponse> {
    return this.http.post<BatchInitiateResponse>(UploadRoutes.batchInitiate, { files });
  }

  /** Works whether or not the socket is up: the upload token proves the right to cancel. */
  cancel(fileId: string, uploadToken: string): Observable<void> {
    return this.http.post<void>(UploadRoutes.cancel(fileId), {}, { headers: { 'X-Upload-Token': uploadToken } });
  }

  /** A single-use ticket for one connection of the upload socket; the upload token stays in a header, out of URLs. */
  socketTicket(fileId: string, uploadToken: string): Observable<WsTicketResponse> {
    return this.http.post<WsTicketResponse>(UploadRoutes.ticket(fileId), {}, { headers: { 'X-Upload-Token': uploadToken } });
  }

  quotaInfo(): Observable<QuotaInfo> {
    return this.http.get<QuotaInfo>(UploadRoutes.quotaInfo);
  }
}
