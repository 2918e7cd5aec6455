import { z } from 'zod';

import { accountStatusSchema } from './auth.schema';
import { roleSchema } from './permissions';
import { API_PREFIX } from './routes';
import { backupStatusSchema, fileStatusSchema } from './upload.schema';

/**
 * Admin API: users, files, storage accounts and backups under
 * `/api/v1/admin`. Every route needs an *admin* token and the permission
 * listed in apps/api/src/app/admin/README.md.
 */

const ADMIN = `${API_PREFIX}/admin`;

/** Paths of the admin API, for the SPA and the tests. */
export const AdminApiRoutes = {
  users: `${ADMIN}/users`,
  usersExport: `${ADMIN}/users/export`,
  usersBulk: `${ADMIN}/users/bulk`,
  user: (id: string) => `${ADMIN}/users/${id}`,
  userFiles: (id: string) => `${ADMIN}/users/${id}/files`,
  userSuspend: (id: string) => `${ADMIN}/users/${id}/suspend`,
  userBan: (id: string) => `${ADMIN}/users/${id}/ban`,
  userReactivate: (id: string) => `${ADMIN}/users/${id}/reactivate`,
  userQuota: (id: string) => `${ADMIN}/users/${id}/quota`,
  userPassword: (id: string) => `${ADMIN}/users/${id}/reset-password`,
  userRole: (id: string) => `${ADMIN}/users/${id}/role`,

  files: `${ADMIN}/files`,
  filesBulk: `${ADMIN}/files/bulk`,
  filesOrphans: `${ADMIN}/files/orphans`,
  filesOrphansCleanup: `${ADMIN}/files/orphans/cleanup`,
  file: (id: string) => `${ADMIN}/files/${id}`,
  fileQuarantine: (id: string) => `${ADMIN}/files/${id}/quarantine`,
  fileRelease: (id: string) => `${ADMIN}/files/${id}/release`,
  fileBackup: (id: string) => `${ADMIN}/files/${id}/backup`,
  fileIntegrity: (id: string) => `${ADMIN}/files/${id}/integrity-check`,

  storageAccounts: `${ADMIN}/storage/accounts`,
  storageRefreshAll: `${ADMIN}/storage/accounts/refresh`,
  storageAccount: (id: string) => `${ADMIN}/storage/accounts/${id}`,
  storageEnable: (id: string) => `${ADMIN}/storage/accounts/${id}/enable`,
  storageDisable: (id: string) => `${ADMIN}/storage/accounts/${id}/disable`,
  storageCheck: (id: string) => `${ADMIN}/storage/accounts/${id}/check`,
  storageDeleteAllFiles: (id: string) => `${ADMIN}/storage/accounts/${id}/delete-all-files`,

  backupsSummary: `${ADMIN}/backups/summary`,
  backupsFailed: `${ADMIN}/backups/failed`,
  backupsRetryAllFailed: `${ADMIN}/backups/failed/retry`,
  backupRetry: (fileId: string) => `${ADMIN}/backups/failed/${fileId}/retry`,
  backupsTrigger: `${ADMIN}/backups/trigger`,
} as const;

/** Error codes only the admin API answers with (besides the common ones). */
export const AdminErrorCode = {
  /** Moderating yourself (suspend, ban, delete, role) is refused. */
  SELF_ACTION: 'SELF_ACTION',
  /** Google refused the credentials of a new storage account. */
  CREDENTIALS_REJECTED: 'CREDENTIALS_REJECTED',
  /** The account is already in the pool. */
  ACCOUNT_EXISTS: 'ACCOUNT_EXISTS',
  /** Completed files or uploads in flight live on the storage account. */
  ACCOUNT_HAS_FILES: 'ACCOUNT_HAS_FILES',
  /** WEBDAV_URL is not set. */
  BACKUPS_DISABLED: 'BACKUPS_DISABLED',
  /** The file is not in a state that allows this (e.g. backup of an unfinished upload). */
  FILE_STATE: 'FILE_STATE',
  /** Drive could not be reached to do this now. */
  DRIVE_UNAVAILABLE: 'DRIVE_UNAVAILABLE',
} as const;
export type AdminErrorCode = (typeof AdminErrorCode)[keyof typeof AdminErrorCode];

