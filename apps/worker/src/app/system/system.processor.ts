import { AppConfig } from '@ddx/server-config';
import { PingJobData, PingJobResult, QueueName, SystemJob } from '@ddx/server-queue';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { OnModuleInit } from '@nestjs/common';
import { Job } from 'bullmq';

@Processor(QueueName.system)
export class SystemProcessor extends WorkerHost implements OnModuleInit {
  constructor(private readonly config: AppConfig) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.WORKER_CONCURRENCY;
  }

  async process(job: Job<PingJobData>): Promise<PingJobResult> {
    switch (job.name) {
      case SystemJob.ping:
        return { nonce: job.data.nonce, pid: process.pid };
      default:
        throw new Error(`unknown system job: ${job.name}`);
    }
  }
}
