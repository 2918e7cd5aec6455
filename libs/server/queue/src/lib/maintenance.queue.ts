import { AppConfig } from '@ddx/server-config';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';

import { MaintenanceJob, QueueName } from './queue-names';
import { QueueProducer } from './queue-producer';

/** Producer of the `maintenance` queue: only schedules, at the intervals the environment sets. */
@Injectable()
export class MaintenanceQueue extends QueueProducer {
  constructor(
    @InjectQueue(QueueName.maintenance) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {
    super(queue);
  }

  /** Upserted by every worker at start (same ids, so N workers still mean one schedule each). */
  async scheduleUpkeep(): Promise<void> {
    await this.queue.upsertJobScheduler(MaintenanceJob.refreshDriveAccounts, { every: this.config.DRIVE_REFRESH_INTERVAL_MS }, { name: MaintenanceJob.refreshDriveAccounts });
    await this.queue.upsertJobScheduler(MaintenanceJob.expireUploads, { every: this.config.UPLOAD_EXPIRY_SWEEP_MS }, { name: MaintenanceJob.expireUploads });
    if (this.config.WEBDAV_URL) {
      await this.queue.upsertJobScheduler(MaintenanceJob.sweepBackups, { every: this.config.BACKUP_SWEEP_MS }, { name: MaintenanceJob.sweepBackups });
    }
  }
}
