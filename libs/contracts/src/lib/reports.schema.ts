import { z } from 'zod';

import { FILE_CATEGORIES } from './auth.schema';
import { API_PREFIX } from './routes';

/**
 * Admin reports: predefined, read-only queries over users, files,
 * activity and downloads under `/api/v1/admin/reports`, permission
 * `reports.read`. Days are UTC calendar days (`YYYY-MM-DD`); a range
 * includes both ends. There are no caller-supplied queries or pipelines.
 */

const REPORTS = `${API_PREFIX}/admin/reports`;

export const AdminReportRoutes = {
  overview: `${REPORTS}/overview`,
  userActivity: `${REPORTS}/user-activity`,
  storageByUser: `${REPORTS}/storage/by-user`,
  storageByType: `${REPORTS}/storage/by-type`,
  storageByAccount: `${REPORTS}/storage/by-account`,
  storageOverTime: `${REPORTS}/storage/over-time`,
  uploads: `${REPORTS}/uploads`,
  downloads: `${REPORTS}/downloads`,
  registrations: `${REPORTS}/registrations`,
  export: `${REPORTS}/export`,
} as const;

export const ReportErrorCode = {
  /** `to` is before `from`. */
  REPORT_RANGE_INVALID: 'REPORT_RANGE_INVALID',
  /** The range is longer than REPORT_MAX_DAYS. */
  REPORT_RANGE_TOO_LONG: 'REPORT_RANGE_TOO_LONG',
} as const;
export type ReportErrorCode = (typeof ReportErrorCode)[keyof typeof ReportErrorCode];

/** Longest range one report covers, both ends included. */
export const REPORT_MAX_DAYS = 366;
/** Range used when `from` and `to` are both left out: the last 30 days up to today. */
export const REPORT_DEFAULT_DAYS = 30;

export const REPORT_GRANULARITIES = ['day', 'week', 'month'] as const;
export type ReportGranularity = (typeof REPORT_GRANULARITIES)[number];

/** Each name is one table: what `/export` writes as CSV rows or a JSON `rows` array. */
export const REPORT_NAMES = [
  'overview',
  'top-uploaders',
  'active-users',
  'storage-by-user',
  'storage-by-type',
  'storage-by-account',
  'storage-over-time',
  'uploads',
  'downloads',
  'registrations',
] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

// ------------------------------------------------------------------ queries

const day = z.iso.date();
const count = z.number().int();
const bytes = z.number().int();

export const reportRangeQuerySchema = z
  .object({
    from: day.optional().describe(`First UTC day (YYYY-MM-DD). Default: ${REPORT_DEFAULT_DAYS - 1} days before \`to\``),
    to: day.optional().describe('Last UTC day, included. Default: today'),
  })
  .meta({ id: 'ReportRangeQuery' });
export type ReportRangeQuery = z.output<typeof reportRangeQuerySchema>;

const granularity = z.enum(REPORT_GRANULARITIES).default('day').describe('Bucket size; weeks start on Monday (ISO), months on the 1st');
const top = z.coerce.number().int().min(1).max(100).default(10).describe('Rows in a top list');

export const reportSeriesQuerySchema = reportRangeQuerySchema.extend({ granularity }).meta({ id: 'ReportSeriesQuery' });
export type ReportSeriesQuery = z.output<typeof reportSeriesQuerySchema>;

export const reportTopQuerySchema = reportRangeQuerySchema.extend({ limit: top }).meta({ id: 'ReportTopQuery' });
export type ReportTopQuery = z.output<typeof reportTopQuerySchema>;

export const reportUserActivityQuerySchema = reportRangeQuerySchema.extend({ granularity, limit: top }).meta({ id: 'ReportUserActivityQuery' });
export type ReportUserActivityQuery = z.output<typeof reportUserActivityQuerySchema>;

export const reportExportQuerySchema = reportRangeQuerySchema
  .extend({
    report: z.enum(REPORT_NAMES),
    format: z.enum(['csv', 'json']).default('csv'),
    granularity,
    limit: top,
  })
  .meta({ id: 'ReportExportQuery' });
export type ReportExportQuery = z.output<typeof reportExportQuerySchema>;

// ---------------------------------------------------------------- responses

export const reportRangeSchema = z
  .object({ from: day, to: day, days: count.describe('Days in the range, both ends included') })
  .meta({ id: 'ReportRange' });
export type ReportRange = z.infer<typeof reportRangeSchema>;

const generatedAt = z.iso.datetime();

export const reportOverviewSchema = z
  .object({
    range: reportRangeSchema,
    generated_at: generatedAt,
    users: z.object({
      total: count,
      active: count.describe('Accounts whose status is active'),
      suspended: count,
      banned: count,
      admins: count.describe('Admins and superadmins'),
    }),
    files: z.object({
      stored: count.describe('Completed files not deleted (now)'),
      stored_bytes: bytes,
      in_progress: count.describe('Uploads pending or running'),
      anonymous: count.describe('Stored files without an owner'),
    }),
    backups: z.object({
      done: count.describe('Stored files with a verified WebDAV copy'),
      failed: count,
      pending: count.describe('Stored files with no copy yet (none, queued, in progress)'),
    }),
    accounts: z.object({ total: count, enabled: count, healthy: count }),
    period: z.object({
      new_users: count.describe('Accounts created in the range'),
      active_users: count.describe('Distinct users who signed in or finished an upload in the range'),
      uploads: count.describe('Uploads finished in the range'),
      uploaded_bytes: bytes,
      downloads: count.describe('Downloads started in the range (a full GET or a range from byte 0)'),
    }),
  })
  .meta({ id: 'ReportOverview' });
export type ReportOverview = z.infer<typeof reportOverviewSchema>;

