import { ADMIN_ROLES, canAssignRole, canModerate, getPermissions, hasPermissions, isAdminRole, Permission, Role } from './permissions';

const SUPERADMIN_ONLY = [
  Permission.manageRoles,
  Permission.createAdmins,
  Permission.destructiveStorage,
  Permission.addStorage,
  Permission.manageSettings,
  Permission.purgeLogs,
  Permission.deleteNotifications,
];

describe('roles and permissions', () => {
  it('gives regular users no admin permission', () => {
    expect(getPermissions(Role.regular)).toEqual([]);
    expect(isAdminRole(Role.regular)).toBe(false);
    expect(ADMIN_ROLES).toEqual(['admin', 'superadmin']);
  });

  it('gives admins day-to-day administration but nothing superadmin-only', () => {
    const admin = getPermissions(Role.admin);
    expect(admin).toEqual(
      expect.arrayContaining([Permission.viewAdminPanel, Permission.moderateUsers, Permission.manageFiles, Permission.manageStorage, Permission.manageBackups]),
    );
    for (const p of SUPERADMIN_ONLY) expect({ p, granted: admin.includes(p) }).toEqual({ p, granted: false });
  });

  it('gives superadmins every permission', () => {
    expect(new Set(getPermissions(Role.superadmin))).toEqual(new Set(Object.values(Permission)));
    expect(hasPermissions(Role.superadmin, SUPERADMIN_ONLY)).toBe(true);
  });

  it('requires every listed permission', () => {
    expect(hasPermissions(Role.admin, [Permission.viewUsers, Permission.viewFiles])).toBe(true);
    expect(hasPermissions(Role.admin, [Permission.viewUsers, Permission.createAdmins])).toBe(false);
    expect(hasPermissions(Role.regular, [])).toBe(true);
    expect(hasPermissions('bogus' as Role, [Permission.viewAdminPanel])).toBe(false);
  });

  it('returns a copy callers cannot use to grant themselves more', () => {
    getPermissions(Role.admin).push(Permission.createAdmins);
    expect(getPermissions(Role.admin)).not.toContain(Permission.createAdmins);
  });

  it('lets only a superadmin grant or revoke admin roles, and nobody demote a superadmin', () => {
    expect(canAssignRole(Role.admin, Role.regular, Role.admin)).toBe(false);
    expect(canAssignRole(Role.admin, Role.regular, Role.superadmin)).toBe(false);
    expect(canAssignRole(Role.admin, Role.admin, Role.regular)).toBe(false);
    expect(canAssignRole(Role.regular, Role.regular, Role.admin)).toBe(false);
    expect(canAssignRole(Role.superadmin, Role.regular, Role.admin)).toBe(true);
    expect(canAssignRole(Role.superadmin, Role.admin, Role.superadmin)).toBe(true);
    expect(canAssignRole(Role.superadmin, Role.admin, Role.regular)).toBe(true);
    expect(canAssignRole(Role.superadmin, Role.superadmin, Role.admin)).toBe(false);
    expect(canAssignRole(Role.superadmin, Role.admin, Role.admin)).toBe(false);
  });

  it('lets admins moderate regular users only, superadmins also admins, nobody a superadmin', () => {
    expect(canModerate(Role.admin, Role.regular)).toBe(true);
    expect(canModerate(Role.admin, Role.admin)).toBe(false);
    expect(canModerate(Role.admin, Role.superadmin)).toBe(false);
    expect(canModerate(Role.superadmin, Role.admin)).toBe(true);
    expect(canModerate(Role.superadmin, Role.superadmin)).toBe(false);
    expect(canModerate(Role.regular, Role.regular)).toBe(false);
  });
});
