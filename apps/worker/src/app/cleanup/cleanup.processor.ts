import { BackupStore, parentPath } from '@ddx/server-backup';
import { FileRepository, UserStorageRepository } from '@ddx/server-database';
import { DriveAccountPool, DriveError } from '@ddx/server-drive';
import { CleanupPurgeJobData, QueueName } from '@ddx/server-queue';
import { BACKUP_STORE } from '@ddx/server-uploads';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { Job } from 'bullmq';

/**
 * Purges a deleted file: the Drive copy, then the WebDAV copy, then gives its
 * bytes back to the account and the owner's quota. Each step tolerates "already
 * gone", so a retried job finishes what an earlier attempt started.
 */
@Processor(QueueName.cleanup)
export class CleanupProcessor extends WorkerHost {
  private readonly logger = new Logger(CleanupProcessor.name);

  constructor(
    private readonly files: FileRepository,
    private readonly userStorage: UserStorageRepository,
    private readonly pool: DriveAccountPool,
    @Inject(BACKUP_STORE) private readonly store: BackupStore | null,
  ) {
    super();
  }

  async process(job: Job<CleanupPurgeJobData>): Promise<{ purged: boolean }> {
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
    if (file.backupPath) {
      if (!this.store) throw new Error('the file has a WebDAV copy but WEBDAV_URL is not set');
      await this.store.deleteDir(parentPath(file.backupPath));
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
