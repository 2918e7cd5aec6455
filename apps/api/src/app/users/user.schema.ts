import { AccountStatus, Role } from '@ddx/contracts';
import { Schema, Types } from 'mongoose';

export const USER_MODEL = 'User';

export interface UserDocument {
  _id: Types.ObjectId;
  /** Lower-cased; unique. */
  email: string;
  /** `scrypt$…` (see PasswordHasher); null for accounts that only use Google sign-in. */
  passwordHash: string | null;
  role: Role;
  status: AccountStatus;
  statusReason: string | null;
  /**
   * Copied into every token (`ver` claim) and compared on every request;
   * incrementing it revokes all tokens issued before (logout, password
   * change, suspension, role change).
   */
  tokenVersion: number;
  storageQuotaBytes: number;
  /**
   * Storage ledger maintained by uploads with atomic $inc (see
   * UserStorageRepository in libs/server/database): used, reserved for
   * uploads in flight, and free = quota - used - reserved.
   */
  storageUsedBytes: number;
  storageReservedBytes: number;
  storageFreeBytes: number;
  googleId: string | null;
  /**
   * The owner proved the address: through the e-mailed link, or Google said
   * so. Missing on accounts from before verification existed; see
   * UserRepository's toRecord for how those are read.
   */
  emailVerified?: boolean;
  name: string | null;
  picture: string | null;
  createdAt: Date;
  lastLoginAt: Date | null;
  passwordChangedAt: Date | null;
}

export const userSchema = new Schema<UserDocument>(
  {
    email: { type: String, required: true, lowercase: true, trim: true },
    passwordHash: { type: String, default: null },
    role: { type: String, required: true, enum: ['regular', 'admin', 'superadmin'], default: 'regular' },
    status: { type: String, required: true, enum: ['active', 'suspended', 'banned'], default: 'active' },
    statusReason: { type: String, default: null },
    tokenVersion: { type: Number, required: true, default: 0 },
    storageQuotaBytes: { type: Number, required: true },
    storageUsedBytes: { type: Number, required: true, default: 0 },
    storageReservedBytes: { type: Number, required: true, default: 0 },
    storageFreeBytes: { type: Number, required: true, default: 0 },
    googleId: { type: String, default: null },
    emailVerified: { type: Boolean },
    name: { type: String, default: null },
    picture: { type: String, default: null },
    createdAt: { type: Date, required: true },
    lastLoginAt: { type: Date, default: null },
    passwordChangedAt: { type: Date, default: null },
  },
  { collection: 'users', versionKey: false, minimize: false },
);
userSchema.index({ email: 1 }, { unique: true });
// Not unique: FerretDB has no sparse/partial indexes and most users have no Google id.
userSchema.index({ googleId: 1 });
userSchema.index({ role: 1 });
