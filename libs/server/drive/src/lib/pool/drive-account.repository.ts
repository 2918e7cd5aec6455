import { Model } from 'mongoose';

import { DriveAccountDoc, DriveAccountHealth } from './drive-account.schema';

export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export interface NewDriveAccount {
  _id: string;
  label: string;
  email: string;
  kind: DriveAccountDoc['kind'];
  credentialSealed: string;
  folderId: string | null;
  quotaLimitBytes: number;
  quotaUsageBytes: number;
}

/**
 * All reads and writes of `drive_accounts`. Every counter change is a single
 * conditional update so concurrent api replicas can never over-commit an
 * account; no rule about *which* account to use lives here.
 */
export class DriveAccountRepository {
  constructor(private readonly model: Model<DriveAccountDoc>) {}

  async insert(account: NewDriveAccount, now = new Date()): Promise<DriveAccountDoc> {
    const doc = await this.model.create({
      ...account,
      reservedBytes: 0,
      freeBytes: account.quotaLimitBytes - account.quotaUsageBytes,
      dailyWindow: utcDay(now),
      dailyUploadedBytes: 0,
    });
    return doc.toObject();
  }

  findById(id: string): Promise<DriveAccountDoc | null> {
    return this.model.findById(id).lean<DriveAccountDoc>().exec();
  }

  list(): Promise<DriveAccountDoc[]> {
    return this.model.find().sort({ createdAt: 1 }).lean<DriveAccountDoc[]>().exec();
  }

  count(): Promise<number> {
    return this.model.countDocuments().exec();
  }

  async remove(id: string): Promise<boolean> {
    return (await this.model.deleteOne({ _id: id }).exec()).deletedCount === 1;
  }

  async update(id: string, set: Partial<Pick<DriveAccountDoc, 'label' | 'enabled' | 'folderId' | 'credentialSealed'>>): Promise<DriveAccountDoc | null> {
    return this.model.findByIdAndUpdate(id, { $set: set }, { new: true }).lean<DriveAccountDoc>().exec();
  }

  /** Starts a new daily window on accounts still counting an earlier day. */
  async rollDailyWindow(now: Date): Promise<void> {
    const today = utcDay(now);
    await this.model.updateMany({ dailyWindow: { $ne: today } }, { $set: { dailyWindow: today, dailyUploadedBytes: 0 } }).exec();
  }

  /**
   * Atomically reserves `bytes` on one usable account, preferring the one
   * with most free space, then the least recently used. The bytes count
   * against today's upload cap from now on: counting them only once stored
   * would let uploads in flight together pass the cap.
   */
  reserve(bytes: number, now: Date, dailyCapBytes: number, excludeIds: string[] = []): Promise<DriveAccountDoc | null> {
    return this.model
      .findOneAndUpdate(
        {
          _id: { $nin: excludeIds },
          enabled: true,
          health: { $ne: 'unhealthy' },
          fullUntilRefresh: false,
          freeBytes: { $gte: bytes },
          dailyWindow: utcDay(now),
          dailyUploadedBytes: { $lte: dailyCapBytes - bytes },
          $or: [{ rateLimitedUntil: null }, { rateLimitedUntil: { $lte: now } }],
        },
        { $inc: { reservedBytes: bytes, freeBytes: -bytes, dailyUploadedBytes: bytes }, $set: { lastUsedAt: now } },
        { sort: { freeBytes: -1, lastUsedAt: 1 }, new: true },
      )
      .lean<DriveAccountDoc>()
      .exec();
  }

  /** Gives back a reservation that was never used. */
  async release(id: string, bytes: number): Promise<void> {
    await this.model.updateOne({ _id: id }, { $inc: { reservedBytes: -bytes, freeBytes: bytes, dailyUploadedBytes: -bytes } }).exec();
    await this.clampDailyCounter(id);
  }

  /** Turns a reservation into usage once Drive holds the file. */
  async commit(id: string, reservedBytes: number, storedBytes: number): Promise<void> {
    await this.model
      .updateOne(
        { _id: id },
        {
          $inc: {
            reservedBytes: -reservedBytes,
            quotaUsageBytes: storedBytes,
            freeBytes: reservedBytes - storedBytes,
            dailyUploadedBytes: storedBytes - reservedBytes,
          },
        },
      )
      .exec();
    await this.clampDailyCounter(id);
  }

  /**
   * A reservation taken before UTC midnight and settled after it was counted
   * on the day before, so giving it back must not take today below zero.
   */
  private async clampDailyCounter(id: string): Promise<void> {
    await this.model.updateOne({ _id: id, dailyUploadedBytes: { $lt: 0 } }, { $set: { dailyUploadedBytes: 0 } }).exec();
  }

  /** A deleted file's bytes come back to the account. */
  async giveBack(id: string, bytes: number): Promise<void> {
    await this.model.updateOne({ _id: id }, { $inc: { quotaUsageBytes: -bytes, freeBytes: bytes } }).exec();
  }

  async markRateLimited(id: string, until: Date, reason: string): Promise<void> {
    await this.model
      .updateOne({ _id: id }, { $set: { rateLimitedUntil: until, health: 'degraded', lastError: reason }, $inc: { rateLimitStrikes: 1 } })
      .exec();
  }

  async markFull(id: string, reason: string): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { fullUntilRefresh: true, health: 'degraded', lastError: reason } }).exec();
  }

  async markFailure(id: string, health: DriveAccountHealth, reason: string, now: Date): Promise<void> {
    await this.model
      .updateOne({ _id: id }, { $set: { health, lastError: reason, lastCheckedAt: now }, $inc: { consecutiveFailures: 1 } })
      .exec();
  }

  async markSuccess(id: string): Promise<void> {
    await this.model
      .updateOne({ _id: id, $or: [{ health: { $ne: 'healthy' } }, { rateLimitStrikes: { $gt: 0 } }] }, {
        $set: { health: 'healthy', lastError: null, consecutiveFailures: 0, rateLimitStrikes: 0 },
      })
      .exec();
  }

  /**
   * Stores fresh quota numbers from Drive. `freeBytes` depends on the
   * reservation at that instant, so the write is guarded by the value read
   * (optimistic concurrency) and retried if a reservation moved meanwhile.
   */
  async applyQuota(id: string, limitBytes: number, usageBytes: number, now: Date): Promise<boolean> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.findById(id);
      if (!current) return false;
      const res = await this.model
        .updateOne(
          { _id: id, reservedBytes: current.reservedBytes },
          {
            $set: {
              quotaLimitBytes: limitBytes,
              quotaUsageBytes: usageBytes,
              freeBytes: limitBytes - usageBytes - current.reservedBytes,
              fullUntilRefresh: false,
              lastCheckedAt: now,
              health: current.rateLimitedUntil && current.rateLimitedUntil > now ? 'degraded' : 'healthy',
              lastError: current.rateLimitedUntil && current.rateLimitedUntil > now ? current.lastError : null,
              consecutiveFailures: 0,
            },
          },
        )
        .exec();
      if (res.matchedCount === 1) return true;
    }
    return false;
  }
}
