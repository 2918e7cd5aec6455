import { DownloadStatsRepository, FILES_COLLECTION } from '@ddx/server-database';
import { DRIVE_ACCOUNTS_COLLECTION } from '@ddx/server-drive';
import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';

import { ActivityAction } from '../../activity/activity-action';

/** Sign-ins that make a user "active". */
const LOGIN_ACTIONS: readonly string[] = [ActivityAction.userLogin, ActivityAction.userGoogleLogin];
const BATCH = 1000;

export interface Grouped {
  key: string | null;
  files: number;
  bytes: number;
}

export interface Upload {
  at: Date;
  bytes: number;
  ownerId: string | null;
}

/**
 * The read-only queries behind the admin reports: fixed filters and
 * pipelines, nothing a caller supplies. FerretDB 1.24 computes only the
 * first accumulator of a `$group` and cannot bucket dates on the server,
 * so sums and counts are separate pipelines, and time series stream a
 * projection through a cursor (one small document at a time) that the
 * service buckets.
 *
 * "Stored at T" means: upload finished before T and not deleted before T —
 * the files a storage figure as of the end of a day counts.
 */
@Injectable()
export class ReportRepository {
  private readonly downloads: DownloadStatsRepository;

  constructor(@InjectConnection() private readonly connection: Connection) {
    this.downloads = new DownloadStatsRepository(connection);
  }

  private get files() {
    return this.connection.collection(FILES_COLLECTION);
  }

  private get users() {
    return this.connection.collection('users');
  }

  private get activity() {
    return this.connection.collection('activity_logs');
  }

  // ------------------------------------------------------------ snapshots

