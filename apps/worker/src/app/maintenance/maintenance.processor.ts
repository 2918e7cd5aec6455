import { AppConfig } from '@ddx/server-config';
import { DriveAccountPool } from '@ddx/server-drive';
import { FileRepository } from '@ddx/server-database';
import { BackupCopyJobData, LiveEventsPublisher, MaintenanceJob, QueueName } from '@ddx/server-queue';
import { sweepBackups, UploadLedger } from '@ddx/server-uploads';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';

/**
 * Periodic upkeep. Schedules are upserted by every worker at start (same
 * ids, so N workers still mean one schedule) and run on whichever worker
 * takes the job — never inside the api.
 */
@Processor(QueueName.maintenance)
export class MaintenanceProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(
    private readonly pool: DriveAccountPool,
    private readonly ledger: UploadLedger,
    private readonly config: AppConfig,
    private readonly files: FileRepository,
    private readonly events: LiveEventsPublisher,
    @InjectQueue(QueueName.maintenance) private readonly queue: Queue,
    @InjectQueue(QueueName.backup) private readonly backups: Queue<BackupCopyJobData>,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(MaintenanceJob.refreshDriveAccounts, { every: this.config.DRIVE_REFRESH_INTERVAL_MS }, { name: MaintenanceJob.refreshDriveAccounts });
    await this.queue.upsertJobScheduler(MaintenanceJob.expireUploads, { every: this.config.UPLOAD_EXPIRY_SWEEP_MS }, { name: MaintenanceJob.expireUploads });
    if (this.config.WEBDAV_URL) {
      await this.queue.upsertJobScheduler(MaintenanceJob.sweepBackups, { every: this.config.BACKUP_SWEEP_MS }, { name: MaintenanceJob.sweepBackups });
    }
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case MaintenanceJob.refreshDriveAccounts: {
        const before = new Map((await this.pool.list()).map((a) => [a._id, a.health]));
        const accounts = await this.pool.refreshAll();
        for (const a of accounts) {
          if (before.get(a._id) !== a.health) {
            this.events.publish({ type: 'account.health', accountId: a._id, label: a.label, health: a.health, lastError: a.lastError });
          }
        }
        const unhealthy = accounts.filter((a) => a.health !== 'healthy').length;
        if (unhealthy) this.logger.warn({ msg: 'Drive accounts not healthy', unhealthy, total: accounts.length });
        return { accounts: accounts.length, unhealthy };
      }
      case MaintenanceJob.expireUploads: {
        const expired = await this.ledger.expireStale();
        if (expired) this.logger.log({ msg: 'expired stale uploads', expired });
        return { expired };
      }
      case MaintenanceJob.sweepBackups: {
        const queued = await sweepBackups(this.backups, this.files, this.config.BACKUP_MAX_ATTEMPTS);
        if (queued) this.logger.log({ msg: 'queued missing backups', queued });
        return { queued };
      }
      default:
        throw new Error(`unknown maintenance job: ${job.name}`);
    }
  }
}
