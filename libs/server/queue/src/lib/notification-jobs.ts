import { Queue } from 'bullmq';

import { NotificationJob, NotificationSendJobData } from './queue-names';

/** Attempts of one send job; each attempt resumes the fan-out where the previous one stopped. */
export const NOTIFICATION_SEND_ATTEMPTS = 5;

/**
 * Queues the send job of a notification (jobId = its id, delayed until
 * `scheduledAt`). A job still waiting, delayed or running is left alone; a
 * finished one is replaced. Used by the api (create, send) and the worker's
 * sweeper.
 */
export async function enqueueNotificationSend(queue: Queue<NotificationSendJobData>, notificationId: string, scheduledAt: Date): Promise<'queued' | 'exists'> {
  const existing = await queue.getJob(notificationId);
  if (existing) {
    const state = await existing.getState();
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return 'exists';
    await existing.remove();
  }
  await queue.add(
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
export async function removeNotificationSend(queue: Queue<NotificationSendJobData>, notificationId: string): Promise<boolean> {
  const job = await queue.getJob(notificationId);
  if (!job) return false;
  try {
    await job.remove();
    return true;
  } catch {
    return false; // running (locked): it will see the cancelled status
  }
}