// ------------------------------------------------------------------ shared

const isoDate = z.iso.datetime();
const bytes = z.number().int();
const sortOrder = z.enum(['asc', 'desc']).default('desc');
const page = z.coerce.number().int().min(1).default(1);
const limitOf = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
/** `true`/`false` (or `1`/`0`) in a query string. */
const queryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
/** A day (`2024-05-01`) or an instant (`2024-05-01T10:00:00Z`). */
const queryDate = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);
const reason = z.string().trim().min(1).max(500);

export const userIdSchema = z.string().regex(/^[0-9a-fA-F]{24}$/, 'must be a user id');
export const fileIdSchema = z.string().regex(/^[0-9a-fA-F-]{36}$/, 'must be a file id');
export const storageAccountIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a storage account id');

export const adminUserIdParamsSchema = z.object({ id: userIdSchema });
export const adminFileIdParamsSchema = z.object({ id: fileIdSchema });
export const adminAccountIdParamsSchema = z.object({ id: storageAccountIdSchema });

/** Outcome of a bulk action: every id is either done or listed with why not. */
export const bulkResultSchema = z
  .object({
    action: z.string(),
    succeeded: z.array(z.string()),
    failed: z.array(z.object({ id: z.string(), error: z.string(), message: z.string() })),
  })
  .meta({ id: 'AdminBulkResult' });
export type BulkResult = z.infer<typeof bulkResultSchema>;

// ------------------------------------------------------------------- users

export const adminUserSortSchema = z.enum(['email', 'role', 'status', 'created_at', 'last_login_at']);

export const adminUserFilterSchema = z.object({
  /** Part of the e-mail (literal text, case-insensitive) or an exact user id. */
  search: z.string().trim().min(1).max(200).optional(),
  role: roleSchema.optional(),
  status: accountStatusSchema.optional(),
});

export const adminUserListQuerySchema = adminUserFilterSchema
  .extend({
    sort_by: adminUserSortSchema.default('created_at'),
    sort_order: sortOrder,
    page,
    limit: limitOf(100, 20),
  })
  .meta({ id: 'AdminUserListQuery' });
export type AdminUserListQuery = z.output<typeof adminUserListQuerySchema>;

export const adminUserExportQuerySchema = adminUserFilterSchema
  .extend({ format: z.enum(['csv', 'json']).default('csv') })
  .meta({ id: 'AdminUserExportQuery' });
export type AdminUserExportQuery = z.output<typeof adminUserExportQuerySchema>;

export const adminUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: roleSchema,
    status: accountStatusSchema,
    status_reason: z.string().nullable(),
    name: z.string().nullable(),
    has_password: z.boolean(),
    google_linked: z.boolean(),
    created_at: isoDate,
    last_login_at: isoDate.nullable(),
    storage_quota_bytes: bytes,
    files_count: z.number().int().describe('Completed files'),
    storage_used_bytes: bytes.describe('Sum of the sizes of completed files'),
  })
  .meta({ id: 'AdminUser' });
export type AdminUser = z.infer<typeof adminUserSchema>;

export const adminUserListResponseSchema = z
  .object({
    items: z.array(adminUserSchema),
    total: z.number().int(),
    page: z.number().int(),
    limit: z.number().int(),
    total_pages: z.number().int(),
  })
  .meta({ id: 'AdminUserList' });
export type AdminUserList = z.infer<typeof adminUserListResponseSchema>;

export const adminUserDetailSchema = adminUserSchema
  .extend({
    storage: z.object({
      quota_bytes: bytes,
      used_bytes: bytes,
      reserved_bytes: bytes.describe('Held by uploads in flight'),
      free_bytes: bytes,
    }),
  })
  .meta({ id: 'AdminUserDetail' });
export type AdminUserDetail = z.infer<typeof adminUserDetailSchema>;

export const moderationRequestSchema = z.strictObject({ reason }).meta({ id: 'AdminModerationRequest' });
export type ModerationRequest = z.input<typeof moderationRequestSchema>;

export const reactivateRequestSchema = z.strictObject({ reason: reason.optional() }).meta({ id: 'AdminReactivateRequest' });
export type ReactivateRequest = z.input<typeof reactivateRequestSchema>;

