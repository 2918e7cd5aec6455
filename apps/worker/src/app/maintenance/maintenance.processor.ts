import { DriveAccountPool } from '@ddx/server-drive';
import { BackupQueue, LiveEventsPublisher, MaintenanceJob, MaintenanceQueue, QueueName } from '@ddx/server-queue';
import { UploadLedger } from '@ddx/server-uploads';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';

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
    private readonly events: LiveEventsPublisher,
    private readonly queue: MaintenanceQueue,
    private readonly backups: BackupQueue,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.scheduleUpkeep();
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
        const queued = await this.backups.sweep();
        if (queued) this.logger.log({ msg: 'queued missing backups', queued });
        return { queued };
      }
      default:
        throw new Error(`unknown maintenance job: ${job.name}`);
    }
  }
}
