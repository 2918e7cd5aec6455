import { PingJobData, PingJobResult, QueueName, SystemJob } from '@ddx/server-queue';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';

/** Producer for the `system` queue; `ping` proves a worker is consuming. */
@Injectable()
export class SystemQueueService implements OnModuleDestroy {
  private events?: QueueEvents;

  constructor(@InjectQueue(QueueName.system) private readonly queue: Queue) {}

  async ping(nonce: string, timeoutMs = 10_000): Promise<PingJobResult> {
    this.events ??= new QueueEvents(this.queue.name, { connection: this.queue.opts.connection, prefix: this.queue.opts.prefix });
    await this.events.waitUntilReady();
    const job = await this.queue.add(SystemJob.ping, { nonce } satisfies PingJobData, { removeOnComplete: true });
    return (await job.waitUntilFinished(this.events, timeoutMs)) as PingJobResult;
  }

  async onModuleDestroy(): Promise<void> {
    await this.events?.close();
  }
}
