import { AdminSettings } from '@ddx/contracts';

import { GiB, MiB } from './settings-form';

/** Settings as the api returns them, for the specs (one value is deliberately not a whole MiB). */
export const SETTINGS: AdminSettings = {
  registrationOpen: true,
  passwordMinLength: 8,
  defaultStorageQuotaBytes: 10 * GiB,
  maxLoginAttempts: 5,
  loginLockoutMinutes: 15,
  passwordResetTtlMinutes: 30,
  maintenanceMode: false,
  maintenanceMessage: 'Back soon.',
  maxFilesPerBatch: 20,
  anonymousUploadsAllowed: true,
  anonymousMaxFileBytes: 1.5 * MiB + 1,
  anonymousDailyBytes: 2 * GiB,
  userMaxFileBytes: 100 * MiB,
  userDailyBytes: 10 * GiB,
  absoluteMaxFileBytes: 10 * GiB,
  blockedExtensions: ['.exe'],
  blockedMimeTypes: ['application/x-msdownload'],
  uploadSessionTtlHours: 24,
  backupConcurrency: null,
  activityLogRetentionDays: 365,
  accessLogRetentionDays: 90,
  errorLogRetentionDays: 30,
  alertDiskFreeMinPercent: 10,
  alertProcessMemoryMaxBytes: 1.5 * GiB,
  alertBackupFailures24hMax: 0,
  alertBackupQueueDepthMax: 1000,
  alertUnhealthyAccountsMax: 0,
};
