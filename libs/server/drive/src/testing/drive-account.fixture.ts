import type { DriveAccountDoc } from '../lib/pool/drive-account.schema';

/** A healthy, enabled account as `drive_accounts` stores it. */
export function driveAccount(overrides: Partial<DriveAccountDoc> = {}): DriveAccountDoc {
  return {
    _id: 'acc-1',
    label: 'Main',
    email: 'main@example.com',
    kind: 'oauth',
    credentialSealed: 'sealed:acc-1',
    folderId: 'folder-1',
    enabled: true,
    health: 'healthy',
    lastError: null,
    consecutiveFailures: 0,
    lastCheckedAt: null,
    quotaLimitBytes: 15 * 1000 ** 3,
    quotaUsageBytes: 0,
    reservedBytes: 0,
    freeBytes: 15 * 1000 ** 3,
    fullUntilRefresh: false,
    rateLimitedUntil: null,
    rateLimitStrikes: 0,
    dailyWindow: '2026-12-07',
    dailyUploadedBytes: 0,
    lastUsedAt: null,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}
