import { NOTIFICATION_ACTIVE_DAYS } from '@ddx/contracts';
import { Connection, Types } from 'mongoose';

import { Recipient } from './delivery.repository';
import { NotificationAudience } from './notification.schema';

interface UserFields {
  _id: Types.ObjectId;
  email: string;
  name?: string | null;
  role: string;
  status: string;
  lastLoginAt?: Date | null;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * Turns an audience into a `users` filter. Who receives what:
 *
 * - every audience contains only accounts whose status is `active`:
 *   suspended and banned accounts never receive notifications;
 * - `active`: signed in within the last NOTIFICATION_ACTIVE_DAYS (30) days;
 * - `inactive`: no sign-in for that long, or never;
 * - `role`: the accounts of that role; `users`: the listed accounts.
 */
export class NotificationAudienceResolver {
  constructor(private readonly connection: Connection) {}

  private get users() {
    return this.connection.collection<UserFields>('users');
  }

  filter(audience: NotificationAudience, now = new Date()): Record<string, unknown> {
    const base: Record<string, unknown> = { status: 'active' };
    const cutoff = new Date(now.getTime() - NOTIFICATION_ACTIVE_DAYS * DAY);
    switch (audience.kind) {
      case 'all':
        return base;
      case 'active':
        return { ...base, lastLoginAt: { $gte: cutoff } };
      case 'inactive':
        return { ...base, $or: [{ lastLoginAt: null }, { lastLoginAt: { $lt: cutoff } }] };
      case 'role':
        return { ...base, role: audience.role };
      case 'users':
        return { ...base, _id: { $in: audience.userIds.filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id)) } };
    }
  }

  count(audience: NotificationAudience, now = new Date()): Promise<number> {
    return this.users.countDocuments(this.filter(audience, now));
  }

  /**
   * The next batch of recipients after `afterUserId` in ascending id order:
   * the fan-out holds one batch in memory at a time and can resume from the
   * last id it finished.
   */
  async batch(audience: NotificationAudience, afterUserId: string | null, size: number, now = new Date()): Promise<Recipient[]> {
    const filter = afterUserId ? { $and: [this.filter(audience, now), { _id: { $gt: new Types.ObjectId(afterUserId) } }] } : this.filter(audience, now);
    const rows = await this.users
      .find(filter, { projection: { email: 1, name: 1 } })
      .sort({ _id: 1 })
      .limit(size)
      .toArray();
    return rows.map((u) => ({ userId: u._id.toHexString(), email: u.email, name: u.name ?? null }));
  }

  /**
   * Resolves listed ids and e-mails to account ids (any status: the send
   * still skips accounts that are not active). `unknown` lists what matched
   * no account.
   */
  async resolve(userIds: string[], emails: string[]): Promise<{ ids: string[]; unknown: string[] }> {
    const wantedIds = [...new Set(userIds.map((id) => id.toLowerCase()))];
    const wantedEmails = [...new Set(emails.map((e) => e.trim().toLowerCase()))];
    const found = new Set<string>();
    const unknown: string[] = [];
    if (wantedIds.length) {
      const rows = await this.users.find({ _id: { $in: wantedIds.map((id) => new Types.ObjectId(id)) } }, { projection: { _id: 1 } }).toArray();
      const have = new Set(rows.map((r) => r._id.toHexString()));
      for (const id of wantedIds) (have.has(id) ? found.add(id) : unknown.push(id));
    }
    if (wantedEmails.length) {
      const rows = await this.users.find({ email: { $in: wantedEmails } }, { projection: { _id: 1, email: 1 } }).toArray();
      const byEmail = new Map(rows.map((r) => [r.email, r._id.toHexString()]));
      for (const e of wantedEmails) {
        const id = byEmail.get(e);
        if (id) found.add(id);
        else unknown.push(e);
      }
    }
    return { ids: [...found], unknown };
  }
}
