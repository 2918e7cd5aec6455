import { EmailDeliveryStatus } from '@ddx/contracts';
import { Model, PipelineStage } from 'mongoose';

import { NotificationDeliveryDoc } from './notification.schema';

export interface Recipient {
  userId: string;
  email: string;
  name: string | null;
}

export interface LiveCounts {
  recipients: number;
  read: number;
  emailSent: number;
  emailFailed: number;
  emailPending: number;
}

const EMPTY: LiveCounts = { recipients: 0, read: 0, emailSent: 0, emailFailed: 0, emailPending: 0 };

/** `notification_deliveries`: one document per recipient of a notification. */
export class DeliveryRepository {
  constructor(private readonly model: Model<NotificationDeliveryDoc>) {}

  async init(): Promise<void> {
    await this.model.init();
  }

  /**
   * Records a batch of recipients. Upserts on the unique (notificationId,
   * userId) pair with $setOnInsert: a job retried after a crash re-runs the
   * batch without delivering twice or touching read/e-mail state.
   */
  async deliver(notificationId: string, recipients: Recipient[], channels: { inApp: boolean; email: boolean }): Promise<void> {
    if (!recipients.length) return;
    const now = new Date();
    await this.model.bulkWrite(
      recipients.map((r) => ({
        updateOne: {
          filter: { notificationId, userId: r.userId },
          update: {
            $setOnInsert: {
              notificationId,
              userId: r.userId,
              userEmail: r.email,
              userName: r.name,
              inApp: channels.inApp,
              readAt: null,
              emailStatus: (channels.email ? 'pending' : 'skipped') as EmailDeliveryStatus,
              emailError: null,
              emailSentAt: null,
              deliveredAt: now,
            },
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  /** Deliveries of these users whose e-mail is still to be sent. */
  pendingEmails(notificationId: string, userIds: string[]): Promise<NotificationDeliveryDoc[]> {
    return this.model
      .find({ notificationId, userId: { $in: userIds }, emailStatus: 'pending' })
      .lean<NotificationDeliveryDoc[]>()
      .exec();
  }

  async setEmailResult(notificationId: string, userId: string, result: { status: 'sent' } | { status: 'failed'; error: string }): Promise<void> {
    await this.model
      .updateOne(
        { notificationId, userId, emailStatus: 'pending' },
        {
          $set:
            result.status === 'sent'
              ? { emailStatus: 'sent', emailError: null, emailSentAt: new Date() }
              : { emailStatus: 'failed', emailError: result.error.slice(0, 500) },
        },
      )
      .exec();
  }

  async countFor(notificationId: string, filter: Record<string, unknown> = {}): Promise<number> {
    return this.model.countDocuments({ notificationId, ...filter }).exec();
  }

  /**
   * Delivery counts of several notifications. FerretDB computes only the
   * first accumulator of a `$group`, so each count is its own grouped query.
   */
  async countsFor(notificationIds: string[]): Promise<Map<string, LiveCounts>> {
    const out = new Map<string, LiveCounts>(notificationIds.map((id) => [id, { ...EMPTY }]));
    if (!notificationIds.length) return out;
    const group = async (key: keyof LiveCounts, match: Record<string, unknown>) => {
      const pipeline: PipelineStage[] = [{ $match: { notificationId: { $in: notificationIds }, ...match } }, { $group: { _id: '$notificationId', n: { $sum: 1 } } }];
      for (const row of await this.model.aggregate<{ _id: string; n: number }>(pipeline).exec()) {
        const c = out.get(row._id);
        if (c) c[key] = row.n;
      }
    };
    await Promise.all([
      group('recipients', {}),
      group('read', { readAt: { $ne: null } }),
      group('emailSent', { emailStatus: 'sent' }),
      group('emailFailed', { emailStatus: 'failed' }),
      group('emailPending', { emailStatus: 'pending' }),
    ]);
    return out;
  }

  async listFor(notificationId: string, filter: { emailStatus?: EmailDeliveryStatus }, page: number, limit: number): Promise<{ items: NotificationDeliveryDoc[]; total: number }> {
    const query: Record<string, unknown> = { notificationId };
    if (filter.emailStatus) query['emailStatus'] = filter.emailStatus;
    const [items, total] = await Promise.all([
      this.model
        .find(query)
        .sort({ _id: 1 })
        .skip((page - 1) * limit)
        .limit(limit)
        .lean<NotificationDeliveryDoc[]>()
        .exec(),
      this.model.countDocuments(query).exec(),
    ]);
    return { items, total };
  }

  async deleteFor(notificationId: string): Promise<number> {
    return (await this.model.deleteMany({ notificationId }).exec()).deletedCount;
  }

  // ------------------------------------------------------------- a user's bell

  async listForUser(userId: string, page: number, limit: number, unreadOnly: boolean): Promise<{ items: NotificationDeliveryDoc[]; total: number }> {
    const query: Record<string, unknown> = { userId, inApp: true };
    if (unreadOnly) query['readAt'] = null;
    const [items, total] = await Promise.all([
      this.model
        .find(query)
        .sort({ deliveredAt: -1, _id: -1 })
        .skip((page - 1) * limit)
        .limit(limit)
        .lean<NotificationDeliveryDoc[]>()
        .exec(),
      this.model.countDocuments(query).exec(),
    ]);
    return { items, total };
  }

  unreadCount(userId: string): Promise<number> {
    return this.model.countDocuments({ userId, inApp: true, readAt: null }).exec();
  }

  /** Marks one of the user's in-app deliveries read; false when the user has no such delivery. */
  async markRead(userId: string, notificationId: string): Promise<{ found: boolean; updated: number }> {
    const res = await this.model.updateOne({ userId, notificationId, inApp: true, readAt: null }, { $set: { readAt: new Date() } }).exec();
    if (res.modifiedCount === 1) return { found: true, updated: 1 };
    // Already read (kept as first read), or not the user's.
    return { found: (await this.model.exists({ userId, notificationId, inApp: true }).exec()) !== null, updated: 0 };
  }

  async markAllRead(userId: string): Promise<number> {
    return (await this.model.updateMany({ userId, inApp: true, readAt: null }, { $set: { readAt: new Date() } }).exec()).modifiedCount;
  }
}
