import {
  addStorageAccountRequestSchema,
  adminFileListQuerySchema,
  AdminApiRoutes,
  adminUserListQuerySchema,
  fileBulkRequestSchema,
  removeStorageAccountQuerySchema,
  userBulkRequestSchema,
} from './admin.schema';
import { canResetPassword, getPermissions, Permission, Role } from './permissions';

describe('admin contracts', () => {
  it('lets a superadmin reset any password, an admin only regular users\'', () => {
    expect(canResetPassword(Role.admin, Role.regular)).toBe(true);
    expect(canResetPassword(Role.admin, Role.admin)).toBe(false);
    expect(canResetPassword(Role.admin, Role.superadmin)).toBe(false);
    expect(canResetPassword(Role.superadmin, Role.admin)).toBe(true);
    expect(canResetPassword(Role.superadmin, Role.superadmin)).toBe(true);
    expect(canResetPassword(Role.regular, Role.regular)).toBe(false);
  });

  it('gives admins backup reads but keeps destructive storage for superadmins', () => {
    expect(getPermissions(Role.admin)).toEqual(expect.arrayContaining([Permission.viewBackups, Permission.manageBackups, Permission.manageStorage]));
    expect(getPermissions(Role.admin)).not.toContain(Permission.destructiveStorage);
  });

  it('coerces and bounds list queries', () => {
    expect(adminUserListQuerySchema.parse({})).toMatchObject({ page: 1, limit: 20, sort_by: 'created_at', sort_order: 'desc' });
    expect(adminUserListQuerySchema.safeParse({ limit: '101' }).success).toBe(false);
    expect(adminFileListQuerySchema.parse({ quarantined: 'true', size_min: '10', date_to: '2024-05-01' })).toMatchObject({ quarantined: true, size_min: 10, date_to: '2024-05-01' });
    expect(adminFileListQuerySchema.safeParse({ quarantined: 'yes' }).success).toBe(false);
    expect(adminFileListQuerySchema.safeParse({ date_from: 'yesterday' }).success).toBe(false);
    expect(removeStorageAccountQuerySchema.parse({})).toEqual({ force: false });
    expect(removeStorageAccountQuerySchema.parse({ force: '1' })).toEqual({ force: true });
  });

  it('requires a reason to suspend, ban or quarantine in bulk, and caps the list', () => {
    const id = '0123456789abcdef01234567';
    expect(userBulkRequestSchema.safeParse({ ids: [id], action: 'ban' }).success).toBe(false);
    expect(userBulkRequestSchema.safeParse({ ids: [id], action: 'ban', reason: 'spam' }).success).toBe(true);
    expect(userBulkRequestSchema.safeParse({ ids: [id], action: 'delete' }).success).toBe(true);
    expect(userBulkRequestSchema.safeParse({ ids: Array(101).fill(id), action: 'delete' }).success).toBe(false);
    expect(userBulkRequestSchema.safeParse({ ids: ['nope'], action: 'delete' }).success).toBe(false);
    const file = '00000000-0000-4000-8000-000000000000';
    expect(fileBulkRequestSchema.safeParse({ ids: [file], action: 'quarantine' }).success).toBe(false);
    expect(fileBulkRequestSchema.safeParse({ ids: [file], action: 'release' }).success).toBe(true);
  });

  it('accepts the two credential kinds and nothing else', () => {
    const oauth = { kind: 'oauth', client_id: 'a', client_secret: 'b', refresh_token: 'c' };
    expect(addStorageAccountRequestSchema.safeParse({ credential: oauth }).success).toBe(true);
    expect(addStorageAccountRequestSchema.safeParse({ credential: { ...oauth, extra: 1 } }).success).toBe(false);
    expect(addStorageAccountRequestSchema.safeParse({ credential: { kind: 'service_account', key_json: { client_email: 'x' } } }).success).toBe(true);
    expect(addStorageAccountRequestSchema.safeParse({ credential: { kind: 'password', secret: 'x' } }).success).toBe(false);
  });

  it('declares static segments the SPA can call', () => {
    expect(AdminApiRoutes.usersExport).toBe('/api/v1/admin/users/export');
    expect(AdminApiRoutes.backupRetry('f')).toBe('/api/v1/admin/backups/failed/f/retry');
  });
});
