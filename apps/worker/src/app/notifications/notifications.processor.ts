import { renderNotificationText } from '@ddx/contracts';
import { DeliveryRepository, NotificationAudienceResolver, NotificationDoc, NotificationRepository, Recipient } from '@ddx/server-database';
import { NotificationJob, NotificationQueue, NotificationSendJobData, QueueName } from '@ddx/server-queue';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';

import { NotificationMailer } from './notification-mailer';

/** Recipients handled (and held in memory) at a time. */
export const FANOUT_BATCH = 200;
/** E-mails in flight at once within a batch. */
const MAIL_CONCURRENCY = 4;
/** How often the sweeper looks for scheduled notifications without a job. */
export const SWEEP_EVERY_MS = 60_000;
/** Notifications the sweeper looks at per run (pages of 200). */
const SWEEP_MAX = 10_000;

export interface SendResult {
  status: 'sent' | 'skipped';
  reason?: string;
  recipients?: number;
  emailSent?: number;
  emailFailed?: number;
}

/**
 * Sends notifications. One delayed job per notification (jobId = its id)
 * fires at the scheduled time; the job re-reads the notification, so a
 * cancelled one is not sent. The audience is walked in ascending user id
 * order, one bounded batch at a time: deliveries are upserted on the unique
 * (notification, user) pair and the last finished id is saved, so a retried
 * or taken-over job resumes without delivering twice. An e-mail that fails
 * is recorded on its delivery and does not fail the job.
 *
 * Delayed jobs live in Redis and survive a worker restart; the sweeper (at
 * start and every minute) re-queues scheduled or interrupted notifications
 * whose job is gone.
 */
@Processor(QueueName.notifications, { lockDuration: 30_000, stalledInterval: 10_000, maxStalledCount: 5 })
export class NotificationsProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(NotificationsProcessor.name);

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly audience: NotificationAudienceResolver,
    private readonly mailer: NotificationMailer,
    private readonly queue: NotificationQueue,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.scheduleSweep(SWEEP_EVERY_MS);
    // Overdue notifications are queued now rather than at the first scheduled sweep.
    await this.sweep().catch((e: unknown) => this.logger.warn({ msg: 'notification sweep at start failed', err: String(e) }));
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case NotificationJob.send:
        return this.send(job as Job<NotificationSendJobData>);
      case NotificationJob.sweep:
        return this.sweep();
      default:
        throw new Error(`unknown notifications job: ${job.name}`);
    }
  }

  async send(job: Job<NotificationSendJobData>): Promise<SendResult> {
    const id = job.data.notificationId;
    let n = await this.notifications.findById(id);
    if (!n) return { status: 'skipped', reason: 'deleted' };
    if (n.status === 'scheduled') {
      n = (await this.notifications.transition(id, ['scheduled'], 'sending', { startedAt: new Date() })) ?? (await this.notifications.findById(id));
      if (!n) return { status: 'skipped', reason: 'deleted' };
    }
    if (n.status !== 'sending') return { status: 'skipped', reason: n.status };
    this.logger.log({ msg: 'sending notification', notificationId: id, audience: n.audience.kind, resumeAfter: n.cursor, attempt: job.attemptsMade + 1 });

    // "Active" is judged at the moment sending started, also when a retry resumes later.
    const now = n.startedAt ?? new Date();
    let cursor = n.cursor;
    for (;;) {
      const batch = await this.audience.batch(n.audience, cursor, FANOUT_BATCH, now);
      if (!batch.length) break;
      await this.deliveries.deliver(id, batch, n.channels);
      if (n.channels.email) await this.emailBatch(n, batch);
      cursor = batch[batch.length - 1]?.userId ?? cursor;
      await this.notifications.saveCursor(id, cursor);
      await job.updateProgress({ cursor });
      if (batch.length < FANOUT_BATCH) break;
    }

    const [recipients, emailSent, emailFailed] = await Promise.all([
      this.deliveries.countFor(id),
      this.deliveries.countFor(id, { emailStatus: 'sent' }),
      this.deliveries.countFor(id, { emailStatus: 'failed' }),
    ]);
    await this.notifications.finish(id, { recipients, emailSent, emailFailed });
    this.logger.log({ msg: 'notification sent', notificationId: id, recipients, emailSent, emailFailed });
    return { status: 'sent', recipients, emailSent, emailFailed };
  }

  /** E-mails the batch's recipients whose e-mail is still pending (a retried batch skips those already sent). */
  private async emailBatch(n: NotificationDoc, batch: Recipient[]): Promise<void> {
    const pending = await this.deliveries.pendingEmails(n._id, batch.map((r) => r.userId));
    for (let i = 0; i < pending.length; i += MAIL_CONCURRENCY) {
      await Promise.all(
        pending.slice(i, i + MAIL_CONCURRENCY).map(async (d) => {
          const values = { email: d.userEmail, name: d.userName || d.userEmail.split('@')[0] || d.userEmail };
          try {
            await this.mailer.send({ to: d.userEmail, title: renderNotificationText(n.title, values), body: renderNotificationText(n.body, values) });
            await this.deliveries.setEmailResult(n._id, d.userId, { status: 'sent' });
          } catch (e) {
            const error = e instanceof Error ? e.message : String(e);
            this.logger.warn({ msg: 'notification e-mail failed', notificationId: n._id, userId: d.userId, err: error });
            await this.deliveries.setEmailResult(n._id, d.userId, { status: 'failed', error });
          }
        }),
      );
    }
  }

  /** Queues every scheduled or interrupted notification that has no live job (bounded per run). */
  async sweep(): Promise<{ queued: number }> {
    let queued = 0;
    let after: string | undefined;
    for (let seen = 0; seen < SWEEP_MAX; ) {
      const page = await this.notifications.pending(200, after);
      if (!page.length) break;
      for (const n of page) {
        if ((await this.queue.enqueueSend(n._id, n.scheduledAt ?? new Date())) === 'queued') queued++;
      }
      seen += page.length;
      after = page[page.length - 1]?._id;
    }
    if (queued) this.logger.log({ msg: 'sweeper queued notifications', queued });
    return { queued };
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job | undefined, error: Error): Promise<void> {
    if (!job || job.name !== NotificationJob.send) return;
    const data = job.data as NotificationSendJobData;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    this.logger.warn({ msg: final ? 'notification failed for good' : 'notification attempt failed; will retry', notificationId: data.notificationId, attempt: job.attemptsMade, err: error.message });
    if (final) await this.notifications.fail(data.notificationId, error.message);
  }
}
