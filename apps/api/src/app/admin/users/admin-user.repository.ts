import { AccountStatus, Role } from '@ddx/contracts';
import { escapeRegex } from '@ddx/server-database';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { FilterQuery, isValidObjectId, Model, Types } from 'mongoose';

import { UserRecord } from '../../users/user.record';
import { isEmailVerified } from '../../users/user.repository';
import { USER_MODEL, UserDocument } from '../../users/user.schema';

export interface UserFilter {
  /** Literal text inside the e-mail (case-insensitive), or an exact user id. */
  search?: string;
  role?: Role;
  status?: AccountStatus;
}

export type UserSortField = 'email' | 'role' | 'status' | 'createdAt' | 'lastLoginAt';

export interface UserSearch extends UserFilter {
  sort: { field: UserSortField; direction: 1 | -1 };
  skip: number;
  limit: number;
}

/**
 * The admin's reads over `users` (search, export, owner e-mails) and the
 * one hard delete. Single-user writes go through UserRepository.
 */
@Injectable()
export class AdminUserRepository {
  constructor(@InjectModel(USER_MODEL) private readonly model: Model<UserDocument>) {}

  async search(q: UserSearch): Promise<{ items: UserRecord[]; total: number }> {
    const filter = userFilter(q);
    const [docs, total] = await Promise.all([
      this.model
        .find(filter)
        .sort({ [q.sort.field]: q.sort.direction, _id: 1 })
        .skip(q.skip)
        .limit(q.limit)
        .lean<UserDocument[]>()
        .exec(),
      this.model.countDocuments(filter).exec(),
    ]);
    return { items: docs.map(toRecord), total };
  }

  /** Every matching user, `batchSize` at a time, oldest account first (a cursor: constant memory). */
  async *batches(filter: UserFilter, batchSize = 200): AsyncGenerator<UserRecord[]> {
    const cursor = this.model.find(userFilter(filter)).sort({ createdAt: 1, _id: 1 }).lean<UserDocument[]>().cursor({ batchSize });
    let batch: UserRecord[] = [];
    try {
      for await (const doc of cursor) {
        batch.push(toRecord(doc as UserDocument));
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    } finally {
      await cursor.close();
    }
  }

  /** E-mail per user id, for a page of files (one query). */
  async emailsByIds(ids: string[]): Promise<Map<string, string>> {
    const valid = [...new Set(ids)].filter((id) => isValidObjectId(id));
    if (valid.length === 0) return new Map();
    const docs = await this.model
      .find({ _id: { $in: valid.map((id) => new Types.ObjectId(id)) } })
      .select({ email: 1 })
      .lean<Array<{ _id: Types.ObjectId; email: string }>>()
      .exec();
    return new Map(docs.map((d) => [String(d._id), d.email]));
  }

  async findIdByEmail(email: string): Promise<string | null> {
    const doc = await this.model.findOne({ email: email.trim().toLowerCase() }).select({ _id: 1 }).lean<{ _id: Types.ObjectId }>().exec();
    return doc ? String(doc._id) : null;
  }

  async deleteById(id: string): Promise<boolean> {
    if (!isValidObjectId(id)) return false;
    return (await this.model.deleteOne({ _id: id }).exec()).deletedCount === 1;
  }
}

function userFilter(q: UserFilter): FilterQuery<UserDocument> {
  const filter: FilterQuery<UserDocument> = {};
  if (q.search) {
    const byEmail = { email: { $regex: escapeRegex(q.search), $options: 'i' } };
    filter.$or = /^[0-9a-fA-F]{24}$/.test(q.search) ? [byEmail, { _id: new Types.ObjectId(q.search) }] : [byEmail];
  }
  if (q.role) filter.role = q.role;
  if (q.status) filter.status = q.status;
  return filter;
}

function toRecord(doc: UserDocument): UserRecord {
  return {
    id: String(doc._id),
    email: doc.email,
    passwordHash: doc.passwordHash ?? null,
    role: doc.role ?? 'regular',
    status: doc.status ?? 'active',
    statusReason: doc.statusReason ?? null,
    tokenVersion: doc.tokenVersion ?? 0,
    storageQuotaBytes: doc.storageQuotaBytes ?? 0,
    storageUsedBytes: doc.storageUsedBytes ?? 0,
    googleId: doc.googleId ?? null,
    emailVerified: isEmailVerified(doc),
    name: doc.name ?? null,
    picture: doc.picture ?? null,
    createdAt: doc.createdAt,
    lastLoginAt: doc.lastLoginAt ?? null,
  };
}
