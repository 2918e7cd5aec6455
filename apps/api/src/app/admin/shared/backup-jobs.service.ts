import { AdminErrorCode } from '@ddx/contracts';
import { BACKUP_STORE, BackupStore } from '@ddx/server-backup';
import { BackupJobCounts, BackupQueue, BackupRequeueOutcome } from '@ddx/server-queue';
import { Inject, Injectable } from '@nestjs/common';

import { AppException } from '../../common/app-exception';

export type RequeueOutcome = BackupRequeueOutcome;

/** The backup queue as admins drive it: only while backups are enabled; queue again, count. */
@Injectable()
export class BackupJobs {
  constructor(
    private readonly queue: BackupQueue,
    @Inject(BACKUP_STORE) readonly store: BackupStore | null,
  ) {}

  get enabled(): boolean {
    return this.store !== null;
  }

  assertEnabled(): void {
    if (!this.enabled) throw new AppException(409, AdminErrorCode.BACKUPS_DISABLED, 'Backups are disabled: WEBDAV_URL is not set.');
  }

  /** See `BackupQueue.requeue`: a finished job is replaced, one still waiting or running is left alone. */
  requeue(fileId: string): Promise<RequeueOutcome> {
    return this.queue.requeue(fileId);
  }

  counts(): Promise<BackupJobCounts> {
    return this.queue.counts();
  }
}
