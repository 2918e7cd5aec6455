import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH_FLOOR } from '@ddx/contracts';
import { z } from 'zod';

import { UPLOAD_SETTINGS_DEFAULTS } from '../upload/upload-settings';

const GiB = 1024 ** 3;

/**
 * Admin-editable behaviour, each key with its type, bounds and default.
 * Later features add their keys here; the code that enforces a rule reads it
 * through SettingsService, so the admin switch is never decorative.
 */
export const settingsSchema = z.object({
  /** Anyone may create an account (POST /auth/register, first Google sign-in). */
  registrationOpen: z.boolean(),
  /** Minimum password length for new and changed passwords. */
  passwordMinLength: z.number().int().min(PASSWORD_MIN_LENGTH_FLOOR).max(PASSWORD_MAX_LENGTH),
  /** Storage quota given to new accounts. */
  defaultStorageQuotaBytes: z.number().int().min(0),
  /** Failed sign-ins allowed per account before it is locked for `loginLockoutMinutes`. */
  maxLoginAttempts: z.number().int().min(1).max(100),
  /** How long an account stays locked after too many failed sign-ins. */
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
});
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
});
