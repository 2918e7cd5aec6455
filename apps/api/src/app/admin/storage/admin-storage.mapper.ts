import { AdminStorageAccount, AdminStorageList } from '@ddx/contracts';
import { FileUsage } from '@ddx/server-database';
import { DriveAccountView, UNLIMITED_QUOTA_BYTES } from '@ddx/server-drive';

const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** A pool account as admins see it (DriveAccountView never holds the credential). */
export function toAdminStorageAccount(a: DriveAccountView, usage: FileUsage = { count: 0, bytes: 0 }): AdminStorageAccount {
  const unlimited = a.quotaLimitBytes >= UNLIMITED_QUOTA_BYTES;
  return {
    id: a._id,
    label: a.label,
    email: a.email,
    kind: a.kind,
    folder_id: a.folderId ?? null,
    enabled: a.enabled,
    health: a.health,
    last_error: a.lastError ?? null,
    last_checked_at: iso(a.lastCheckedAt),
    consecutive_failures: a.consecutiveFailures ?? 0,
    rate_limited_until: iso(a.rateLimitedUntil),
    unlimited,
    quota_bytes: unlimited ? null : a.quotaLimitBytes,
    usage_bytes: a.quotaUsageBytes,
    reserved_bytes: a.reservedBytes ?? 0,
    free_bytes: a.freeBytes,
    daily_uploaded_bytes: a.dailyUploadedBytes ?? 0,
    files_count: usage.count,
    stored_bytes: usage.bytes,
    created_at: new Date(a.createdAt).toISOString(),
  };
}

export function storageTotals(accounts: AdminStorageAccount[]): AdminStorageList['totals'] {
  const sum = (pick: (a: AdminStorageAccount) => number, list = accounts) => list.reduce((n, a) => n + pick(a), 0);
  const limited = accounts.filter((a) => !a.unlimited);
  return {
    accounts: accounts.length,
    enabled: accounts.filter((a) => a.enabled).length,
    healthy: accounts.filter((a) => a.health === 'healthy').length,
    quota_bytes: sum((a) => a.quota_bytes ?? 0, limited),
    usage_bytes: sum((a) => a.usage_bytes),
    reserved_bytes: sum((a) => a.reserved_bytes),
    free_bytes: sum((a) => Math.max(0, a.free_bytes), limited.filter((a) => a.enabled)),
    files_count: sum((a) => a.files_count),
    stored_bytes: sum((a) => a.stored_bytes),
  };
}
