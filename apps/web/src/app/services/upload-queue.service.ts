import { DOCUMENT } from '@angular/common';
import { computed, inject, Injectable, InjectionToken, signal } from '@angular/core';
import { InitiateUploadRequest, InitiateUploadResponse, QuotaInfo } from '@ddx/contracts';
import { formatBytes } from '@ddx/ui';
import { firstValueFrom } from 'rxjs';

import { apiProblem } from '../core/api-problem';
import { ResumableUpload, SocketFactory, SocketLike, SocketUrlRefused, UploadState } from './resumable-upload';
import { UploadService } from './upload.service';

/** Files per batch, as the server's default `maxBatchFiles`. */
export const MAX_BATCH_FILES = 5;

export const WEB_SOCKET_FACTORY = new InjectionToken<SocketFactory>('WEB_SOCKET_FACTORY', {
  providedIn: 'root',
  factory: () => (url: string) => new WebSocket(url) as unknown as SocketLike,
});

export interface UploadItem {
  fileId: string;
  /** The name as stored (sanitised by the server). */
  filename: string;
  upload: ResumableUpload;
}

export interface Transfer {
  kind: 'single' | 'batch';
  batchId: string | null;
  items: UploadItem[];
}

const settled = (s: UploadState) => s.phase === 'completed' || s.phase === 'cancelled' || (s.phase === 'failed' && !s.canRetry);

/**
 * The upload in progress (one file, or a batch of up to MAX_BATCH_FILES), kept
 * at the application level so it continues while people browse other pages.
 */
@Injectable({ providedIn: 'root' })
export class UploadQueue {
  private readonly api = inject(UploadService);
  private readonly socketFactory = inject(WEB_SOCKET_FACTORY);
  private readonly window = inject(DOCUMENT).defaultView;

  readonly transfer = signal<Transfer | null>(null);
  readonly starting = signal(false);
  /** Why the upload could not start (the API's message, or a client-side check). */
  readonly startError = signal<string | null>(null);
  readonly quota = signal<QuotaInfo | null>(null);

  readonly active = computed(() => this.transfer()?.items.some((i) => !settled(i.upload.state())) ?? false);
  readonly allSettled = computed(() => {
    const t = this.transfer();
    return !!t && t.items.every((i) => settled(i.upload.state()));
  });
  readonly completedCount = computed(() => this.transfer()?.items.filter((i) => i.upload.state().phase === 'completed').length ?? 0);
  /** The link to share, once every file has finished and at least one made it. */
  readonly shareUrl = computed(() => {
    const t = this.transfer();
    if (!t || !this.allSettled() || this.completedCount() === 0) return null;
    const origin = this.window?.location.origin ?? '';
    return t.kind === 'batch' && t.batchId ? `${origin}/batch/${t.batchId}` : `${origin}/download/${t.items.find((i) => i.upload.state().phase === 'completed')?.fileId}`;
  });

  constructor() {
    // Offline: an open socket may never report its death, so drop it now. Back
    // online: reconnect at once instead of waiting for the next backoff step.
    this.window?.addEventListener('offline', () => this.transfer()?.items.forEach((i) => i.upload.connectionLost()));
    this.window?.addEventListener('online', () => this.transfer()?.items.forEach((i) => i.upload.retryNow()));
    this.window?.addEventListener('beforeunload', (e) => {
      if (this.active()) {
        e.preventDefault();
        e.returnValue = '';
      }
    });
  }

  async refreshQuota(): Promise<void> {
    try {
      this.quota.set(await firstValueFrom(this.api.quotaInfo()));
    } catch {
      this.quota.set(null); // the widget works without it; the server checks anyway
    }
  }

