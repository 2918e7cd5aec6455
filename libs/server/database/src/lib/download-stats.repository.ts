import { Connection } from 'mongoose';

/** One UTC day of downloads. */
export interface DownloadStatDoc {
  /** The UTC day, `YYYY-MM-DD` (one document per day). */
  _id: string;
  count: number;
}

export const DOWNLOAD_STATS_COLLECTION = 'download_stats';

/**
 * Downloads per UTC day, as counters: one `$inc` on the day's document per
 * download instead of one row per request, so the download path pays one
 * small upsert and the reports read at most one document per day.
 */
export class DownloadStatsRepository {
  constructor(private readonly connection: Connection) {}

  private get collection() {
    return this.connection.collection<DownloadStatDoc>(DOWNLOAD_STATS_COLLECTION);
  }

  async record(at: Date = new Date()): Promise<void> {
    const day = at.toISOString().slice(0, 10);
    try {
      await this.collection.updateOne({ _id: day }, { $inc: { count: 1 } }, { upsert: true });
    } catch (e) {
      // Two first downloads of a day may both try to insert the day; the
      // loser's document exists now, so a plain increment lands.
      if ((e as { code?: number }).code !== 11000) throw e;
      await this.collection.updateOne({ _id: day }, { $inc: { count: 1 } });
    }
  }

  /** Downloads per day between two UTC days (both included); days without downloads are absent. */
  async perDay(fromDay: string, toDay: string): Promise<Map<string, number>> {
    const docs = await this.collection.find({ _id: { $gte: fromDay, $lte: toDay } }).toArray();
    return new Map(docs.map((d) => [d._id, Number(d.count) || 0]));
  }
}
