import { z } from 'zod';

import { API_PREFIX } from './routes';

/**
 * Admin logs: the activity log, the access log (sign-ins) and
 * the application errors, with filters, pages, CSV/JSON export and a
 * retention purge. Every route needs an admin token with
 * `activity.read`; the purge needs `activity.purge` (superadmin).
 */

const ADMIN = `${API_PREFIX}/admin`;

/** The three logs: `activity` and `access` live in `activity_logs`, `errors` in `app_errors`. */
export const LOG_KINDS = ['activity', 'access', 'errors'] as const;
export const logKindSchema = z.enum(LOG_KINDS);
export type LogKind = z.infer<typeof logKindSchema>;

export const AdminLogsRoutes = {
  activity: `${ADMIN}/logs/activity`,
  activityExport: `${ADMIN}/logs/activity/export`,
  access: `${ADMIN}/logs/access`,
  accessExport: `${ADMIN}/logs/access/export`,
  accessSummary: `${ADMIN}/logs/access/summary`,
  errors: `${ADMIN}/logs/errors`,
  errorsExport: `${ADMIN}/logs/errors/export`,
  purge: `${ADMIN}/logs/purge`,
} as const;

/** Sign-in outcomes in `activity_logs`: together they are the access log; every other action is the activity log. */
export const ACCESS_SUCCESS_ACTIONS = ['user.login', 'user.google_login', 'admin.login'] as const;
export const ACCESS_FAILED_ACTIONS = ['user.login_failed', 'user.google_login_failed', 'admin.login_failed'] as const;
export const ACCESS_ACTIONS: readonly string[] = [...ACCESS_SUCCESS_ACTIONS, ...ACCESS_FAILED_ACTIONS];

// ------------------------------------------------------------ settings

/** Retention settings (days; 0 keeps entries forever), applied daily by the worker. */
export const LOG_RETENTION_SETTING = {
  activity: 'activityLogRetentionDays',
  access: 'accessLogRetentionDays',
  errors: 'errorLogRetentionDays',
} as const satisfies Record<LogKind, string>;
export const LOG_RETENTION_MAX_DAYS = 3650;
export const logRetentionDaysSchema = z.number().int().min(0).max(LOG_RETENTION_MAX_DAYS);
export const LOG_RETENTION_DEFAULTS = {
  activityLogRetentionDays: 365,
  accessLogRetentionDays: 90,
  errorLogRetentionDays: 30,
} as const;

/** Backup copies each worker runs at once; `null` leaves each worker's BACKUP_CONCURRENCY. */
export const BACKUP_CONCURRENCY_MAX = 8;
export const backupConcurrencySettingSchema = z.number().int().min(1).max(BACKUP_CONCURRENCY_MAX).nullable();

// ------------------------------------------------------------- queries

const page = z.coerce.number().int().min(1).max(100_000).default(1);
const limit = z.coerce.number().int().min(1).max(200).default(50);
/** A day (`2024-05-01`) or an instant (`2024-05-01T10:00:00Z`); a day as `date_to` includes the day. */
const queryDate = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);
const text = (max: number) => z.string().trim().min(1).max(max);
const exportFormat = z.enum(['csv', 'json']).default('csv');
const isoDate = z.iso.datetime();

const dateRange = {
  date_from: queryDate.optional(),
  date_to: queryDate.optional(),
};

export const activityLogFilterSchema = z.object({
  /** Exact action name, e.g. `admin.user_ban`. */
  action: text(100).optional(),
  /** A user id (exact) or part of the actor's e-mail (literal text, case-insensitive). */
  actor: text(254).optional(),
  actor_type: z.enum(['user', 'admin', 'system']).optional(),
  /** Exact target id (user, file, storage account…). */
  target: text(200).optional(),
  /** Literal IP or IP prefix (`203.0.113.`). */
  ip: text(64).optional(),
  /** Literal text (case-insensitive) in the action, actor e-mail, target or IP; never a pattern. */
  search: text(200).optional(),
  ...dateRange,
});
export const activityLogListQuerySchema = activityLogFilterSchema.extend({ page, limit }).meta({ id: 'AdminActivityLogQuery' });
export type ActivityLogListQuery = z.output<typeof activityLogListQuerySchema>;
export const activityLogExportQuerySchema = activityLogFilterSchema.extend({ format: exportFormat }).meta({ id: 'AdminActivityLogExportQuery' });
export type ActivityLogExportQuery = z.output<typeof activityLogExportQuerySchema>;

export const accessLogFilterSchema = z.object({
  outcome: z.enum(['success', 'failed']).optional(),
  /** Sign-ins to the user app or to the admin panel. */
  realm: z.enum(['user', 'admin']).optional(),
  /** Part of the e-mail that was tried (literal text, case-insensitive). */
  email: text(254).optional(),
  /** Literal IP or IP prefix. */
  ip: text(64).optional(),
  ...dateRange,
});
export const accessLogListQuerySchema = accessLogFilterSchema.extend({ page, limit }).meta({ id: 'AdminAccessLogQuery' });
export type AccessLogListQuery = z.output<typeof accessLogListQuerySchema>;
export const accessLogExportQuerySchema = accessLogFilterSchema.extend({ format: exportFormat }).meta({ id: 'AdminAccessLogExportQuery' });
export type AccessLogExportQuery = z.output<typeof accessLogExportQuerySchema>;
export const accessSummaryQuerySchema = z
  .object({
    /** The window: the last N hours. */
    hours: z.coerce.number().int().min(1).max(24 * 90).default(24),
    /** How many addresses to list. */
    top: z.coerce.number().int().min(1).max(50).default(10),
  })
  .meta({ id: 'AdminAccessSummaryQuery' });