export const setQuotaRequestSchema = z
  .strictObject({ quota_bytes: z.number().int().min(0).max(2 ** 50) })
  .meta({ id: 'AdminSetQuotaRequest' });
export type SetQuotaRequest = z.input<typeof setQuotaRequestSchema>;

export const adminResetPasswordRequestSchema = z
  .strictObject({ new_password: z.string().min(1).max(256) })
  .meta({ id: 'AdminResetPasswordRequest' });
export type AdminResetPasswordRequest = z.input<typeof adminResetPasswordRequestSchema>;

export const setRoleRequestSchema = z.strictObject({ role: roleSchema }).meta({ id: 'AdminSetRoleRequest' });
export type SetRoleRequest = z.input<typeof setRoleRequestSchema>;

export const deleteReasonQuerySchema = z.object({ reason: reason.optional() });

export const userDeletionResponseSchema = z
  .object({
    user_id: z.string(),
    email: z.string(),
    files_deleted: z.number().int(),
    purges_queued: z.number().int().describe('Stored files whose Drive and WebDAV copies the worker will remove'),
  })
  .meta({ id: 'AdminUserDeletion' });
export type UserDeletion = z.infer<typeof userDeletionResponseSchema>;

export const userBulkRequestSchema = z
  .strictObject({
    ids: z.array(userIdSchema).min(1).max(100),
    action: z.enum(['suspend', 'ban', 'reactivate', 'delete']),
    reason: reason.optional(),
  })
  .refine((v) => v.action === 'reactivate' || v.action === 'delete' || v.reason !== undefined, {
    message: 'a reason is required to suspend or ban',
    path: ['reason'],
  })
  .meta({ id: 'AdminUserBulkRequest' });
export type UserBulkRequest = z.input<typeof userBulkRequestSchema>;

// ------------------------------------------------------------------- files

export const ADMIN_FILE_TYPES = ['images', 'videos', 'audio', 'documents', 'archives'] as const;

export const adminFileListQuerySchema = z
  .object({
    /** Part of the file name (literal text, case-insensitive). */
    name: z.string().trim().min(1).max(200).optional(),
    type: z.enum(ADMIN_FILE_TYPES).optional(),
    size_min: z.coerce.number().int().min(0).optional(),
    size_max: z.coerce.number().int().min(0).optional(),
    date_from: queryDate.optional(),
    date_to: queryDate.optional(),
    /** A user id, an owner's e-mail, or `anonymous`. */
    owner: z.string().trim().min(1).max(254).optional(),
    status: fileStatusSchema.optional(),
    backup_status: backupStatusSchema.optional(),
    /** Storage (Drive) account id. */
    account: storageAccountIdSchema.optional(),
    quarantined: queryBool.optional(),
    sort_by: z.enum(['created_at', 'size', 'filename', 'status', 'backup_status']).default('created_at'),
    sort_order: sortOrder,
    page,
    limit: limitOf(200, 50),
  })
  .meta({ id: 'AdminFileListQuery' });
export type AdminFileListQuery = z.output<typeof adminFileListQuerySchema>;

export const adminUserFilesQuerySchema = z
  .object({
    status: fileStatusSchema.optional(),
    sort_by: z.enum(['created_at', 'size', 'filename', 'status', 'backup_status']).default('created_at'),
    sort_order: sortOrder,
    page,
    limit: limitOf(100, 20),
  })
  .meta({ id: 'AdminUserFilesQuery' });
export type AdminUserFilesQuery = z.output<typeof adminUserFilesQuerySchema>;

export const adminFileSchema = z
  .object({
    file_id: z.string(),
    filename: z.string(),
    size: bytes,
    content_type: z.string(),
    status: fileStatusSchema,
    failure_reason: z.string().nullable(),
    owner_id: z.string().nullable(),
    owner_email: z.string().nullable().describe('null for anonymous uploads and deleted owners'),
    batch_id: z.string().nullable(),
    created_at: isoDate,
    completed_at: isoDate.nullable(),
    deleted_at: isoDate.nullable(),
    storage_account_id: z.string().nullable(),
    drive_file_id: z.string().nullable(),
    md5: z.string().nullable(),
    backup_status: backupStatusSchema,
    backup_path: z.string().nullable(),
    backup_error: z.string().nullable(),
    backup_attempts: z.number().int(),
    backed_up_at: isoDate.nullable(),
    quarantined: z.boolean(),
    download_count: z.number().int(),
  })
  .meta({ id: 'AdminFile' });