export const topUploaderSchema = z.object({
  user_id: z.string(),
  email: z.string().nullable().describe('Null when the account no longer exists'),
  uploads: count,
  bytes,
});
export type TopUploader = z.infer<typeof topUploaderSchema>;

export const activeUsersPointSchema = z.object({
  date: day.describe('First day of the bucket (clipped to the range)'),
  active_users: count.describe('Distinct users who signed in or finished an upload'),
  logins: count,
});
export type ActiveUsersPoint = z.infer<typeof activeUsersPointSchema>;

export const reportUserActivitySchema = z
  .object({
    range: reportRangeSchema,
    granularity: z.enum(REPORT_GRANULARITIES),
    top_uploaders: z.array(topUploaderSchema),
    points: z.array(activeUsersPointSchema),
    totals: z.object({ active_users: count, logins: count, uploaders: count }),
  })
  .meta({ id: 'ReportUserActivity' });
export type ReportUserActivity = z.infer<typeof reportUserActivitySchema>;

/** Storage breakdowns count the files stored at the end of `to` (now, for today). */
const storageTotals = z.object({ files: count, bytes });

export const storageByUserRowSchema = z.object({
  user_id: z.string().nullable().describe('Null: anonymous uploads'),
  email: z.string().nullable(),
  files: count,
  bytes,
});
export type StorageByUserRow = z.infer<typeof storageByUserRowSchema>;

export const reportStorageByUserSchema = z
  .object({ range: reportRangeSchema, as_of: day, items: z.array(storageByUserRowSchema), totals: storageTotals.extend({ owners: count.describe('Accounts owning stored files (anonymous uploads not counted)') }) })
  .meta({ id: 'ReportStorageByUser' });
export type ReportStorageByUser = z.infer<typeof reportStorageByUserSchema>;

export const storageByTypeRowSchema = z.object({ type: z.enum(FILE_CATEGORIES), files: count, bytes });
export type StorageByTypeRow = z.infer<typeof storageByTypeRowSchema>;

export const reportStorageByTypeSchema = z
  .object({ range: reportRangeSchema, as_of: day, items: z.array(storageByTypeRowSchema), totals: storageTotals })
  .meta({ id: 'ReportStorageByType' });
export type ReportStorageByType = z.infer<typeof reportStorageByTypeSchema>;

export const storageByAccountRowSchema = z.object({
  account_id: z.string().nullable().describe('Null: files detached from any Drive account (served from the backup)'),
  label: z.string().nullable(),
  email: z.string().nullable(),
  files: count,
  bytes,
});
export type StorageByAccountRow = z.infer<typeof storageByAccountRowSchema>;

export const reportStorageByAccountSchema = z
  .object({ range: reportRangeSchema, as_of: day, items: z.array(storageByAccountRowSchema), totals: storageTotals })
  .meta({ id: 'ReportStorageByAccount' });
export type ReportStorageByAccount = z.infer<typeof reportStorageByAccountSchema>;

export const storagePointSchema = z.object({
  date: day,
  added_bytes: bytes.describe('Sizes of uploads finished in the bucket'),
  removed_bytes: bytes.describe('Sizes of stored files deleted in the bucket'),
  stored_bytes: bytes.describe('Bytes stored at the end of the bucket'),
});
export type StoragePoint = z.infer<typeof storagePointSchema>;

export const reportStorageOverTimeSchema = z
  .object({
    range: reportRangeSchema,
    granularity: z.enum(REPORT_GRANULARITIES),
    start_bytes: bytes.describe('Bytes stored when the range begins'),
    points: z.array(storagePointSchema),
    totals: z.object({ added_bytes: bytes, removed_bytes: bytes, end_bytes: bytes }),
  })
  .meta({ id: 'ReportStorageOverTime' });
export type ReportStorageOverTime = z.infer<typeof reportStorageOverTimeSchema>;

export const uploadsPointSchema = z.object({ date: day, uploads: count, bytes });
export type UploadsPoint = z.infer<typeof uploadsPointSchema>;
export const reportUploadsSchema = z
  .object({ range: reportRangeSchema, granularity: z.enum(REPORT_GRANULARITIES), points: z.array(uploadsPointSchema), totals: z.object({ uploads: count, bytes }) })
  .meta({ id: 'ReportUploads' });
export type ReportUploads = z.infer<typeof reportUploadsSchema>;

export const downloadsPointSchema = z.object({ date: day, downloads: count });
export type DownloadsPoint = z.infer<typeof downloadsPointSchema>;
export const reportDownloadsSchema = z
  .object({ range: reportRangeSchema, granularity: z.enum(REPORT_GRANULARITIES), points: z.array(downloadsPointSchema), totals: z.object({ downloads: count }) })
  .meta({ id: 'ReportDownloads' });
export type ReportDownloads = z.infer<typeof reportDownloadsSchema>;

export const registrationsPointSchema = z.object({ date: day, registrations: count });
export type RegistrationsPoint = z.infer<typeof registrationsPointSchema>;
export const reportRegistrationsSchema = z
  .object({
    range: reportRangeSchema,
    granularity: z.enum(REPORT_GRANULARITIES),
    points: z.array(registrationsPointSchema),
    totals: z.object({ registrations: count }),
  })
  .meta({ id: 'ReportRegistrations' });
export type ReportRegistrations = z.infer<typeof reportRegistrationsSchema>;

/** JSON export: the report's table, one object per CSV row, same column names. */
export const reportExportJsonSchema = z
  .object({
    report: z.enum(REPORT_NAMES),
    range: reportRangeSchema,
    generated_at: generatedAt,
    columns: z.array(z.string()),
    rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
  })
  .meta({ id: 'ReportExport' });
export type ReportExportJson = z.infer<typeof reportExportJsonSchema>;
