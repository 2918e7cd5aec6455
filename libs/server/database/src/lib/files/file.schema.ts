import { BackupStatus, FileStatus } from '@ddx/contracts';
import { Schema } from 'mongoose';

export interface FileDoc {
  /** Public id (UUID) used in share links. */
  _id: string;
  ownerId: string | null;
  filename: string;
  originalFilename: string;
  sizeBytes: number;
  contentType: string;
  status: FileStatus;
  failureReason: string | null;
  batchId: string | null;
  /** Client IP at initiation (trusted-proxy aware); never shown publicly. */
  ip: string | null;

  // --- upload session (server-side only) ---
  uploadTokenHash: string | null;
  driveAccountId: string | null;
  /** SecretBox-sealed resumable session URI. */
  driveSessionSealed: string | null;
  /** Bytes reserved on the Drive account for this upload. */
  accountReservedBytes: number;
  /** Bytes reserved against the owner's storage quota. */
  userReservedBytes: number;
  /** UTC day and limiter key the daily allowance was charged to. */
  dailyUsageKey: string | null;
  committedBytes: number;
  /** Serialized MD5 state of bytes [0, committedBytes), so any replica can resume hashing. */
  md5State: string | null;
  /** End offset and MD5 state of the chunk being sent, saved before the PUT (see UploadSocketSession). */
  pendingEnd: number | null;
  pendingMd5State: string | null;
  /** End offset and MD5 state of the frame queued behind the pending one (saved while the pending PUT runs). */
  nextEnd: number | null;
  nextMd5State: string | null;
  expiresAt: Date | null;

  // --- stored object ---
  driveFileId: string | null;
  md5: string | null;
  completedAt: Date | null;

  // --- backup copy ---
  backupStatus: BackupStatus;
  backupPath: string | null;
  backupError: string | null;
  backupAttempts: number;
  backedUpAt: Date | null;

  quarantined: boolean;
  downloadCount: number;
  deletedAt: Date | null;
  /** Set once the cleanup job removed the Drive and WebDAV copies of a deleted file. */
  purgedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const FILES_COLLECTION = 'files';

export const fileSchema = new Schema<FileDoc>(
  {
    _id: { type: String, required: true },
    ownerId: { type: String, default: null },
    filename: { type: String, required: true },
    originalFilename: { type: String, required: true },
    sizeBytes: { type: Number, required: true },
    contentType: { type: String, required: true },
    status: { type: String, required: true },
    failureReason: { type: String, default: null },
    batchId: { type: String, default: null },
    ip: { type: String, default: null },
    uploadTokenHash: { type: String, default: null },
    driveAccountId: { type: String, default: null },
    driveSessionSealed: { type: String, default: null },
    accountReservedBytes: { type: Number, default: 0 },
    userReservedBytes: { type: Number, default: 0 },
    dailyUsageKey: { type: String, default: null },
    committedBytes: { type: Number, default: 0 },
    md5State: { type: String, default: null },
    pendingEnd: { type: Number, default: null },
    pendingMd5State: { type: String, default: null },
    nextEnd: { type: Number, default: null },
    nextMd5State: { type: String, default: null },
    expiresAt: { type: Date, default: null },
    driveFileId: { type: String, default: null },
    md5: { type: String, default: null },
    completedAt: { type: Date, default: null },
    backupStatus: { type: String, default: 'none' },
    backupPath: { type: String, default: null },
    backupError: { type: String, default: null },
    backupAttempts: { type: Number, default: 0 },
    backedUpAt: { type: Date, default: null },
    quarantined: { type: Boolean, default: false },
    downloadCount: { type: Number, default: 0 },
    deletedAt: { type: Date, default: null },
    purgedAt: { type: Date, default: null },
  },
  { collection: FILES_COLLECTION, timestamps: true, versionKey: false },
);
fileSchema.index({ ownerId: 1, createdAt: -1 });
fileSchema.index({ status: 1, expiresAt: 1 });
fileSchema.index({ status: 1, backupStatus: 1 });
fileSchema.index({ batchId: 1 });
fileSchema.index({ completedAt: 1 }); // reports over a date range