export type AdminFile = z.infer<typeof adminFileSchema>;

export const adminFileListResponseSchema = z
  .object({
    items: z.array(adminFileSchema),
    total: z.number().int(),
    page: z.number().int(),
    limit: z.number().int(),
    total_pages: z.number().int(),
  })
  .meta({ id: 'AdminFileList' });
export type AdminFileList = z.infer<typeof adminFileListResponseSchema>;

export const driveCopyInsightSchema = z
  .object({
    account_id: z.string().nullable(),
    account_label: z.string().nullable(),
    account_usable: z.boolean().describe('The account exists, is enabled and not unhealthy'),
    exists: z.boolean().nullable().describe('null when Drive could not be asked'),
    size: bytes.nullable(),
    md5: z.string().nullable(),
    size_matches: z.boolean().nullable(),
    md5_matches: z.boolean().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'AdminDriveCopyInsight' });

export const backupCopyInsightSchema = z
  .object({
    enabled: z.boolean(),
    path: z.string().nullable(),
    exists: z.boolean().nullable().describe('null when WebDAV could not be asked'),
    size: bytes.nullable(),
    size_matches: z.boolean().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'AdminBackupCopyInsight' });

export const adminFileDetailSchema = z
  .object({
    file: adminFileSchema,
    storage: z.object({
      drive: driveCopyInsightSchema,
      backup: backupCopyInsightSchema,
      served_from: z.enum(['drive', 'backup', 'none']).describe('Where a download would come from now'),
    }),
  })
  .meta({ id: 'AdminFileDetail' });
export type AdminFileDetail = z.infer<typeof adminFileDetailSchema>;

export const fileDeletionResponseSchema = z
  .object({
    file_id: z.string(),
    status: z.literal('deleted'),
    purge_queued: z.boolean().describe('The worker removes the Drive and WebDAV copies'),
  })
  .meta({ id: 'AdminFileDeletion' });
export type FileDeletion = z.infer<typeof fileDeletionResponseSchema>;

export const backupQueuedResponseSchema = z
  .object({ file_id: z.string(), queued: z.boolean(), message: z.string() })
  .meta({ id: 'AdminBackupQueued' });
export type BackupQueued = z.infer<typeof backupQueuedResponseSchema>;

const copyCheckSchema = z.object({
  checked: z.boolean(),
  /** `read`: every byte re-read and hashed; `metadata`: what the store reports (files over the inline limit). */
  method: z.enum(['read', 'metadata']).nullable(),
  size: bytes.nullable(),
  md5: z.string().nullable(),
  ok: z.boolean().nullable(),
  error: z.string().nullable(),
});

export const integrityCheckResponseSchema = z
  .object({
    file_id: z.string(),
    mode: z.literal('inline').describe('Runs inside the request, streaming (constant memory)'),
    expected_size: bytes,
    expected_md5: z.string().nullable(),
    drive: copyCheckSchema,
    backup: copyCheckSchema,
    ok: z.boolean().describe('Every copy that exists matches; at least one copy exists'),
    checked_at: isoDate,
  })
  .meta({ id: 'AdminIntegrityCheck' });
export type IntegrityCheck = z.infer<typeof integrityCheckResponseSchema>;

export const fileBulkRequestSchema = z
  .strictObject({
    ids: z.array(fileIdSchema).min(1).max(200),
    action: z.enum(['delete', 'quarantine', 'release', 'backup']),
    reason: reason.optional(),
  })
  .refine((v) => v.action !== 'quarantine' || v.reason !== undefined, { message: 'a reason is required to quarantine', path: ['reason'] })
  .meta({ id: 'AdminFileBulkRequest' });
export type FileBulkRequest = z.input<typeof fileBulkRequestSchema>;

export const orphanQuerySchema = z.object({
  /** Drive files younger than this are never called untracked (an upload may be finishing). */
  grace_minutes: z.coerce.number().int().min(0).max(7 * 24 * 60).default(60),
});

