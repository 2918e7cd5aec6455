import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';

import { PASSWORD_RESET_TOKEN_MODEL, PasswordResetTokenDocument } from './password-reset-token.schema';

export interface PasswordResetTokenRecord {
  userId: string;
  expiresAt: Date;
}

/** FerretDB has no TTL indexes: expiry is a stored date checked in every query. */
@Injectable()
export class PasswordResetTokenRepository implements OnModuleInit {
  constructor(@InjectModel(PASSWORD_RESET_TOKEN_MODEL) private readonly model: Model<PasswordResetTokenDocument>) {}

  async onModuleInit(): Promise<void> {
    await this.model.init();
  }

  /** Stores a new token for the user and retires the user's older ones. */
  async issue(userId: string, tokenHash: string, expiresAt: Date, now = new Date()): Promise<void> {
    await this.model.updateMany({ userId, usedAt: null }, { $set: { usedAt: now } }).exec();
    await this.model.create({ tokenHash, userId, createdAt: now, expiresAt, usedAt: null });
  }

  /** The still-usable token with this hash, without using it. */
  async findUsable(tokenHash: string, now = new Date()): Promise<PasswordResetTokenRecord | null> {
    const doc = await this.model.findOne({ tokenHash, usedAt: null, expiresAt: { $gt: now } }).lean().exec();
    return doc ? { userId: doc.userId, expiresAt: doc.expiresAt } : null;
  }

  /** Marks the token used; null when it was already used or expired (one atomic update, so only one caller wins). */
  async consume(tokenHash: string, now = new Date()): Promise<PasswordResetTokenRecord | null> {
    const doc = await this.model
      .findOneAndUpdate({ tokenHash, usedAt: null, expiresAt: { $gt: now } }, { $set: { usedAt: now } }, { new: true })
      .lean()
      .exec();
    return doc ? { userId: doc.userId, expiresAt: doc.expiresAt } : null;
  }

  /** Retires every unused token of the user (after a reset or password change). */
  async retireAll(userId: string, now = new Date()): Promise<void> {
    await this.model.updateMany({ userId, usedAt: null }, { $set: { usedAt: now } }).exec();
  }

  /** Housekeeping in place of a TTL index. */
  async deleteExpired(before: Date): Promise<number> {
    return (await this.model.deleteMany({ expiresAt: { $lt: before } }).exec()).deletedCount;
  }
}
