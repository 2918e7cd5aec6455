import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';

import { CleanupJob, CleanupPurgeJobData, QueueName } from './queue-names';
import { QueueProducer } from './queue-producer';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Attempts of one purge; each attempt finishes what the previous one started. */
export const CLEANUP_PURGE_ATTEMPTS = 10;

/** Producer of the `cleanup` queue: purges of deleted files and the daily purge of ended upload records. */
@Injectable()
export class CleanupQueue extends QueueProducer {
  constructor(@InjectQueue(QueueName.cleanup) private readonly queue: Queue<CleanupPurgeJobData>) {
    super(queue);
  }

  /** Queues the purge of a deleted file (jobId = file id, so a file is purged by one job). */
  async purgeFile(fileId: string): Promise<void> {
    await this.queue.add(CleanupJob.purge, { fileId }, { jobId: fileId, attempts: CLEANUP_PURGE_ATTEMPTS, backoff: { type: 'exponential', delay: 5000 } });
  }

  /** The daily purge of ended upload records; every worker upserts the same schedule, so there is one. */
  async scheduleEndedUploadsPurge(): Promise<void> {
    await this.queue.upsertJobScheduler(CleanupJob.purgeEndedUploads, { every: DAY_MS }, { name: CleanupJob.purgeEndedUploads });
  }
}