export const orphanReportSchema = z
  .object({
    accounts: z.array(
      z.object({
        account_id: z.string(),
        label: z.string(),
        checked: z.boolean(),
        error: z.string().nullable(),
        missing_on_drive: z
          .array(
            z.object({
              file_id: z.string(),
              filename: z.string(),
              drive_file_id: z.string(),
              size: bytes,
              backup_status: backupStatusSchema,
            }),
          )
          .describe('Completed records whose Drive file is gone'),
        untracked_on_drive: z
          .array(z.object({ drive_file_id: z.string(), name: z.string(), size: bytes.nullable(), created_time: z.string().nullable() }))
          .describe("Files in the account's folder that no record points to"),
      }),
    ),
    totals: z.object({ missing_on_drive: z.number().int(), untracked_on_drive: z.number().int() }),
    generated_at: isoDate,
  })
  .meta({ id: 'AdminOrphanReport' });
export type OrphanReport = z.infer<typeof orphanReportSchema>;

export const orphanCleanupRequestSchema = z
  .strictObject({
    /** Delete Drive files no record points to. */
    delete_untracked: z.boolean().default(true),
    /** Records whose Drive file is gone and that have no backup copy are marked deleted. */
    close_missing: z.boolean().default(true),
    grace_minutes: z.number().int().min(0).max(7 * 24 * 60).default(60),
  })
  .meta({ id: 'AdminOrphanCleanupRequest' });
export type OrphanCleanupRequest = z.input<typeof orphanCleanupRequestSchema>;

export const orphanCleanupResponseSchema = z
  .object({
    untracked_deleted: z.number().int(),
    missing_closed: z.number().int().describe('Records marked deleted (no copy left anywhere)'),
    missing_kept: z.array(z.string()).describe('Records kept because their backup copy still serves them'),
    errors: z.array(z.object({ account_id: z.string(), message: z.string() })),
  })
  .meta({ id: 'AdminOrphanCleanup' });
export type OrphanCleanup = z.infer<typeof orphanCleanupResponseSchema>;

// --------------------------------------------------------- storage accounts

export const adminStorageAccountSchema = z
  .object({
    id: z.string(),
    label: z.string(),
    email: z.string(),
    kind: z.enum(['oauth', 'service_account']),
    folder_id: z.string().nullable(),
    enabled: z.boolean(),
    health: z.enum(['healthy', 'degraded', 'unhealthy']),
    last_error: z.string().nullable(),
    last_checked_at: isoDate.nullable(),
    consecutive_failures: z.number().int(),
    rate_limited_until: isoDate.nullable(),
    unlimited: z.boolean().describe('Drive reports no storage limit'),
    quota_bytes: bytes.nullable().describe('null when unlimited'),
    usage_bytes: bytes.describe('Drive usage as last refreshed, plus uploads committed since'),
    reserved_bytes: bytes.describe('Held by uploads in flight'),
    free_bytes: bytes,
    daily_uploaded_bytes: bytes,
    files_count: z.number().int().describe('Completed files stored on this account'),
    stored_bytes: bytes.describe('Sum of the sizes of those files'),
    created_at: isoDate,
  })
  .meta({ id: 'AdminStorageAccount' });
export type AdminStorageAccount = z.infer<typeof adminStorageAccountSchema>;

export const adminStorageListResponseSchema = z
  .object({
    accounts: z.array(adminStorageAccountSchema),
    totals: z.object({
      accounts: z.number().int(),
      enabled: z.number().int(),
      healthy: z.number().int(),
      quota_bytes: bytes.describe('Sum over accounts with a limit'),
      usage_bytes: bytes,
      reserved_bytes: bytes,
      free_bytes: bytes.describe('Sum over enabled accounts with a limit'),
      files_count: z.number().int(),
      stored_bytes: bytes,
    }),
  })
  .meta({ id: 'AdminStorageList' });
export type AdminStorageList = z.infer<typeof adminStorageListResponseSchema>;

