import { AdminErrorCode, BackupBatch, BackupQueued, BackupSummary, ErrorCode, FailedBackupList } from '@ddx/contracts';
import { describeBackupTarget } from '@ddx/server-backup';
import { AppConfig } from '@ddx/server-config';
import { FileDoc, FileRepository } from '@ddx/server-database';
import { Injectable } from '@nestjs/common';

import { ActivityAction } from '../../activity/activity-action';
import { AppException } from '../../common/app-exception';
import { AdminActor } from '../shared/admin-actor.decorator';
import { AdminAudit } from '../shared/admin-audit.service';
import { BackupJobs } from '../shared/backup-jobs.service';
import { pageOf } from '../shared/page';

/** Files queued per call of retry-all / trigger; the answer says how many are left. */
const BATCH = 1000;
const STATUSES = ['none', 'queued', 'in_progress', 'completed', 'failed'] as const;

/** The backup copies to WebDAV as admins see and drive them. */
@Injectable()
export class AdminBackupsService {
  constructor(
    private readonly files: FileRepository,
    private readonly jobs: BackupJobs,
    private readonly config: AppConfig,
    private readonly audit: AdminAudit,
  ) {}

  async summary(): Promise<BackupSummary> {
    const store = this.jobs.store;
    const [byStatus, lastOk, lastFailure, queue, ping, quota] = await Promise.all([
      this.files.countByBackupStatus(),
      this.files.lastBackedUp(),
      this.files.lastBackupFailure(),
      this.jobs.counts(),
      store ? store.ping() : Promise.resolve(null),
      store ? store.quota().catch(() => null) : Promise.resolve(null),
    ]);
    const target = describeBackupTarget(this.config);
    return {
      enabled: target.enabled,
      target: target.enabled ? target.target : null,
      counts: Object.fromEntries(STATUSES.map((s) => [s, byStatus[s] ?? 0])) as BackupSummary['counts'],
      last_success_at: lastOk?.backedUpAt ? new Date(lastOk.backedUpAt).toISOString() : null,
      last_failure: lastFailure
        ? { file_id: lastFailure._id, filename: lastFailure.filename, reason: lastFailure.backupError ?? null, at: new Date(lastFailure.updatedAt).toISOString() }
        : null,
      queue: { ...queue, depth: queue.waiting + queue.active + queue.delayed },
      webdav: ping ? { reachable: ping.reachable, ok: ping.ok, latency_ms: ping.latencyMs, error: ping.error?.message ?? null } : null,
      quota: quota ? { used_bytes: quota.used, available_bytes: quota.available } : null,
    };
  }

  async failed(page: number, limit: number): Promise<FailedBackupList> {
    const { items, total } = await this.files.listFailedBackups(page, limit);
    return {
      items: items.map((f) => ({
        file_id: f._id,
        filename: f.filename,
        size: f.sizeBytes,
        reason: f.backupError ?? null,
        attempts: f.backupAttempts ?? 0,
        failed_at: new Date(f.updatedAt).toISOString(),
      })),
      ...pageOf(total, page, limit),
    };
  }

  async retry(actor: AdminActor, fileId: string): Promise<BackupQueued> {
    this.jobs.assertEnabled();
    const file = await this.files.findById(fileId);
    if (!file) throw new AppException(404, ErrorCode.NOT_FOUND, 'This file does not exist.');
    if (file.status !== 'completed' || file.backupStatus !== 'failed') {
      throw new AppException(409, AdminErrorCode.FILE_STATE, 'Only a stored file whose backup failed can be retried.');
    }
    const outcome = await this.jobs.requeue(fileId);
    await this.audit.record(actor, ActivityAction.adminBackupRetry, fileId, { filename: file.filename, previousError: file.backupError, attempts: file.backupAttempts, outcome });
    return { file_id: fileId, queued: outcome === 'queued', message: outcome === 'queued' ? 'The backup copy is queued again.' : 'A backup of this file is already queued or running.' };
  }

  async retryAllFailed(actor: AdminActor): Promise<BackupBatch> {
    this.jobs.assertEnabled();
    const result = await this.requeueAll(['failed']);
    await this.audit.record(actor, ActivityAction.adminBackupRetryAll, null, { ...result });
    return result;
  }

  /** Queues every stored file without a copy (backup status none, or queued/in progress with no job left). */
  async triggerPending(actor: AdminActor): Promise<BackupBatch> {
    this.jobs.assertEnabled();
    const result = await this.requeueAll(['none', 'queued', 'in_progress']);
    await this.audit.record(actor, ActivityAction.adminBackupTrigger, null, { ...result });
    return result;
  }

  private async requeueAll(statuses: FileDoc['backupStatus'][]): Promise<BackupBatch> {
    const { ids, total } = await this.files.idsByBackupStatus(statuses, BATCH);
    let queued = 0;
    for (const id of ids) if ((await this.jobs.requeue(id)) === 'queued') queued++;
    return { queued, skipped: ids.length - queued, remaining: Math.max(0, total - ids.length) };
  }
}
