import { Schema, Types } from 'mongoose';

export const PASSWORD_RESET_TOKEN_MODEL = 'PasswordResetToken';

/** Only the SHA-256 of a token is stored; the token itself exists only in the e-mail. */
export interface PasswordResetTokenDocument {
  _id: Types.ObjectId;
  tokenHash: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

export const passwordResetTokenSchema = new Schema<PasswordResetTokenDocument>(
  {
    tokenHash: { type: String, required: true },
    userId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
  },
  { collection: 'password_reset_tokens', versionKey: false },
);
passwordResetTokenSchema.index({ tokenHash: 1 }, { unique: true });
passwordResetTokenSchema.index({ userId: 1 });
passwordResetTokenSchema.index({ expiresAt: 1 });
