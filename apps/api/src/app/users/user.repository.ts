import { AccountStatus, Role } from '@ddx/contracts';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model, UpdateQuery } from 'mongoose';

import { DuplicateEmailError, NewUser, UserRecord } from './user.record';
import { USER_MODEL, UserDocument } from './user.schema';

/**
 * The `users` collection. Every method is one atomic single-document
 * operation; the rules (who may do what) live in the services.
 */
@Injectable()
export class UserRepository implements OnModuleInit {
  constructor(@InjectModel(USER_MODEL) private readonly model: Model<UserDocument>) {}

  /** The unique e-mail index must exist before the first registration. */
  async onModuleInit(): Promise<void> {
    await this.model.init();
  }

  async create(user: NewUser): Promise<UserRecord> {
    try {
      const doc = await this.model.create({
        email: user.email.toLowerCase(),
        passwordHash: user.passwordHash,
        role: user.role,
        status: 'active',
        tokenVersion: 0,
        storageQuotaBytes: user.storageQuotaBytes,
        storageUsedBytes: 0,
        storageReservedBytes: 0,
        storageFreeBytes: user.storageQuotaBytes,
        googleId: user.googleId ?? null,
        emailVerified: user.emailVerified ?? false,
        name: user.name ?? null,
        picture: user.picture ?? null,
        createdAt: new Date(),
      });
      return toRecord(doc.toObject());
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw new DuplicateEmailError();
      throw err;
    }
  }

  async findById(id: string): Promise<UserRecord | null> {
    if (!isValidObjectId(id)) return null;
    return toRecordOrNull(await this.model.findById(id).lean().exec());
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    return toRecordOrNull(await this.model.findOne({ email: email.trim().toLowerCase() }).lean().exec());
  }

  async findByGoogleId(googleId: string): Promise<UserRecord | null> {
    return toRecordOrNull(await this.model.findOne({ googleId }).lean().exec());
  }

  async existsWithRole(role: Role): Promise<boolean> {
    return (await this.model.exists({ role }).exec()) !== null;
  }

  /** New password; revokes every token issued before. */
  async setPassword(id: string, passwordHash: string): Promise<UserRecord | null> {
    return this.update(id, { $set: { passwordHash, passwordChangedAt: new Date() }, $inc: { tokenVersion: 1 } });
  }

  /** Upgrades the stored hash's parameters without revoking tokens, unless the hash changed meanwhile. */
  async rehashPassword(id: string, previousHash: string, passwordHash: string): Promise<void> {
    if (!isValidObjectId(id)) return;
    await this.model.updateOne({ _id: id, passwordHash: previousHash }, { $set: { passwordHash } }).exec();
  }

  /** Every token issued before stops working. Returns the new version. */
  async revokeTokens(id: string): Promise<number | null> {
    return (await this.update(id, { $inc: { tokenVersion: 1 } }))?.tokenVersion ?? null;
  }

  async recordLogin(id: string, at = new Date()): Promise<void> {
    if (!isValidObjectId(id)) return;
    await this.model.updateOne({ _id: id }, { $set: { lastLoginAt: at } }).exec();
  }

  /**
   * Attaches a Google identity, only if the account has none or the same
   * one (never silently re-points an account to another Google user).
   */
  async linkGoogle(id: string, google: { googleId: string; name: string | null; picture: string | null }): Promise<UserRecord | null> {
    if (!isValidObjectId(id)) return null;
    const doc = await this.model
      .findOneAndUpdate(
        { _id: id, googleId: { $in: [null, google.googleId] } },
        { $set: { googleId: google.googleId, name: google.name, picture: google.picture } },
        { new: true },
      )
      .lean()
      .exec();
    return toRecordOrNull(doc);
  }

  /**
   * Attaches a Google identity to an account whose address nobody had
   * proved, which is how a pre-registered account is taken over: whoever
   * set its password loses it, every token is revoked, and the address
   * counts as verified (Google vouched for it). Only if the account still
   * has no Google identity (or this one) and is still unverified.
   */
  async linkGoogleReplacingCredentials(id: string, google: { googleId: string; name: string | null; picture: string | null }): Promise<UserRecord | null> {
    if (!isValidObjectId(id)) return null;
    const doc = await this.model
      .findOneAndUpdate(
        { _id: id, googleId: { $in: [null, google.googleId] }, emailVerified: { $ne: true } },
        {
          $set: { googleId: google.googleId, name: google.name, picture: google.picture, passwordHash: null, passwordChangedAt: new Date(), emailVerified: true },
          $inc: { tokenVersion: 1 },
        },
        { new: true },
      )
      .lean()
      .exec();
    return toRecordOrNull(doc);
  }

  /** The address is proven (verification link). */
  async markEmailVerified(id: string): Promise<UserRecord | null> {
    return this.update(id, { $set: { emailVerified: true } });
  }

  /** Moderation; revokes every token issued before. */
  async setStatus(id: string, status: AccountStatus, reason: string | null = null): Promise<UserRecord | null> {
    return this.update(id, { $set: { status, statusReason: reason }, $inc: { tokenVersion: 1 } });
  }

  /** Role change; revokes every token issued before. Callers check `canAssignRole` first. */
  async setRole(id: string, role: Role): Promise<UserRecord | null> {
    return this.update(id, { $set: { role }, $inc: { tokenVersion: 1 } });
  }

  private async update(id: string, update: UpdateQuery<UserDocument>): Promise<UserRecord | null> {
    if (!isValidObjectId(id)) return null;
    return toRecordOrNull(await this.model.findByIdAndUpdate(id, update, { new: true }).lean().exec());
  }
}

function toRecordOrNull(doc: UserDocument | null): UserRecord | null {
  return doc ? toRecord(doc) : null;
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

/**
 * Accounts stored before e-mail verification existed have no flag. Google
 * only ever linked verified addresses, and admins were vetted by whoever
 * made them; a self-registered password account proved nothing, so it reads
 * as unverified (its owner can verify from the banner).
 */
export function isEmailVerified(doc: Pick<UserDocument, 'emailVerified' | 'googleId' | 'role'>): boolean {
  return doc.emailVerified ?? (Boolean(doc.googleId) || doc.role === 'admin' || doc.role === 'superadmin');
}