  /** The server's limits, checked before asking it: it still decides. */
  check(files: readonly File[]): string[] {
    const problems: string[] = [];
    if (files.length > MAX_BATCH_FILES) problems.push(`You can send up to ${MAX_BATCH_FILES} files at once; you chose ${files.length}.`);
    const q = this.quota();
    if (!q) return problems;
    for (const f of files) {
      if (f.size > q.max_file_size_bytes) problems.push(`${f.name} is ${formatBytes(f.size)}, larger than the ${formatBytes(q.max_file_size_bytes)} limit per file.`);
    }
    const total = files.reduce((sum, f) => sum + f.size, 0);
    if (total > q.daily_remaining_bytes) {
      problems.push(
        `${files.length > 1 ? 'These files total' : 'This file is'} ${formatBytes(total)}, but ${formatBytes(q.daily_remaining_bytes)} of today's ${formatBytes(q.daily_limit_bytes)} allowance is left. It resets at midnight UTC.`,
      );
    }
    if (q.storage_remaining_bytes !== null && total > q.storage_remaining_bytes) {
      problems.push(`Not enough storage space: ${formatBytes(q.storage_remaining_bytes)} of your quota is left.`);
    }
    return problems;
  }

  async start(files: readonly File[]): Promise<boolean> {
    if (!files.length || this.starting() || this.active()) return false;
    const problems = this.check(files);
    if (problems.length) {
      this.startError.set(problems.join(' '));
      return false;
    }
    this.startError.set(null);
    this.starting.set(true);
    const specs: InitiateUploadRequest[] = files.map((f) => ({ filename: f.name, size: f.size, content_type: f.type || 'application/octet-stream' }));
    try {
      let transfer: Transfer;
      if (files.length === 1) {
        const init = await firstValueFrom(this.api.initiate(specs[0] as InitiateUploadRequest));
        transfer = { kind: 'single', batchId: null, items: [this.item(files[0] as File, init)] };
      } else {
        const res = await firstValueFrom(this.api.initiateBatch(specs));
        transfer = { kind: 'batch', batchId: res.batch_id, items: res.files.map((init, i) => this.item(files[i] as File, init)) };
      }
      this.transfer.set(transfer);
      for (const item of transfer.items) item.upload.start();
      void Promise.all(transfer.items.map((i) => i.upload.done)).then(() => this.refreshQuota());
      return true;
    } catch (e) {
      this.startError.set(apiProblem(e).message);
      void this.refreshQuota();
      return false;
    } finally {
      this.starting.set(false);
    }
  }

  async cancelAll(): Promise<void> {
    await Promise.all((this.transfer()?.items ?? []).map((i) => i.upload.cancel()));
    void this.refreshQuota();
  }

  /** Clears a finished transfer so the widget can take new files. */
  reset(): void {
    if (this.active()) return;
    this.transfer.set(null);
    this.startError.set(null);
  }

  private item(file: File, init: InitiateUploadResponse): UploadItem {
    const upload = new ResumableUpload({
      socketUrl: () => this.socketUrl(init),
      source: file,
      chunkSize: init.chunk_size,
      socketFactory: this.socketFactory,
      cancelRemote: () => firstValueFrom(this.api.cancel(init.file_id, init.upload_token)),
      isOnline: () => this.window?.navigator.onLine ?? true,
    });
    return { fileId: init.file_id, filename: init.filename, upload };
  }

  /** Takes a fresh ticket for each connection: the upload token never appears in a URL. */
  private async socketUrl(init: InitiateUploadResponse): Promise<string> {
    let ticket: string;
    try {
      ticket = (await firstValueFrom(this.api.socketTicket(init.file_id, init.upload_token))).ticket;
    } catch (e) {
      const problem = apiProblem(e);
      // 401/403/409: the link, the upload or the account is done for; other failures are worth retrying.
      if ([401, 403, 409].includes(problem.status)) throw new SocketUrlRefused(problem.code, problem.message);
      throw e;
    }
    const loc = this.window?.location;
    const scheme = loc?.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${loc?.host ?? ''}${init.upload_url}?ticket=${encodeURIComponent(ticket)}`;
  }
}