export const addStorageAccountRequestSchema = z
  .strictObject({
    label: z.string().trim().min(1).max(100).optional(),
    credential: z.discriminatedUnion('kind', [
      z.strictObject({
        kind: z.literal('oauth'),
        client_id: z.string().min(1).max(512),
        client_secret: z.string().min(1).max(512),
        refresh_token: z.string().min(1).max(4096),
      }),
      z.strictObject({
        kind: z.literal('service_account'),
        /** The key file: its text or the parsed object. */
        key_json: z.union([z.string().min(2).max(20_000), z.record(z.string(), z.unknown())]),
        /** Domain-wide delegation: the Workspace user to act as. */
        subject: z.email().optional(),
      }),
    ]),
  })
  .meta({ id: 'AdminAddStorageAccountRequest' });
export type AddStorageAccountRequest = z.input<typeof addStorageAccountRequestSchema>;

export const removeStorageAccountQuerySchema = z.object({ force: queryBool.default(false) });

export const storageAccountRemovalSchema = z
  .object({
    account_id: z.string(),
    removed: z.literal(true),
    uploads_cancelled: z.number().int(),
    served_from_backup: z
      .array(z.object({ file_id: z.string(), filename: z.string() }))
      .describe('Completed files that will now be served from their WebDAV copy only'),
    lost: z.array(z.object({ file_id: z.string(), filename: z.string() })).describe('Completed files without a backup copy: no longer downloadable'),
    message: z.string(),
  })
  .meta({ id: 'AdminStorageAccountRemoval' });
export type StorageAccountRemoval = z.infer<typeof storageAccountRemovalSchema>;

export const deleteAllFilesResponseSchema = z
  .object({
    account_id: z.string(),
    files_deleted: z.number().int(),
    purges_queued: z.number().int().describe('The worker removes their Drive and WebDAV copies'),
    uploads_cancelled: z.number().int(),
    untracked_deleted: z.number().int().describe('Drive files in the folder that no record pointed to'),
  })
  .meta({ id: 'AdminDeleteAllFiles' });
export type DeleteAllFiles = z.infer<typeof deleteAllFilesResponseSchema>;

// ------------------------------------------------------------------ backups

export const backupSummarySchema = z
  .object({
    enabled: z.boolean(),
    target: z.string().nullable().describe('WebDAV URL and prefix, without credentials'),
    counts: z.object({
      none: z.number().int(),
      queued: z.number().int(),
      in_progress: z.number().int(),
      completed: z.number().int(),
      failed: z.number().int(),
    }),
    last_success_at: isoDate.nullable(),
    last_failure: z.object({ file_id: z.string(), filename: z.string(), reason: z.string().nullable(), at: isoDate }).nullable(),
    queue: z.object({
      waiting: z.number().int(),
      active: z.number().int(),
      delayed: z.number().int(),
      failed: z.number().int(),
      depth: z.number().int().describe('waiting + active + delayed'),
    }),
    webdav: z
      .object({ reachable: z.boolean(), ok: z.boolean(), latency_ms: z.number().int(), error: z.string().nullable() })
      .nullable(),
    quota: z.object({ used_bytes: bytes, available_bytes: bytes.nullable() }).nullable().describe('null when the server reports none'),
  })
  .meta({ id: 'AdminBackupSummary' });
export type BackupSummary = z.infer<typeof backupSummarySchema>;

export const failedBackupsQuerySchema = z.object({ page, limit: limitOf(200, 50) });

export const failedBackupListSchema = z
  .object({
    items: z.array(
      z.object({
        file_id: z.string(),
        filename: z.string(),
        size: bytes,
        reason: z.string().nullable(),
        attempts: z.number().int(),
        failed_at: isoDate,
      }),
    ),
    total: z.number().int(),
    page: z.number().int(),
    limit: z.number().int(),
    total_pages: z.number().int(),
  })
  .meta({ id: 'AdminFailedBackups' });
export type FailedBackupList = z.infer<typeof failedBackupListSchema>;

export const backupBatchResponseSchema = z
  .object({
    queued: z.number().int(),
    skipped: z.number().int().describe('Already queued or running'),
    remaining: z.number().int().describe('Left for another call (each call handles a bounded batch)'),
  })
  .meta({ id: 'AdminBackupBatch' });
export type BackupBatch = z.infer<typeof backupBatchResponseSchema>;
