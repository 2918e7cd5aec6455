import { Schema } from 'mongoose';

export type DriveCredentialKind = 'oauth' | 'service_account';
export type DriveAccountHealth = 'healthy' | 'degraded' | 'unhealthy';

/** 1 PiB stands in for "no limit" (Workspace accounts report none). */
export const UNLIMITED_QUOTA_BYTES = 2 ** 50;

export interface DriveAccountDoc {
  _id: string;
  label: string;
  email: string;
  kind: DriveCredentialKind;
  /** SecretBox-sealed credential JSON; never leaves the server. */
  credentialSealed: string;
  folderId: string | null;
  enabled: boolean;
  health: DriveAccountHealth;
  lastError: string | null;
  consecutiveFailures: number;
  lastCheckedAt: Date | null;
  quotaLimitBytes: number;
  quotaUsageBytes: number;
  reservedBytes: number;
  /**
   * quotaLimitBytes − quotaUsageBytes − reservedBytes, kept in step by every
   * update so that reservation is one plain-filter conditional update
   * (`freeBytes >= n`), atomic on MongoDB without `$expr`.
   */
  freeBytes: number;
  /** Drive said "full" although our numbers disagree; cleared by a refresh. */
  fullUntilRefresh: boolean;
  rateLimitedUntil: Date | null;
  rateLimitStrikes: number;
  /** UTC day (YYYY-MM-DD) that dailyUploadedBytes counts. */
  dailyWindow: string;
  dailyUploadedBytes: number;
  lastUsedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const DRIVE_ACCOUNTS_COLLECTION = 'drive_accounts';

export const driveAccountSchema = new Schema<DriveAccountDoc>(
  {
    _id: { type: String, required: true },
    label: { type: String, required: true },
    email: { type: String, required: true },
    kind: { type: String, enum: ['oauth', 'service_account'], required: true },
    credentialSealed: { type: String, required: true },
    folderId: { type: String, default: null },
    enabled: { type: Boolean, default: true },
    health: { type: String, enum: ['healthy', 'degraded', 'unhealthy'], default: 'healthy' },
    lastError: { type: String, default: null },
    consecutiveFailures: { type: Number, default: 0 },
    lastCheckedAt: { type: Date, default: null },
    quotaLimitBytes: { type: Number, required: true },
    quotaUsageBytes: { type: Number, required: true },
    reservedBytes: { type: Number, default: 0 },
    freeBytes: { type: Number, required: true },
    fullUntilRefresh: { type: Boolean, default: false },
    rateLimitedUntil: { type: Date, default: null },
    rateLimitStrikes: { type: Number, default: 0 },
    dailyWindow: { type: String, required: true },
    dailyUploadedBytes: { type: Number, default: 0 },
    lastUsedAt: { type: Date, default: null },
  },
  { collection: DRIVE_ACCOUNTS_COLLECTION, timestamps: true, versionKey: false },
);
driveAccountSchema.index({ email: 1 }, { unique: true });
driveAccountSchema.index({ enabled: 1, freeBytes: -1 });
