import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';

import { PingJobData, PingJobResult, QueueName, SystemJob } from './queue-names';
import { QueueProducer } from './queue-producer';

/** Producer of the `system` queue; `ping` proves a worker is consuming. */
@Injectable()
export class SystemQueue extends QueueProducer implements OnModuleDestroy {
  private events?: QueueEvents;

  constructor(@InjectQueue(QueueName.system) private readonly queue: Queue<PingJobData>) {
    super(queue);
  }

  async ping(nonce: string, timeoutMs = 10_000): Promise<PingJobResult> {
    this.events ??= new QueueEvents(this.queue.name, { connection: this.queue.opts.connection, prefix: this.queue.opts.prefix });
    await this.events.waitUntilReady();
    const job = await this.queue.add(SystemJob.ping, { nonce }, { removeOnComplete: true });
    return (await job.waitUntilFinished(this.events, timeoutMs)) as PingJobResult;
  }

  async onModuleDestroy(): Promise<void> {
    await this.events?.close();
  }
}
