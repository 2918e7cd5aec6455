import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { JobState, Queue } from 'bullmq';

import { NotificationJob, NotificationSendJobData, QueueName } from './queue-names';
import { QueueProducer } from './queue-producer';

/** Attempts of one send job; each attempt resumes the fan-out where the previous one stopped. */
export const NOTIFICATION_SEND_ATTEMPTS = 5;

/**
 * Producer of the `notifications` queue: one send job per notification
 * (jobId = its id, delayed until `scheduledAt`), and the sweeper's schedule.
 * Used by the api (create, send, cancel) and the worker's sweeper.
 */
@Injectable()
export class NotificationQueue extends QueueProducer {
  constructor(@InjectQueue(QueueName.notifications) private readonly queue: Queue<NotificationSendJobData>) {
    super(queue);
  }

  /** Queues the send job. A job still waiting, delayed or running is left alone; a finished one is replaced. */
  async enqueueSend(notificationId: string, scheduledAt: Date): Promise<'queued' | 'exists'> {
    const existing = await this.queue.getJob(notificationId);
    if (existing) {
      const state = await existing.getState();
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return 'exists';
      await existing.remove();
    }
    await this.queue.add(
      NotificationJob.send,
      { notificationId },
      {
        jobId: notificationId,
        delay: Math.max(0, scheduledAt.getTime() - Date.now()),
        attempts: NOTIFICATION_SEND_ATTEMPTS,
        backoff: { type: 'exponential', delay: 5_000 },
      },
    );
    return 'queued';
  }

  /** Drops the waiting/delayed send job of a cancelled notification (best effort: the worker re-checks the status anyway). */
  async removeSend(notificationId: string): Promise<boolean> {
    const job = await this.queue.getJob(notificationId);
    if (!job) return false;
    try {
      await job.remove();
      return true;
    } catch {
      return false; // running (locked): it will see the cancelled status
    }
  }

  /** The state of a notification's send job, or null when it has none. */
  async sendState(notificationId: string): Promise<JobState | 'unknown' | null> {
    const job = await this.queue.getJob(notificationId);
    return job ? job.getState() : null;
  }

  /** The sweeper's schedule; every worker upserts the same one. */
  async scheduleSweep(everyMs: number): Promise<void> {
    await this.queue.upsertJobScheduler(NotificationJob.sweep, { every: everyMs }, { name: NotificationJob.sweep });
  }
}
