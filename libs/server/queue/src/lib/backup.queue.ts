import { AppConfig } from '@ddx/server-config';
import { FileRepository } from '@ddx/server-database';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';

import { BackupCopyJobData, BackupJob, QueueName } from './queue-names';
import { QueueProducer } from './queue-producer';

export type BackupRequeueOutcome = 'queued' | 'already_queued';

export interface BackupJobCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/** Completed files the sweeper looks at per run. */
const SWEEP_LIMIT = 200;

/**
 * Producer of the `backup` queue. A copy job's id is the file id, so a file is
 * never queued twice; failed jobs are kept for admins to see and retry.
 */
@Injectable()
export class BackupQueue extends QueueProducer {
  constructor(
    @InjectQueue(QueueName.backup) private readonly queue: Queue<BackupCopyJobData>,
    private readonly files: FileRepository,
    private readonly config: AppConfig,
  ) {
    super(queue);
  }

  private copyOptions(fileId: string): JobsOptions {
    return { jobId: fileId, attempts: this.config.BACKUP_MAX_ATTEMPTS, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: true, removeOnFail: false };
  }

  /** Queues the copy of one file and marks it `queued`; false when a job with its id already exists. */
  async enqueue(fileId: string): Promise<boolean> {
    if (await this.queue.getJob(fileId)) return false;
    await this.files.setBackup(fileId, { backupStatus: 'queued', backupError: null });
    await this.queue.add(BackupJob.copy, { fileId }, this.copyOptions(fileId));
    return true;
  }

  /**
   * Queues the copy of one file again. A finished job with the file's id
   * (kept after a final failure) is removed first, since BullMQ never adds a
   * second job with the same id; a job still waiting or running is left alone.
   */
  async requeue(fileId: string): Promise<BackupRequeueOutcome> {
    const job = await this.queue.getJob(fileId);
    if (job) {
      const state = await job.getState();
      if (state !== 'failed' && state !== 'completed' && state !== 'unknown') return 'already_queued';
      await job.remove();
    }
    return (await this.enqueue(fileId)) ? 'queued' : 'already_queued';
  }

  /** Completed files without a copy and without a job (e.g. Redis was lost) are queued again. */
  async sweep(limit = SWEEP_LIMIT): Promise<number> {
    let queued = 0;
    for (const f of await this.files.findNeedingBackup(limit)) if (await this.enqueue(f._id)) queued++;
    return queued;
  }

  async counts(): Promise<BackupJobCounts> {
    const c = await this.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
    return { waiting: (c['waiting'] ?? 0) + (c['prioritized'] ?? 0), active: c['active'] ?? 0, delayed: c['delayed'] ?? 0, failed: c['failed'] ?? 0 };
  }

  /** Whether a job for the file exists (waiting, running, delayed, or kept after failing). */
  async hasJob(fileId: string): Promise<boolean> {
    return (await this.queue.getJob(fileId)) !== undefined;
  }

  /** Copies waiting, running or delayed (failed ones not counted). */
  async depth(): Promise<number> {
    const c = await this.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed');
    return Object.values(c).reduce((a, b) => a + b, 0);
  }
}