  async userCounts(): Promise<{ total: number; byStatus: Map<string, number>; admins: number }> {
    const [total, byStatus, admins] = await Promise.all([
      this.users.countDocuments({}),
      this.users.aggregate<{ _id: string | null; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }]).toArray(),
      this.users.countDocuments({ role: { $in: ['admin', 'superadmin'] } }),
    ]);
    return { total, byStatus: new Map(byStatus.map((s) => [s._id ?? 'unknown', s.n])), admins };
  }

  async fileCounts(): Promise<{ stored: number; storedBytes: number; inProgress: number; anonymous: number; backups: Map<string, number> }> {
    const stored = { status: 'completed' };
    const [count, bytes, inProgress, anonymous, backups] = await Promise.all([
      this.files.countDocuments(stored),
      this.sumBytes(stored),
      this.files.countDocuments({ status: { $in: ['pending', 'uploading'] } }),
      this.files.countDocuments({ ...stored, ownerId: null }),
      this.files.aggregate<{ _id: string | null; n: number }>([{ $match: stored }, { $group: { _id: '$backupStatus', n: { $sum: 1 } } }]).toArray(),
    ]);
    return { stored: count, storedBytes: bytes, inProgress, anonymous, backups: new Map(backups.map((b) => [b._id ?? 'none', b.n])) };
  }

  async accounts(): Promise<Array<{ id: string; label: string | null; email: string | null; enabled: boolean; health: string | null }>> {
    const docs = await this.connection
      .collection<{ _id: string; label?: string; email?: string; enabled?: boolean; health?: string }>(DRIVE_ACCOUNTS_COLLECTION)
      .find({}, { projection: { label: 1, email: 1, enabled: 1, health: 1 } })
      .sort({ createdAt: 1, _id: 1 })
      .toArray();
    return docs.map((d) => ({ id: String(d._id), label: d.label ?? null, email: d.email ?? null, enabled: d.enabled !== false, health: d.health ?? null }));
  }

  // -------------------------------------------------------------- ranges

  countNewUsers(start: Date, end: Date): Promise<number> {
    return this.users.countDocuments({ createdAt: { $gte: start, $lt: end } });
  }

  async uploadTotals(start: Date, end: Date): Promise<{ uploads: number; bytes: number }> {
    const filter = finishedBetween(start, end);
    const [uploads, bytes] = await Promise.all([this.files.countDocuments(filter), this.sumBytes(filter)]);
    return { uploads, bytes };
  }

  /** Ids of users who signed in or finished an upload in the range. */
  async activeUserIds(start: Date, end: Date): Promise<Set<string>> {
    const [uploaders, loggedIn] = await Promise.all([
      this.files.distinct('ownerId', { ...finishedBetween(start, end), ownerId: { $ne: null } }),
      this.activity.distinct('actorId', { action: { $in: LOGIN_ACTIONS }, at: { $gte: start, $lt: end }, actorId: { $ne: null } }),
    ]);
    return new Set([...uploaders, ...loggedIn].map(String));
  }

  /** Finished uploads in the range, oldest first. */
  async *uploads(start: Date, end: Date): AsyncGenerator<Upload> {
    const cursor = this.files.find(finishedBetween(start, end), { projection: { completedAt: 1, sizeBytes: 1, ownerId: 1 }, batchSize: BATCH });
    for await (const f of cursor) yield { at: f['completedAt'] as Date, bytes: Number(f['sizeBytes']) || 0, ownerId: (f['ownerId'] as string | null) ?? null };
  }

  /** Stored files deleted in the range (their bytes left the store then). */
  async *removals(start: Date, end: Date): AsyncGenerator<{ at: Date; bytes: number }> {
    const cursor = this.files.find({ deletedAt: { $gte: start, $lt: end }, completedAt: { $ne: null } }, { projection: { deletedAt: 1, sizeBytes: 1 }, batchSize: BATCH });
    for await (const f of cursor) yield { at: f['deletedAt'] as Date, bytes: Number(f['sizeBytes']) || 0 };
  }

  async *logins(start: Date, end: Date): AsyncGenerator<{ at: Date; userId: string | null }> {
    const cursor = this.activity.find({ action: { $in: LOGIN_ACTIONS }, at: { $gte: start, $lt: end } }, { projection: { at: 1, actorId: 1 }, batchSize: BATCH });
    for await (const a of cursor) yield { at: a['at'] as Date, userId: (a['actorId'] as string | null) ?? null };
  }

  async *registrations(start: Date, end: Date): AsyncGenerator<Date> {
    const cursor = this.users.find({ createdAt: { $gte: start, $lt: end } }, { projection: { createdAt: 1 }, batchSize: BATCH });
    for await (const u of cursor) yield u['createdAt'] as Date;
  }

  downloadsPerDay(fromDay: string, toDay: string): Promise<Map<string, number>> {
    return this.downloads.perDay(fromDay, toDay);
  }

  /** Top owners by bytes of uploads finished in the range (the null owner, anonymous uploads, left out). */
  async topUploaders(start: Date, end: Date, limit: number): Promise<Grouped[]> {
    return this.top({ ...finishedBetween(start, end), ownerId: { $ne: null } }, '$ownerId', 'ownerId', limit);
  }

  // --------------------------------------------------- stored as of a time

  storedBytesAt(at: Date): Promise<number> {
    return this.sumBytes(storedAt(at));
  }

  async storedTotalsAt(at: Date): Promise<{ files: number; bytes: number; owners: number }> {
    const filter = storedAt(at);
    const [files, bytes, owners] = await Promise.all([
      this.files.countDocuments(filter),
      this.sumBytes(filter),
      this.files.aggregate<{ n: number }>([{ $match: { $and: [filter, { ownerId: { $ne: null } }] } }, { $group: { _id: '$ownerId' } }, { $count: 'n' }]).toArray(),
    ]);
    return { files, bytes, owners: owners[0]?.n ?? 0 };
  }

  /** Top owners (anonymous uploads grouped under the null owner) by stored bytes. */
  storedByOwner(at: Date, limit: number): Promise<Grouped[]> {
    return this.top(storedAt(at), '$ownerId', 'ownerId', limit);
  }

  storedByAccount(at: Date): Promise<Grouped[]> {
    return this.groupAll(storedAt(at), '$driveAccountId');
  }

  storedByContentType(at: Date): Promise<Grouped[]> {
    return this.groupAll(storedAt(at), '$contentType');
  }

  /** Stored files whose content type is one of `types` (generic ones: the extension decides their kind). */
  async *storedNamed(at: Date, types: readonly string[]): AsyncGenerator<{ filename: string; bytes: number }> {
    const filter = { ...storedAt(at), $and: [{ $or: [{ contentType: { $in: [...types, null] } }, { contentType: { $exists: false } }] }] };
    const cursor = this.files.find(filter, { projection: { filename: 1, sizeBytes: 1 }, batchSize: BATCH });
    for await (const f of cursor) yield { filename: String(f['filename'] ?? ''), bytes: Number(f['sizeBytes']) || 0 };
  }

  /** E-mail of each user id that still exists. */
  async emails(ids: readonly string[]): Promise<Map<string, string>> {
    const objectIds = ids.filter((id) => Types.ObjectId.isValid(id) && /^[0-9a-f]{24}$/i.test(id)).map((id) => new Types.ObjectId(id));
    if (objectIds.length === 0) return new Map();
    const docs = await this.users.find({ _id: { $in: objectIds } }, { projection: { email: 1 } }).toArray();
    return new Map(docs.map((d) => [String(d._id), String(d['email'])]));
  }

  // ------------------------------------------------------------- helpers

  private async sumBytes(filter: object): Promise<number> {
    const [row] = await this.files.aggregate<{ v: number }>([{ $match: filter }, { $group: { _id: null, v: { $sum: '$sizeBytes' } } }]).toArray();
    return Number(row?.v ?? 0);
  }

  /** Bytes and files per key, every key (for small key sets: accounts, content types). */
  private async groupAll(filter: object, key: string): Promise<Grouped[]> {
    const [bytes, counts] = await Promise.all([
      this.files.aggregate<{ _id: unknown; v: number }>([{ $match: filter }, { $group: { _id: key, v: { $sum: '$sizeBytes' } } }]).toArray(),
      this.files.aggregate<{ _id: unknown; v: number }>([{ $match: filter }, { $group: { _id: key, v: { $sum: 1 } } }]).toArray(),
    ]);
    const countOf = new Map(counts.map((c) => [keyOf(c._id), c.v]));
    return bytes.map((b) => ({ key: keyOf(b._id), bytes: Number(b.v) || 0, files: countOf.get(keyOf(b._id)) ?? 0 }));
  }

  /** The `limit` largest keys by bytes (ties by key), then their file counts in a second pipeline. */
  private async top(filter: object, key: string, field: string, limit: number): Promise<Grouped[]> {
    const bytes = await this.files
      .aggregate<{ _id: unknown; v: number }>([{ $match: filter }, { $group: { _id: key, v: { $sum: '$sizeBytes' } } }, { $sort: { v: -1, _id: 1 } }, { $limit: limit }])
      .toArray();
    if (bytes.length === 0) return [];
    const keys = bytes.map((b) => keyOf(b._id));
    const counts = await this.files
      .aggregate<{ _id: unknown; v: number }>([{ $match: { $and: [filter, { [field]: { $in: keys } }] } }, { $group: { _id: key, v: { $sum: 1 } } }])
      .toArray();
    const countOf = new Map(counts.map((c) => [keyOf(c._id), c.v]));
    return bytes.map((b) => ({ key: keyOf(b._id), bytes: Number(b.v) || 0, files: countOf.get(keyOf(b._id)) ?? 0 }));
  }
}

function keyOf(id: unknown): string | null {
  return id === null || id === undefined ? null : String(id);
}

function finishedBetween(start: Date, end: Date): object {
  return { completedAt: { $gte: start, $lt: end } };
}

function storedAt(at: Date): Record<string, unknown> {
  return { completedAt: { $lt: at }, $or: [{ deletedAt: null }, { deletedAt: { $gte: at } }] };
}

