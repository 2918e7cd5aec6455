import { z } from 'zod';

import { backupConcurrencySettingSchema, logRetentionDaysSchema } from './admin-logs.schema';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH_FLOOR } from './auth.schema';

/** Days ended upload records are kept; read by the api (settings) and the worker (its daily purge). */
export const uploadRecordRetentionDaysSchema = z.number().int().min(0).max(3650);
export const UPLOAD_RECORD_RETENTION_DAYS_DEFAULT = 7;
export const UPLOAD_RECORD_RETENTION_SETTING = 'uploadRecordRetentionDays';

/**
 * Admin-editable behaviour (GET/PATCH /api/v1/admin/config/settings), each key
 * with its type and bounds: the api validates and stores with it, the admin
 * SPA validates its form with it. Defaults live in the api
 * (settings.definitions.ts); the code that enforces a rule reads it through
 * SettingsService, so the admin switch is never decorative.
 */
export const adminSettingsSchema = z.object({
  /** Anyone may create an account (POST /auth/register, first Google sign-in). */
  registrationOpen: z.boolean(),
  /** Minimum password length for new and changed passwords. */
  passwordMinLength: z.number().int().min(PASSWORD_MIN_LENGTH_FLOOR).max(PASSWORD_MAX_LENGTH),
  /** Storage quota given to new accounts. */
  defaultStorageQuotaBytes: z.number().int().min(0),
  /**
   * Sign-ins allowed per (account, client IP) before that client is locked
   * out of that account for `loginLockoutMinutes`; past this many failures
   * from all clients, each attempt on the account is slowed down instead.
   */
  maxLoginAttempts: z.number().int().min(1).max(100),
  /** How long a client stays locked out of an account, and the window in which failures are counted. */
  loginLockoutMinutes: z.number().int().min(1).max(24 * 60),
  /** Lifetime of a password-reset link. */
  passwordResetTtlMinutes: z.number().int().min(5).max(24 * 60),

  // --- uploads (enforced by UploadService; defaults are the original product's) ---
  /** While on, the api answers 503 MAINTENANCE to everyone but admins (health and sign-in stay open). */
  maintenanceMode: z.boolean(),
  /** Shown to people while maintenance mode is on. */
  maintenanceMessage: z.string().max(500),
  /** Files one batch upload may hold. */
  maxFilesPerBatch: z.number().int().min(1).max(100),
  anonymousUploadsAllowed: z.boolean(),
  anonymousMaxFileBytes: z.number().int().min(1),
  anonymousDailyBytes: z.number().int().min(0),
  userMaxFileBytes: z.number().int().min(1),
  userDailyBytes: z.number().int().min(0),
  /** Hard cap for everyone, whatever the other limits say. */
  absoluteMaxFileBytes: z.number().int().min(1),
  /** Lower-case extensions with the dot, e.g. ".exe". */
  blockedExtensions: z.array(z.string().regex(/^\.[a-z0-9]+$/)).max(500),
  blockedMimeTypes: z.array(z.string().min(3)).max(500),
  /** An upload not finished within this time is expired and its reservations freed. */
  uploadSessionTtlHours: z.number().int().min(1).max(24 * 7),
  /** Files one client (IP) may start uploading per hour without signing in; each opens a Drive session. */
  uploadInitiationsPerHourPerClient: z.number().int().min(1).max(100_000),
  /** Files one signed-in user may start uploading per hour. */
  uploadInitiationsPerHourPerUser: z.number().int().min(1).max(100_000),
  /** Unfinished uploads one user (or, signed out, one IP) may hold at once; more are refused until one ends. */
  maxUploadsInProgress: z.number().int().min(1).max(1000),
  /** Days cancelled, failed and expired upload records are kept before the worker deletes them (0 = forever). */
  uploadRecordRetentionDays: uploadRecordRetentionDaysSchema,

  // --- downloads ---
  /** Batch ZIPs one client (IP) may stream at once. */
  zipStreamsPerClient: z.number().int().min(1).max(100),
  /** Batch ZIPs all clients together may stream at once (per deployment). */
  zipStreamsTotal: z.number().int().min(1).max(10_000),

  // --- logs and backups (enforced by the worker: LogsRetentionProcessor, BackupConcurrency) ---
  /** Backup copies each worker runs at once; null leaves each worker's BACKUP_CONCURRENCY. */
  backupConcurrency: backupConcurrencySettingSchema,
  /** Days activity, access and error log entries are kept (0 = forever); applied daily by the worker. */
  activityLogRetentionDays: logRetentionDaysSchema,
  accessLogRetentionDays: logRetentionDaysSchema,
  errorLogRetentionDays: logRetentionDaysSchema,

  // --- monitoring alerts (evaluated by admin/monitoring AlertsService) ---
  /** Alert when the free space of DATA_DIR's file system drops below this share (percent). */
  alertDiskFreeMinPercent: z.number().min(0).max(100),
  /** Alert when an api process's resident memory exceeds this. */
  alertProcessMemoryMaxBytes: z.number().int().min(0),
  /** Alert when more backups than this failed for good in the last 24 hours. */
  alertBackupFailures24hMax: z.number().int().min(0),
  /** Alert when more backup jobs than this wait, run or are delayed. */
  alertBackupQueueDepthMax: z.number().int().min(0),
  /** Alert when more Drive accounts than this are unhealthy. */
  alertUnhealthyAccountsMax: z.number().int().min(0),
});
export type AdminSettings = z.infer<typeof adminSettingsSchema>;
export type AdminSettingKey = keyof AdminSettings;

/** PATCH body: any subset, no unknown keys. */
export const adminSettingsPatchSchema = adminSettingsSchema.partial().strict();
export type AdminSettingsPatch = z.infer<typeof adminSettingsPatchSchema>;
