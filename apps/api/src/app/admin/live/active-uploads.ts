import { LiveEvent } from '@ddx/contracts';

/** An upload with an open socket shows progress at least this often, or it is stuck or its replica died. */
export const ACTIVE_UPLOAD_IDLE_MS = 5 * 60_000;

/**
 * Uploads with a socket streaming right now, followed from live events of
 * every replica: in on `started`/`progress`, out when they complete, fail,
 * are cancelled or lose their socket, and out after ACTIVE_UPLOAD_IDLE_MS
 * without progress (a replica that died sends no `disconnected`). Also gives
 * the bytes committed between two snapshots.
 */
export class ActiveUploads {
  private readonly uploads = new Map<string, { offset: number; seenAt: number }>();
  private bytes = 0;

  constructor(private readonly idleMs = ACTIVE_UPLOAD_IDLE_MS) {}

  apply(event: LiveEvent, now = Date.now()): void {
    if (event.type === 'upload.started') {
      this.uploads.set(event.fileId, { offset: event.resumedAt, seenAt: now });
    } else if (event.type === 'upload.progress') {
      const previous = this.uploads.get(event.fileId)?.offset ?? 0;
      if (event.offset > previous) this.bytes += event.offset - previous;
      this.uploads.set(event.fileId, { offset: Math.max(previous, event.offset), seenAt: now });
    } else if (event.type === 'upload.completed' || event.type === 'upload.failed' || event.type === 'upload.cancelled' || event.type === 'upload.disconnected') {
      this.uploads.delete(event.fileId);
    }
  }

  count(now = Date.now()): number {
    for (const [fileId, u] of this.uploads) if (now - u.seenAt > this.idleMs) this.uploads.delete(fileId);
    return this.uploads.size;
  }

  /** Bytes committed since the last `takeBytes`. */
  peekBytes(): number {
    return this.bytes;
  }

  takeBytes(): number {
    const bytes = this.bytes;
    this.bytes = 0;
    return bytes;
  }
}
