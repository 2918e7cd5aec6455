import { AdminErrorCode } from '@ddx/contracts';
import { BACKUP_STORE, BackupStore } from '@ddx/server-backup';
import { AppConfig } from '@ddx/server-config';
import { FileRepository } from '@ddx/server-database';
import { BackupCopyJobData, QueueName } from '@ddx/server-queue';
import { enqueueBackup } from '@ddx/server-uploads';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';

import { AppException } from '../../common/app-exception';

export type RequeueOutcome = 'queued' | 'already_queued';

/** The BullMQ backup queue as admins drive it: queue again, count. */
@Injectable()
export class BackupJobs {
  constructor(
    private readonly files: FileRepository,
    private readonly config: AppConfig,
    @InjectQueue(QueueName.backup) private readonly queue: Queue<BackupCopyJobData>,
    @Inject(BACKUP_STORE) readonly store: BackupStore | null,
  ) {}

  get enabled(): boolean {
    return this.store !== null;
  }

  assertEnabled(): void {
    if (!this.enabled) throw new AppException(409, AdminErrorCode.BACKUPS_DISABLED, 'Backups are disabled: WEBDAV_URL is not set.');
  }

  /**
   * Queues the copy of one file again. A finished job with the file's id
   * (kept after a final failure) is removed first, since BullMQ never adds a
   * second job with the same id; a job still waiting or running is left alone.
   */
  async requeue(fileId: string): Promise<RequeueOutcome> {
    const job = await this.queue.getJob(fileId);
    if (job) {
      const state = await job.getState();
      if (state !== 'failed' && state !== 'completed' && state !== 'unknown') return 'already_queued';
      await job.remove();
    }
    return (await enqueueBackup(this.queue, this.files, fileId, this.config.BACKUP_MAX_ATTEMPTS)) ? 'queued' : 'already_queued';
  }

  async counts(): Promise<{ waiting: number; active: number; delayed: number; failed: number }> {
    const c = await this.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
    return { waiting: (c['waiting'] ?? 0) + (c['prioritized'] ?? 0), active: c['active'] ?? 0, delayed: c['delayed'] ?? 0, failed: c['failed'] ?? 0 };
  }
}
