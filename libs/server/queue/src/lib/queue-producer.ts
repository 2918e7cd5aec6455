import { JobType, Queue } from 'bullmq';

import { QueueName } from './queue-names';

/** What monitoring reads of a queue; none of it depends on the job data. */
type Monitored = Pick<Queue, 'name' | 'getJobCounts' | 'isPaused' | 'getWorkersCount' | 'waitUntilReady'>;

/**
 * The part every producer shares: which queue it is and what BullMQ reports
 * about it (monitoring, metrics). Adding jobs stays in each producer, with
 * its job options.
 */
export abstract class QueueProducer {
  protected constructor(private readonly monitored: Monitored) {}

  get name(): QueueName {
    return this.monitored.name as QueueName;
  }

  /** Jobs per state, as BullMQ counts them (`waiting` excludes `prioritized`). */
  jobCounts(...states: JobType[]): Promise<Record<string, number>> {
    return this.monitored.getJobCounts(...states);
  }

  isPaused(): Promise<boolean> {
    return this.monitored.isPaused();
  }

  workersCount(): Promise<number> {
    return this.monitored.getWorkersCount();
  }

  async waitUntilReady(): Promise<void> {
    await this.monitored.waitUntilReady();
  }
}
