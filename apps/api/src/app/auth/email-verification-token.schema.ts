import { Schema, Types } from 'mongoose';

export const EMAIL_VERIFICATION_TOKEN_MODEL = 'EmailVerificationToken';

/** Like password-reset tokens: only the SHA-256 is stored, the token itself is only in the e-mail. */
export interface EmailVerificationTokenDocument {
  _id: Types.ObjectId;
  tokenHash: string;
  userId: string;
  /** The address the link was sent to; the link proves this address only. */
  email: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

export const emailVerificationTokenSchema = new Schema<EmailVerificationTokenDocument>(
  {
    tokenHash: { type: String, required: true },
    userId: { type: String, required: true },
    email: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
  },
  { collection: 'email_verification_tokens', versionKey: false },
);
emailVerificationTokenSchema.index({ tokenHash: 1 }, { unique: true });
emailVerificationTokenSchema.index({ userId: 1 });
emailVerificationTokenSchema.index({ expiresAt: 1 });
