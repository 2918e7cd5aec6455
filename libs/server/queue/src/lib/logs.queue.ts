import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';

import { LogsJob, QueueName } from './queue-names';
import { QueueProducer } from './queue-producer';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Producer of the `logs` queue: the daily retention purge. */
@Injectable()
export class LogsQueue extends QueueProducer {
  constructor(@InjectQueue(QueueName.logs) private readonly queue: Queue) {
    super(queue);
  }

  /** Every worker upserts the same schedule at start, so there is one. */
  async scheduleDailyPurge(): Promise<void> {
    await this.queue.upsertJobScheduler(LogsJob.purge, { every: DAY_MS }, { name: LogsJob.purge });
  }
}
