import { adminSettingsSchema, LOG_RETENTION_DEFAULTS, PASSWORD_MIN_LENGTH_FLOOR } from '@ddx/contracts';
import { z } from 'zod';

import { ALERT_SETTINGS_DEFAULTS } from '../admin/monitoring/alert-settings';
import { UPLOAD_SETTINGS_DEFAULTS } from '../upload/upload-settings';

const GiB = 1024 ** 3;

/** One schema for the api and the admin SPA (libs/contracts admin-settings.schema.ts). */
export const settingsSchema = adminSettingsSchema;
export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

export const SETTINGS_DEFAULTS: Readonly<Settings> = Object.freeze({
  registrationOpen: true,
  passwordMinLength: PASSWORD_MIN_LENGTH_FLOOR,
  defaultStorageQuotaBytes: 10 * GiB,
  maxLoginAttempts: 5,
  loginLockoutMinutes: 15,
  passwordResetTtlMinutes: 30,
  ...UPLOAD_SETTINGS_DEFAULTS,
  zipStreamsPerClient: 2,
  zipStreamsTotal: 20,
  backupConcurrency: null,
  ...LOG_RETENTION_DEFAULTS,
  ...ALERT_SETTINGS_DEFAULTS,
});
