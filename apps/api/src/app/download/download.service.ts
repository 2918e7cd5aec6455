import { BatchView, DownloadErrorCode, DownloadRoutes, ErrorCode, FileMeta, PreviewMeta } from '@ddx/contracts';
import { DownloadStatsRepository, FileDoc, FileRepository } from '@ddx/server-database';
import { CleanupQueue } from '@ddx/server-queue';
import { UploadLedger } from '@ddx/server-uploads';
import { Injectable, Logger } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';

import { AppException } from '../common/app-exception';
import { previewFor } from './preview-type';

const notFound = () => new AppException(404, ErrorCode.NOT_FOUND, 'This file does not exist or is no longer available.');
export const unavailable = () =>
  new AppException(503, DownloadErrorCode.FILE_UNAVAILABLE, 'This file cannot be reached right now. Please try again in a few minutes.');

/** Which files may be served, and their public views. */
@Injectable()
export class DownloadService {
  private readonly logger = new Logger(DownloadService.name);
  /** `servable` lookups in flight, by file id: concurrent requests for one link share one read. */
  private readonly lookups = new Map<string, Promise<{ file: FileDoc; ownerAllowed: Promise<void> }>>();

  constructor(
    private readonly files: FileRepository,
    private readonly stats: DownloadStatsRepository,
    private readonly ledger: UploadLedger,
    @InjectConnection() private readonly connection: Connection,
    private readonly cleanup: CleanupQueue,
  ) {}

  /**
   * A completed, not deleted or quarantined file whose owner is not banned;
   * 404 otherwise. Requests for the same file that arrive while its lookup is
   * in flight get that lookup's answer (a shared link under load costs one
   * database read per round trip, not one per request). Callers must not
   * modify the returned document.
   */
  async servable(id: string): Promise<FileDoc> {
    const { file, ownerAllowed } = await this.servableFile(id);
    await ownerAllowed;
    return file;
  }

  /**
   * `servable` in two parts, so that the owner check (a second read, for files
   * that have an owner) can overlap what the caller does next, e.g. opening the
   * file's source: `file` is completed and not quarantined; `ownerAllowed`
   * rejects with the same 404 when its owner is banned. Nothing about the file
   * may reach the client before `ownerAllowed` has resolved.
   */
  servableFile(id: string): Promise<{ file: FileDoc; ownerAllowed: Promise<void> }> {
    const inFlight = this.lookups.get(id);
    if (inFlight) return inFlight;
    const lookup = this.lookup(id);
    this.lookups.set(id, lookup);
    // Forgotten once both reads are done: a request arriving in between still shares them.
    const forget = () => {
      if (this.lookups.get(id) === lookup) this.lookups.delete(id);
    };
    lookup.then((l) => l.ownerAllowed).then(forget, forget);
    return lookup;
  }

  private async lookup(id: string): Promise<{ file: FileDoc; ownerAllowed: Promise<void> }> {
    const file = /^[0-9a-f-]{36}$/i.test(id) ? await this.files.findById(id) : null;
    if (!file || file.status !== 'completed' || file.quarantined) throw notFound();
    const ownerAllowed = file.ownerId
      ? this.bannedOwners([file.ownerId]).then((banned) => {
          if (banned.size) throw notFound();
        })
      : Promise.resolve();
    // Callers that fail before awaiting it must not leave it unhandled.
    ownerAllowed.catch(() => undefined);
    return { file, ownerAllowed };
  }

  async meta(id: string): Promise<FileMeta> {
    return toFileMeta(await this.servable(id));
  }

  async previewMeta(id: string): Promise<PreviewMeta> {
    const file = await this.servable(id);
    const preview = previewFor(file.contentType, file.filename);
    return {
      file_id: file._id,
      preview_type: preview.type,
      content_type: preview.contentType,
      supports_range: true,
      preview_url: preview.type === 'none' ? null : DownloadRoutes.previewStream(file._id),
    };
  }