export type AccessSummaryQuery = z.output<typeof accessSummaryQuerySchema>;

export const errorLogFilterSchema = z.object({
  status: z.coerce.number().int().min(500).max(599).optional(),
  /** Part of the route template, e.g. `/admin/users` (literal text). */
  route: text(200).optional(),
  request_id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be a request id').optional(),
  /** Literal text (case-insensitive) in the message or the route. */
  search: text(200).optional(),
  ...dateRange,
});
export const errorLogListQuerySchema = errorLogFilterSchema.extend({ page, limit }).meta({ id: 'AdminErrorLogQuery' });
export type ErrorLogListQuery = z.output<typeof errorLogListQuerySchema>;
export const errorLogExportQuerySchema = errorLogFilterSchema.extend({ format: exportFormat }).meta({ id: 'AdminErrorLogExportQuery' });
export type ErrorLogExportQuery = z.output<typeof errorLogExportQuerySchema>;

// ----------------------------------------------------------- responses

const pageFields = {
  total: z.number().int(),
  page: z.number().int(),
  limit: z.number().int(),
  total_pages: z.number().int(),
};

export const activityLogEntrySchema = z
  .object({
    id: z.string(),
    at: isoDate,
    actor_type: z.enum(['user', 'admin', 'system']),
    actor_id: z.string().nullable(),
    actor_email: z.string().nullable(),
    action: z.string(),
    target: z.string().nullable(),
    ip: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'AdminActivityLogEntry' });
export type ActivityLogEntry = z.infer<typeof activityLogEntrySchema>;
export const activityLogPageSchema = z.object({ items: z.array(activityLogEntrySchema), ...pageFields }).meta({ id: 'AdminActivityLogPage' });
export type ActivityLogPage = z.infer<typeof activityLogPageSchema>;

export const accessLogEntrySchema = z
  .object({
    id: z.string(),
    at: isoDate,
    realm: z.enum(['user', 'admin']),
    outcome: z.enum(['success', 'failed']),
    method: z.enum(['password', 'google']),
    email: z.string().nullable(),
    user_id: z.string().nullable(),
    ip: z.string().nullable(),
    /** Why a sign-in failed (`wrong_password`, `unknown_account`, `suspended`…). */
    reason: z.string().nullable(),
  })
  .meta({ id: 'AdminAccessLogEntry' });
export type AccessLogEntry = z.infer<typeof accessLogEntrySchema>;
export const accessLogPageSchema = z.object({ items: z.array(accessLogEntrySchema), ...pageFields }).meta({ id: 'AdminAccessLogPage' });
export type AccessLogPage = z.infer<typeof accessLogPageSchema>;

export const accessSummarySchema = z
  .object({
    from: isoDate,
    to: isoDate,
    total: z.number().int(),
    successful: z.number().int(),
    failed: z.number().int(),
    /** Addresses with the most sign-in attempts in the window, most first. */
    top_ips: z.array(z.object({ ip: z.string(), attempts: z.number().int(), failed: z.number().int() })),
  })
  .meta({ id: 'AdminAccessSummary' });
export type AccessSummary = z.infer<typeof accessSummarySchema>;

export const errorLogEntrySchema = z
  .object({
    id: z.string(),
    at: isoDate,
    status: z.number().int(),
    method: z.string(),
    /** The route template (`/api/v1/admin/users/:id`), or the path without its query when no route matched. */
    route: z.string(),
    request_id: z.string().nullable(),
    /** Error class and message, cut to 500 characters; the stack trace is never sent. */
    error: z.string(),
    message: z.string(),
    /** Errors not written just before this one because the write rate limit was reached. */
    suppressed_before: z.number().int(),
  })
  .meta({ id: 'AdminErrorLogEntry' });
export type ErrorLogEntry = z.infer<typeof errorLogEntrySchema>;
export const errorLogPageSchema = z.object({ items: z.array(errorLogEntrySchema), ...pageFields }).meta({ id: 'AdminErrorLogPage' });
export type ErrorLogPage = z.infer<typeof errorLogPageSchema>;

// --------------------------------------------------------------- purge

export const logPurgeRequestSchema = z
  .strictObject({
    kind: logKindSchema,
    /** Entries older than this many days are deleted. */
    older_than_days: z.number().int().min(1).max(LOG_RETENTION_MAX_DAYS),
  })
  .meta({ id: 'AdminLogPurgeRequest' });
export type LogPurgeRequest = z.input<typeof logPurgeRequestSchema>;

export const logPurgeResponseSchema = z
  .object({ kind: logKindSchema, deleted: z.number().int(), cutoff: isoDate })
  .meta({ id: 'AdminLogPurgeResponse' });
export type LogPurgeResponse = z.infer<typeof logPurgeResponseSchema>;
