import { UPLOAD_RECORD_RETENTION_DAYS_DEFAULT, UPLOAD_RECORD_RETENTION_SETTING, uploadRecordRetentionDaysSchema } from '@ddx/contracts';
import { BACKUP_STORE, BackupStore, parentPath } from '@ddx/server-backup';
import { FileRepository, readStoredSetting, UserStorageRepository } from '@ddx/server-database';
import { DriveAccountPool, DriveError } from '@ddx/server-drive';
import { CleanupJob, CleanupPurgeJobData, CleanupQueue, QueueName } from '@ddx/server-queue';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Job } from 'bullmq';
import { Connection } from 'mongoose';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface EndedUploadsPurge {
  retentionDays: number;
  deleted: number;
  cutoff: string | null;
}

/**
 * Purges a deleted file: the Drive copy, then the WebDAV copy, then gives its
 * bytes back to the account and the owner's quota. Each step tolerates "already
 * gone", so a retried job finishes what an earlier attempt started.
 *
 * Once a day (one schedule for all workers) it also deletes the records of
 * uploads that never completed, so loops of started-and-abandoned uploads do
 * not grow `files` without bound.
 */
@Processor(QueueName.cleanup)
export class CleanupProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(CleanupProcessor.name);

  constructor(
    private readonly files: FileRepository,
    private readonly userStorage: UserStorageRepository,
    private readonly pool: DriveAccountPool,
    @Inject(BACKUP_STORE) private readonly store: BackupStore | null,
    @InjectConnection() private readonly connection: Connection,
    private readonly queue: CleanupQueue,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.scheduleEndedUploadsPurge();
  }

  async process(job: Job<CleanupPurgeJobData>): Promise<{ purged: boolean } | EndedUploadsPurge> {
    if (job.name === CleanupJob.purgeEndedUploads) return this.purgeEndedUploads();
    return this.purgeDeleted(job);
  }

  async purgeEndedUploads(now = Date.now()): Promise<EndedUploadsPurge> {
    const stored = uploadRecordRetentionDaysSchema.safeParse(await readStoredSetting(this.connection, UPLOAD_RECORD_RETENTION_SETTING));
    const retentionDays = stored.success ? stored.data : UPLOAD_RECORD_RETENTION_DAYS_DEFAULT;
    if (retentionDays === 0) return { retentionDays, deleted: 0, cutoff: null };
    const cutoff = new Date(now - retentionDays * DAY_MS);
    const deleted = await this.files.deleteEndedBefore(cutoff);
    if (deleted) this.logger.log({ msg: 'old records of unfinished uploads deleted', deleted, retentionDays });
    return { retentionDays, deleted, cutoff: cutoff.toISOString() };
  }

  private async purgeDeleted(job: Job<CleanupPurgeJobData>): Promise<{ purged: boolean }> {
    const file = await this.files.findById(job.data.fileId);
    if (!file || file.status !== 'deleted' || file.purgedAt) return { purged: false };
    if (file.driveFileId && file.driveAccountId) {
      try {
        const client = await this.pool.client(file.driveAccountId);
        await client.deleteFile(file.driveFileId);
      } catch (e) {
        if (!(e instanceof DriveError && e.kind === 'not_found')) throw e;
      }
    }
    if (this.store) {
      // Always the file's own collection, recorded or not: a backup that was still copying when the
      // file was deleted may have written there without recording it.
      const dir = this.store.backupDirFor(file._id);
      await this.store.deleteDir(dir);
      if (file.backupPath && parentPath(file.backupPath) !== dir) await this.store.deleteDir(parentPath(file.backupPath));
    } else if (file.backupPath) {
      throw new Error('the file has a WebDAV copy but WEBDAV_URL is not set');
    }
    // Only the call that marks it purged gives the bytes back, so a retry never does it twice.
    if (await this.files.markPurged(file._id, new Date())) {
      if (file.driveAccountId) await this.pool.giveBack(file.driveAccountId, file.sizeBytes);
      if (file.ownerId) await this.userStorage.giveBack(file.ownerId, file.sizeBytes);
    }
    this.logger.log({ msg: 'deleted file purged', fileId: file._id });
    return { purged: true };
  }
}