  /**
   * One download: the file's counter and the day's bucket in download_stats
   * (reports). Never rejects — callers fire and forget, and a counter must
   * not fail or slow a download.
   */
  async countDownload(id: string): Promise<void> {
    const results = await Promise.allSettled([this.files.incrementDownloads(id), this.stats.record()]);
    for (const r of results) if (r.status === 'rejected') this.logger.warn({ msg: 'could not count a download', fileId: id, err: String(r.reason) });
  }

  async batch(batchId: string): Promise<{ view: BatchView; files: FileDoc[] }> {
    if (!/^[0-9a-f-]{36}$/i.test(batchId)) throw notFound();
    const all = await this.files.listBatch(batchId);
    const live = all.filter((f) => f.status === 'completed' && !f.quarantined);
    const banned = await this.bannedOwners(live.flatMap((f) => (f.ownerId ? [f.ownerId] : [])));
    const files = live.filter((f) => !(f.ownerId && banned.has(f.ownerId)));
    if (files.length === 0) throw notFound();
    return {
      files,
      view: {
        batch_id: batchId,
        created_at: new Date(Math.min(...all.map((f) => new Date(f.createdAt).getTime()))).toISOString(),
        files: files.map(toFileMeta),
        total_size: files.reduce((s, f) => s + f.sizeBytes, 0),
        zip_url: DownloadRoutes.batchZip(batchId),
      },
    };
  }

  /** Cancels the batch's unfinished uploads (batch owner only). */
  async cancelBatch(batchId: string, userId: string): Promise<number> {
    const all = /^[0-9a-f-]{36}$/i.test(batchId) ? await this.files.listBatch(batchId) : [];
    if (all.length === 0) throw notFound();
    if (all.some((f) => f.ownerId !== userId)) throw new AppException(403, ErrorCode.FORBIDDEN, 'Only the person who uploaded this batch can cancel it.');
    let cancelled = 0;
    for (const f of all) if (await this.ledger.end(f._id, 'cancelled', 'CANCELLED')) cancelled++;
    return cancelled;
  }

  /** The owner deletes a file: the link stops working now; copies are purged by the worker. */
  async deleteOwn(id: string, userId: string): Promise<void> {
    const file = /^[0-9a-f-]{36}$/i.test(id) ? await this.files.findById(id) : null;
    if (!file || file.status === 'deleted' || file.ownerId !== userId) throw notFound();
    if (file.status === 'pending' || file.status === 'uploading') {
      await this.ledger.end(id, 'cancelled', 'CANCELLED');
    }
    const before = await this.files.markDeleted(id, new Date());
    if (!before) throw notFound();
    if (before.status === 'completed') await this.cleanup.purgeFile(id);
  }

  /** Which of these owners are banned: one read, however many files they own. */
  private async bannedOwners(ownerIds: string[]): Promise<Set<string>> {
    const distinct = [...new Set(ownerIds)];
    if (!distinct.length) return new Set();
    const asStored = (id: string) => (Types.ObjectId.isValid(id) && new Types.ObjectId(id).toHexString() === id ? new Types.ObjectId(id) : id);
    const banned = await this.connection
      .collection<{ _id: unknown; status?: string }>('users')
      .find({ _id: { $in: distinct.map(asStored) } as never, status: 'banned' }, { projection: { _id: 1 } })
      .toArray();
    return new Set(banned.map((u) => String(u._id)));
  }
}

export function toFileMeta(f: FileDoc): FileMeta {
  const preview = previewFor(f.contentType, f.filename);
  return {
    file_id: f._id,
    filename: f.filename,
    size: f.sizeBytes,
    content_type: f.contentType,
    created_at: new Date(f.createdAt).toISOString(),
    preview_type: preview.type,
    download_url: DownloadRoutes.stream(f._id),
    preview_url: preview.type === 'none' ? null : DownloadRoutes.previewStream(f._id),
    batch_id: f.batchId,
  };
}
