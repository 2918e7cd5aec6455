import { DailyUsageRepository, FileDoc, FileRepository, SecretBox, UserStorageRepository } from '@ddx/server-database';
import { DriveAccountPool } from '@ddx/server-drive';

export interface FileCompletedEvent {
  fileId: string;
  ownerId: string | null;
  sizeBytes: number;
  md5: string;
}

export type FileCompletedListener = (event: FileCompletedEvent) => Promise<void> | void;

export interface UploadLedgerLogger {
  warn(message: object): void;
}

/**
 * Ends uploads — completed, cancelled, failed or expired — and settles every
 * charge made at initiation (account reservation, storage quota, daily
 * allowance). Each transition is conditional on the file still being active,
 * so whichever process gets there first settles it exactly once.
 */
export class UploadLedger {
  private readonly listeners: FileCompletedListener[] = [];

  constructor(
    private readonly files: FileRepository,
    private readonly daily: DailyUsageRepository,
    private readonly userStorage: UserStorageRepository,
    private readonly pool: DriveAccountPool,
    private readonly secrets: SecretBox,
    private readonly logger: UploadLedgerLogger = { warn: () => undefined },
  ) {}

  /** Side effects of a completed file (e.g. the backup job) subscribe here. */
  onFileCompleted(listener: FileCompletedListener): void {
    this.listeners.push(listener);
  }

  async complete(fileId: string, stored: { driveFileId: string; md5: string; sizeBytes: number }): Promise<FileDoc | null> {
    const file = await this.files.complete(fileId, stored, new Date());
    if (!file) return null;
    if (file.driveAccountId) await this.pool.commit(file.driveAccountId, file.accountReservedBytes, stored.sizeBytes);
    if (file.ownerId) await this.userStorage.commit(file.ownerId, file.userReservedBytes, stored.sizeBytes);
    const event: FileCompletedEvent = { fileId, ownerId: file.ownerId, sizeBytes: stored.sizeBytes, md5: stored.md5 };
    for (const listener of this.listeners) {
      try {
        await listener(event);
      } catch (err) {
        // The backup sweeper re-queues anything a listener failed to start.
        this.logger.warn({ msg: 'FileCompleted listener failed', fileId, err });
      }
    }
    return file;
  }

  /** Cancels/fails an active upload and gives back everything it held. False when it was not active. */
  async end(fileId: string, status: 'failed' | 'cancelled', reason: string): Promise<boolean> {
    const before = await this.files.end(fileId, status, reason);
    if (!before) return false;
    await this.settle(before);
    return true;
  }

  private async settle(file: FileDoc): Promise<void> {
    if (file.driveAccountId && file.driveSessionSealed) {
      try {
        const client = await this.pool.client(file.driveAccountId);
        await client.cancelSession(this.secrets.open(file.driveSessionSealed, file._id));
      } catch (err) {
        // An abandoned session expires on Drive's side after a week; nothing is stored.
        this.logger.warn({ msg: 'could not cancel Drive session', fileId: file._id, err: String(err) });
      }
    }
    if (file.driveAccountId) await this.pool.release({ accountId: file.driveAccountId, bytes: file.accountReservedBytes });
    if (file.ownerId) await this.userStorage.release(file.ownerId, file.userReservedBytes);
    if (file.dailyUsageKey) await this.daily.giveBack(file.dailyUsageKey, file.sizeBytes);
  }

  /** Uploads past their expiry end as failed/EXPIRED; returns how many. */
  async expireStale(now = new Date(), batch = 100): Promise<number> {
    let count = 0;
    for (;;) {
      const stale = await this.files.findExpired(now, batch);
      if (stale.length === 0) return count;
      for (const f of stale) if (await this.end(f._id, 'failed', 'EXPIRED')) count++;
      if (stale.length < batch) return count;
    }
  }
}
