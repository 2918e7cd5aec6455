import { AccumulatorOperator, Model } from 'mongoose';

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

  /** The stored document as it is (a driver read: no query building or casting on this hot path). */
  findById(id: string): Promise<FileDoc | null> {
    return this.model.collection.findOne<FileDoc>({ _id: id as never });
  }

  /**
   * Progress from Drive's committed offset (only ever moves forward) plus
   * the hash states of the chunks about to be sent.
   */
  async saveProgress(
    id: string,
    progress: UploadCheckpoint,
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
        { $set: { driveAccountId: to.accountId, driveSessionSealed: to.sessionSealed, md5State: null, pendingEnd: null, pendingMd5State: null, nextEnd: null, nextMd5State: null } },
      )
      .exec();
    return res.matchedCount === 1;
  }

  /**
   * Points an active upload at a new Drive session (Drive lost the old one, or the
   * upload moved accounts): the checkpoint goes back to 0 with it.
   */
  async replaceSession(id: string, fromAccountId: string, to: { accountId: string; sessionSealed: string }): Promise<boolean> {
    const res = await this.model
      .updateOne(
        { _id: id, status: { $in: ACTIVE }, driveAccountId: fromAccountId },
        {
          $set: {
            driveAccountId: to.accountId,
            driveSessionSealed: to.sessionSealed,
            committedBytes: 0,
            md5State: null,
            pendingEnd: null,
            pendingMd5State: null,
            nextEnd: null,
            nextMd5State: null,
          },
        },
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
            nextEnd: null,
            nextMd5State: null,
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
        { $set: { status, failureReason: reason, uploadTokenHash: null, driveSessionSealed: null, md5State: null, pendingMd5State: null, nextMd5State: null } },
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

  /** Uploads with a socket or session in progress (for live monitoring). */
  countActive(): Promise<number> {
    return this.model.countDocuments({ status: { $in: ACTIVE } }).exec();
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

  /**
   * Records a finished backup copy, but only while the file is still a live
   * completed file; false when it was deleted (or vanished) meanwhile, so the
   * caller knows the copy it just made has no owner.
   */
  async recordBackupCopy(id: string, set: Partial<Pick<FileDoc, 'backupStatus' | 'backupPath' | 'backupError' | 'backedUpAt'>>): Promise<boolean> {
    const res = await this.model.updateOne({ _id: id, status: 'completed' }, { $set: set }).exec();
    return res.matchedCount === 1;
  }

  /** Unfinished uploads of one signed-in owner, or (ownerId null) of anonymous uploaders from one IP. */
  countInProgress(by: { ownerId: string } | { ownerId: null; ip: string }): Promise<number> {
    return this.model.countDocuments({ ...by, status: { $in: ACTIVE } }).exec();
  }

  /**
   * Deletes records of uploads that never completed (cancelled, failed,
   * expired) and last changed before `cutoff`. Their reservations were given
   * back when they ended (UploadLedger), so only the record goes. Returns how
   * many were deleted.
   */
  async deleteEndedBefore(cutoff: Date): Promise<number> {
    const res = await this.model.deleteMany({ status: { $in: ['cancelled', 'failed'] }, updatedAt: { $lt: cutoff } }).exec();
    return res.deletedCount;
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

  // ------------------------------------------------------------ admin queries

  /** One page of files matching every given criterion (the admin file browser). */
  async search(query: FileSearch): Promise<{ items: FileDoc[]; total: number }> {
    const filter = fileSearchFilter(query);
    const [items, total] = await Promise.all([
      this.model
        .find(filter)
        .sort({ [query.sort.field]: query.sort.direction, _id: 1 })
        .skip(query.skip)
        .limit(query.limit)
        .lean<FileDoc[]>()
        .exec(),
      this.model.countDocuments(filter).exec(),
    ]);
    return { items, total };
  }

  /**
   * Completed files and their bytes per owner, for a page of users: two
   * grouped aggregations in all, never one query per user. (FerretDB 1.24
   * computes only the first accumulator of a $group, hence one per pass.)
   */
  usageByOwners(ownerIds: string[]): Promise<Map<string, FileUsage>> {
    if (ownerIds.length === 0) return Promise.resolve(new Map());
    return this.usageBy('$ownerId', { ownerId: { $in: ownerIds }, status: 'completed' });
  }

  /** Completed files and their bytes per Drive account. */
  usageByAccounts(): Promise<Map<string, FileUsage>> {
    return this.usageBy('$driveAccountId', { status: 'completed', driveAccountId: { $ne: null } });
  }

  /** Files of an owner, any status but deleted, oldest first. */
  findByOwner(ownerId: string): Promise<FileDoc[]> {
    return this.model
      .find({ ownerId, status: { $ne: 'deleted' } })
      .sort({ createdAt: 1, _id: 1 })
      .lean<FileDoc[]>()
      .exec();
  }

  /** Files on a Drive account in the given statuses. */
  findByAccount(accountId: string, statuses: FileDoc['status'][]): Promise<FileDoc[]> {
    return this.model
      .find({ driveAccountId: accountId, status: { $in: statuses } })
      .sort({ createdAt: 1, _id: 1 })
      .lean<FileDoc[]>()
      .exec();
  }

  /** Every record that points to a Drive file on the account (any status), ids and state only. */
  driveRecordsOfAccount(accountId: string): Promise<DriveRecord[]> {
    return this.model
      .find({ driveAccountId: accountId, driveFileId: { $ne: null } })
      .select({ _id: 1, driveFileId: 1, status: 1, filename: 1, sizeBytes: 1, backupStatus: 1, backupPath: 1 })
      .lean<DriveRecord[]>()
      .exec();
  }

  /** Quarantine flag; returns the file after the change, or null when unknown. */
  setQuarantined(id: string, quarantined: boolean): Promise<FileDoc | null> {
    return this.model.findByIdAndUpdate(id, { $set: { quarantined } }, { new: true }).lean<FileDoc>().exec();
  }

  /**
   * The Drive account is leaving the pool: its files keep their records but
   * no longer point to it (downloads fall back to the backup copy, purges
   * skip Drive). Returns how many records changed.
   */
  async detachFromAccount(accountId: string): Promise<number> {
    const res = await this.model.updateMany({ driveAccountId: accountId }, { $set: { driveAccountId: null, driveFileId: null } }).exec();
    return res.modifiedCount;
  }

  /** Completed files per backup status. */
  async countByBackupStatus(): Promise<Record<string, number>> {
    const rows = await this.model
      .aggregate<{ _id: string | null; n: number }>([{ $match: { status: 'completed' } }, { $group: { _id: '$backupStatus', n: { $sum: 1 } } }])
      .exec();
    return Object.fromEntries(rows.map((r) => [r._id ?? 'none', r.n]));
  }

  /** The completed file backed up most recently. */
  lastBackedUp(): Promise<FileDoc | null> {
    return this.model.findOne({ backedUpAt: { $ne: null } }).sort({ backedUpAt: -1 }).lean<FileDoc>().exec();
  }

  /** The most recent final backup failure. */
  lastBackupFailure(): Promise<FileDoc | null> {
    return this.model.findOne({ status: 'completed', backupStatus: 'failed' }).sort({ updatedAt: -1 }).lean<FileDoc>().exec();
  }

  async listFailedBackups(page: number, limit: number): Promise<{ items: FileDoc[]; total: number }> {
    const filter = { status: 'completed', backupStatus: 'failed' };
    const [items, total] = await Promise.all([
      this.model
        .find(filter)
        .sort({ updatedAt: -1, _id: 1 })
        .skip((page - 1) * limit)
        .limit(limit)
        .lean<FileDoc[]>()
        .exec(),
      this.model.countDocuments(filter).exec(),
    ]);
    return { items, total };
  }

  /** Ids of completed files in the given backup statuses, oldest first, and how many there are in all. */
  async idsByBackupStatus(statuses: FileDoc['backupStatus'][], limit: number): Promise<{ ids: string[]; total: number }> {
    const filter = { status: 'completed', backupStatus: { $in: statuses } };
    const [docs, total] = await Promise.all([
      this.model.find(filter).select({ _id: 1 }).sort({ completedAt: 1, _id: 1 }).limit(limit).lean<Array<{ _id: string }>>().exec(),
      this.model.countDocuments(filter).exec(),
    ]);
    return { ids: docs.map((d) => d._id), total };
  }

  private async usageBy(key: string, match: Record<string, unknown>): Promise<Map<string, FileUsage>> {
    const group = (accumulator: AccumulatorOperator) =>
      this.model.aggregate<{ _id: string | null; v: number }>([{ $match: match }, { $group: { _id: key, v: accumulator } }]).exec();
    const [counts, sums] = await Promise.all([group({ $sum: 1 }), group({ $sum: '$sizeBytes' })]);
    const out = new Map<string, FileUsage>();
    for (const c of counts) if (c._id) out.set(String(c._id), { count: c.v, bytes: 0 });
    for (const s of sums) {
      const entry = s._id ? out.get(String(s._id)) : undefined;
      if (entry) entry.bytes = s.v;
    }
    return out;
  }
}

export interface FileUsage {
  count: number;
  bytes: number;
}

/**
 * What an upload socket saves before each chunk PUT: MD5 states for every
 * offset Drive can be at until the next save lands (the committed offset, the
 * end of the chunk in flight and, when already received, the end of the
 * chunk queued behind it).
 */
export interface UploadCheckpoint {
  committedBytes: number;
  md5State: string;
  pendingEnd: number | null;
  pendingMd5State: string | null;
  nextEnd: number | null;
  nextMd5State: string | null;
}

export type DriveRecord = Pick<FileDoc, '_id' | 'driveFileId' | 'status' | 'filename' | 'sizeBytes' | 'backupStatus' | 'backupPath'>;

export type FileSortField = 'createdAt' | 'sizeBytes' | 'filename' | 'status' | 'backupStatus';

/** Criteria of FileRepository.search; unset fields do not filter. */
export interface FileSearch {
  /** Literal text anywhere in the file name, case-insensitive (escaped here). */
  nameContains?: string;
  /** Content types starting with one of these (literal prefixes, escaped here). */
  contentTypePrefixes?: string[];
  /** Exact content types (alternative to the prefixes). */
  contentTypes?: string[];
  sizeMin?: number;
  sizeMax?: number;
  createdFrom?: Date;
  createdTo?: Date;
  /** null: anonymous uploads. */
  ownerId?: string | null;
  /** Allowed statuses; unset: every status but deleted. */
  statuses?: FileDoc['status'][];
  backupStatus?: FileDoc['backupStatus'];
  driveAccountId?: string;
  quarantined?: boolean;
  sort: { field: FileSortField; direction: 1 | -1 };
  skip: number;
  limit: number;
}

/** Escapes text for use inside a regular expression. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function fileSearchFilter(q: FileSearch): Record<string, unknown> {
  const f: Record<string, unknown> = {};
  if (q.nameContains) f['filename'] = { $regex: escapeRegex(q.nameContains), $options: 'i' };
  const types: Array<Record<string, unknown>> = [];
  for (const prefix of q.contentTypePrefixes ?? []) types.push({ contentType: { $regex: `^${escapeRegex(prefix)}`, $options: 'i' } });
  if (q.contentTypes?.length) types.push({ contentType: { $in: q.contentTypes } });
  if (types.length) f['$or'] = types;
  if (q.sizeMin !== undefined || q.sizeMax !== undefined) {
    f['sizeBytes'] = { ...(q.sizeMin !== undefined ? { $gte: q.sizeMin } : {}), ...(q.sizeMax !== undefined ? { $lte: q.sizeMax } : {}) };
  }
  if (q.createdFrom || q.createdTo) {
    f['createdAt'] = { ...(q.createdFrom ? { $gte: q.createdFrom } : {}), ...(q.createdTo ? { $lte: q.createdTo } : {}) };
  }
  if (q.ownerId !== undefined) f['ownerId'] = q.ownerId;
  f['status'] = q.statuses?.length ? { $in: q.statuses } : { $ne: 'deleted' };
  if (q.backupStatus) f['backupStatus'] = q.backupStatus;
  if (q.driveAccountId) f['driveAccountId'] = q.driveAccountId;
  if (q.quarantined !== undefined) f['quarantined'] = q.quarantined;
  return f;
}
