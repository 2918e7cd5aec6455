import { AdminProfile, adminProfileSchema, getPermissions, MeResponse, meResponseSchema, UserProfile, userProfileSchema } from '@ddx/contracts';

import { FileStats } from '../users/file-stats.repository';
import { UserRecord } from '../users/user.record';

/**
 * The only way a user leaves the api. Built field by field and parsed with
 * the contract schema (which strips anything else), so a hash or an internal
 * field cannot leak through a response.
 */
export function toUserProfile(user: UserRecord): UserProfile {
  return userProfileSchema.parse({
    id: user.id,
    email: user.email,
    role: user.role,
    status: user.status,
    name: user.name,
    picture: user.picture,
    has_password: Boolean(user.passwordHash),
    google_linked: Boolean(user.googleId),
    email_verified: user.emailVerified,
    created_at: user.createdAt.toISOString(),
    last_login_at: user.lastLoginAt?.toISOString() ?? null,
  });
}

export function toMeResponse(user: UserRecord, stats: FileStats): MeResponse {
  const quota = user.storageQuotaBytes;
  return meResponseSchema.parse({
    ...toUserProfile(user),
    member_since: user.createdAt.toISOString(),
    storage: {
      used_bytes: stats.totalBytes,
      quota_bytes: quota,
      remaining_bytes: Math.max(0, quota - stats.totalBytes),
      file_count: stats.fileCount,
      breakdown: stats.byCategory,
    },
  });
}

export function toAdminProfile(user: UserRecord): AdminProfile {
  return adminProfileSchema.parse({
    id: user.id,
    email: user.email,
    role: user.role,
    permissions: getPermissions(user.role),
    created_at: user.createdAt.toISOString(),
    last_login_at: user.lastLoginAt?.toISOString() ?? null,
  });
}
