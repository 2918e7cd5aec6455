import { Model, Schema } from 'mongoose';

export interface DailyUsageDoc {
  /** `<scope>:<subject>:<YYYY-MM-DD>`, e.g. `ip:203.0.113.7:2026-11-28`. */
  _id: string;
  bytes: number;
  day: string;
}

export const DAILY_USAGE_COLLECTION = 'daily_usage';

export const dailyUsageSchema = new Schema<DailyUsageDoc>(
  { _id: { type: String, required: true }, bytes: { type: Number, required: true }, day: { type: String, required: true } },
  { collection: DAILY_USAGE_COLLECTION, versionKey: false },
);
dailyUsageSchema.index({ day: 1 });

export function usageKey(scope: 'ip' | 'user', subject: string, day: string): string {
  return `${scope}:${subject}:${day}`;
}

/** Per-day byte allowances (anonymous per IP, signed-in per user). */
export class DailyUsageRepository {
  constructor(private readonly model: Model<DailyUsageDoc>) {}

  /**
   * Adds `bytes` unless that would pass `limit` — atomically: the filter only
   * matches while there is room, and when it does not match the upsert's
   * insert collides with the existing _id (E11000), which means "no room".
   */
  async tryConsume(key: string, bytes: number, limit: number): Promise<boolean> {
    if (bytes > limit) return false;
    const day = key.slice(key.lastIndexOf(':') + 1);
    try {
      await this.model.updateOne({ _id: key, bytes: { $lte: limit - bytes } }, { $inc: { bytes }, $setOnInsert: { day } }, { upsert: true }).exec();
      return true;
    } catch (e) {
      if ((e as { code?: number }).code === 11000) return false;
      throw e;
    }
  }

  async giveBack(key: string, bytes: number): Promise<void> {
    await this.model.updateOne({ _id: key, bytes: { $gte: bytes } }, { $inc: { bytes: -bytes } }).exec();
  }

  async used(key: string): Promise<number> {
    return (await this.model.findById(key).lean<DailyUsageDoc>().exec())?.bytes ?? 0;
  }
}
