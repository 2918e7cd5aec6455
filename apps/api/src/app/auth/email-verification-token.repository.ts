import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';

import { EMAIL_VERIFICATION_TOKEN_MODEL, EmailVerificationTokenDocument } from './email-verification-token.schema';

export interface EmailVerificationTokenRecord {
  userId: string;
  email: string;
}

/** Same rules as PasswordResetTokenRepository: expiry checked in every query (no TTL index on FerretDB), single use by one atomic update. */
@Injectable()
export class EmailVerificationTokenRepository implements OnModuleInit {
  constructor(@InjectModel(EMAIL_VERIFICATION_TOKEN_MODEL) private readonly model: Model<EmailVerificationTokenDocument>) {}

  async onModuleInit(): Promise<void> {
    await this.model.init();
  }

  /** Stores a new token and retires the user's older ones (only the latest link works). */
  async issue(userId: string, email: string, tokenHash: string, expiresAt: Date, now = new Date()): Promise<void> {
    await this.retireAll(userId, now);
    await this.model.create({ tokenHash, userId, email, createdAt: now, expiresAt, usedAt: null });
  }

  /** Marks the token used; null when unknown, expired or already used (only one caller wins). */
  async consume(tokenHash: string, now = new Date()): Promise<EmailVerificationTokenRecord | null> {
    const doc = await this.model
      .findOneAndUpdate({ tokenHash, usedAt: null, expiresAt: { $gt: now } }, { $set: { usedAt: now } }, { new: true })
      .lean()
      .exec();
    return doc ? { userId: doc.userId, email: doc.email } : null;
  }

  async retireAll(userId: string, now = new Date()): Promise<void> {
    await this.model.updateMany({ userId, usedAt: null }, { $set: { usedAt: now } }).exec();
  }

  /** Housekeeping in place of a TTL index. */
  async deleteExpired(before: Date): Promise<number> {
    return (await this.model.deleteMany({ expiresAt: { $lt: before } }).exec()).deletedCount;
  }
}
