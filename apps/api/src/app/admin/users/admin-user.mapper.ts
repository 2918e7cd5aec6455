import { AdminUser, adminUserSchema } from '@ddx/contracts';
import { FileUsage } from '@ddx/server-database';

import { UserRecord } from '../../users/user.record';

const NO_FILES: FileUsage = { count: 0, bytes: 0 };

/**
 * A user as admins see it. Built field by field and parsed with the contract
 * schema (which drops anything else), so a hash can never leave the api.
 */
export function toAdminUser(user: UserRecord, usage: FileUsage = NO_FILES): AdminUser {
  return adminUserSchema.parse({
    id: user.id,
    email: user.email,
    role: user.role,
    status: user.status,
    status_reason: user.statusReason,
    name: user.name,
    has_password: Boolean(user.passwordHash),
    google_linked: Boolean(user.googleId),
    created_at: new Date(user.createdAt).toISOString(),
    last_login_at: user.lastLoginAt ? new Date(user.lastLoginAt).toISOString() : null,
    storage_quota_bytes: user.storageQuotaBytes,
    files_count: usage.count,
    storage_used_bytes: usage.bytes,
  });
}

/** Columns of the CSV export, in order (the JSON export uses the same keys). */
export const USER_EXPORT_COLUMNS: ReadonlyArray<keyof AdminUser> = [
  'id',
  'email',
  'role',
  'status',
  'status_reason',
  'name',
  'has_password',
  'google_linked',
  'created_at',
  'last_login_at',
  'storage_quota_bytes',
  'files_count',
  'storage_used_bytes',
];
