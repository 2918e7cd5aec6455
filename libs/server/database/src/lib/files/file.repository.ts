import { Model } from 'mongoose';

import { FileDoc } from './file.schema';

const ACTIVE = ['pending', 'uploading'];

export type NewFile = Pick<
  FileDoc,
  | '_id'
  | 'ownerId'
  | 'filename'
  | 'originalFilename'
  | 'sizeBytes'
  | 'contentType'
  | 'batchId'
  | 'ip'
  | 'uploadTokenHash'
  | 'driveAccountId'
  | 'driveSessionSealed'
  | 'accountReservedBytes'
  | 'userReservedBytes'
  | 'dailyUsageKey'
  | 'expiresAt'
>;

/**
 * Reads and writes of `files`. State transitions are conditional on the
 * current status so two replicas can never both complete or cancel a file.
 */
export class FileRepository {
  constructor(private readonly model: Model<FileDoc>) {}

  async create(file: NewFile): Promise<FileDoc> {
    const doc = await this.model.create({ ...file, status: 'pending', committedBytes: 0 });
    return doc.toObject();
  }

  findById(id: string): Promise<FileDoc | null> {
    return this.model.findById(id).lean<FileDoc>().exec();
  }

  /**
   * Progress from Drive's committed offset (only ever moves forward) plus
   * the hash state of the chunk about to be sent.
   */
  async saveProgress(
    id: string,
    progress: { committedBytes: number; md5State: string; pendingEnd: number | null; pendingMd5State: string | null },
  ): Promise<boolean> {
    const res = await this.model
      .updateOne({ _id: id, status: { $in: ACTIVE }, committedBytes: { $lte: progress.committedBytes } }, { $set: { ...progress, status: 'uploading' } })
      .exec();
    return res.matchedCount === 1;
  }

  /** Moves a not-yet-started upload to another Drive account (failover). */
  async switchAccount(id: string, fromAccountId: string, to: { accountId: string; sessionSealed: string }): Promise<boolean> {
    const res = await this.model
      .updateOne(
        { _id: id, status: { $in: ACTIVE }, driveAccountId: fromAccountId, committedBytes: 0 },
        { $set: { driveAccountId: to.accountId, driveSessionSealed: to.sessionSealed, md5State: null, pendingEnd: null, pendingMd5State: null } },
      )
      .exec();
    return res.matchedCount === 1;
  }

  /** Active → completed, once. Returns the completed file, or null if it was not active. */
  complete(id: string, stored: { driveFileId: string; md5: string; sizeBytes: number }, now: Date): Promise<FileDoc | null> {
    return this.model
      .findOneAndUpdate(
        { _id: id, status: { $in: ACTIVE } },
        {
          $set: {
            status: 'completed',
            driveFileId: stored.driveFileId,
            md5: stored.md5,
            completedAt: now,
            committedBytes: stored.sizeBytes,
            uploadTokenHash: null,
            driveSessionSealed: null,
            md5State: null,
            pendingEnd: null,
            pendingMd5State: null,
            expiresAt: null,
          },
        },
        { new: true },
      )
      .lean<FileDoc>()
      .exec();
  }

  /** Active → failed/cancelled, once. Returns the file as it was before, or null. */
  end(id: string, status: 'failed' | 'cancelled', reason: string): Promise<FileDoc | null> {
    return this.model
      .findOneAndUpdate(
        { _id: id, status: { $in: ACTIVE } },
        { $set: { status, failureReason: reason, uploadTokenHash: null, driveSessionSealed: null, md5State: null, pendingMd5State: null } },
        { new: false },
      )
      .lean<FileDoc>()
      .exec();
  }

  findExpired(now: Date, limit = 100): Promise<FileDoc[]> {
    return this.model
      .find({ status: { $in: ACTIVE }, expiresAt: { $lte: now } })
      .limit(limit)
      .lean<FileDoc[]>()
      .exec();
  }

  async listByOwner(ownerId: string, page: number, limit: number): Promise<{ items: FileDoc[]; total: number }> {
    const filter = { ownerId, status: { $ne: 'deleted' } };
    const [items, total] = await Promise.all([
      this.model
        .find(filter)
        .sort({ createdAt: -1, _id: 1 })
        .skip((page - 1) * limit)
        .limit(limit)
        .lean<FileDoc[]>()
        .exec(),
      this.model.countDocuments(filter).exec(),
    ]);
    return { items, total };
  }

  async incrementDownloads(id: string): Promise<void> {
    await this.model.updateOne({ _id: id }, { $inc: { downloadCount: 1 } }).exec();
  }

  /** Files of a batch in upload order (any status). */
  listBatch(batchId: string): Promise<FileDoc[]> {
    return this.model.find({ batchId }).sort({ createdAt: 1, _id: 1 }).lean<FileDoc[]>().exec();
  }

  /**
   * A finished file stops being served at once; the cleanup job removes the
   * stored copies afterwards. Returns the file as it was, or null when it was
   * not deletable (unknown, active, or already deleted).
   */
  markDeleted(id: string, now: Date): Promise<FileDoc | null> {
    return this.model
      .findOneAndUpdate({ _id: id, status: { $in: ['completed', 'failed', 'cancelled'] } }, { $set: { status: 'deleted', deletedAt: now } }, { new: false })
      .lean<FileDoc>()
      .exec();
  }

  async setBackup(id: string, set: Partial<Pick<FileDoc, 'backupStatus' | 'backupPath' | 'backupError' | 'backedUpAt'>>, incAttempts = false): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: set, ...(incAttempts ? { $inc: { backupAttempts: 1 } } : {}) }).exec();
  }

  /** Completed files whose copy is missing and not queued (the backup sweeper's work list). */
  findNeedingBackup(limit: number): Promise<FileDoc[]> {
    return this.model
      .find({ status: 'completed', backupStatus: { $in: ['none', 'queued', 'in_progress'] } })
      .sort({ completedAt: 1 })
      .limit(limit)
      .lean<FileDoc[]>()
      .exec();
  }

  /** Marks that both stored copies are gone; true for the one call that did it. */
  async markPurged(id: string, now: Date): Promise<boolean> {
    const res = await this.model.updateOne({ _id: id, status: 'deleted', purgedAt: null }, { $set: { purgedAt: now } }).exec();
    return res.modifiedCount === 1;
  }
}
