import { z } from 'zod';

/**
 * Account roles. Regular users and admins share the `users` collection; the
 * role decides what an *admin token* may do (a user token never opens an
 * admin route, whatever the role).
 */
export const Role = {
  regular: 'regular',
  admin: 'admin',
  superadmin: 'superadmin',
} as const;
export type Role = (typeof Role)[keyof typeof Role];
export const roleSchema = z.enum([Role.regular, Role.admin, Role.superadmin]);

/** Roles that may sign in to the admin panel. */
export const ADMIN_ROLES: readonly Role[] = [Role.admin, Role.superadmin];

export function isAdminRole(role: Role): boolean {
  return ADMIN_ROLES.includes(role);
}

/**
 * What an admin token may do. Endpoints declare the permission they need
 * (`@RequirePermissions(Permission.manageStorage)`); the SPA hides what the
 * role cannot do with the same constants. Values are stable strings (they
 * travel in API responses), keys are for code.
 */
export const Permission = {
  /** Sign in to the admin panel, read dashboards and monitoring. */
  viewAdminPanel: 'admin.panel',
  /** List users and their files/usage. */
  viewUsers: 'users.read',
  /** Suspend, ban, re-activate, reset the password of, or edit the quota of a *regular* user. */
  moderateUsers: 'users.moderate',
  /** Grant or revoke admin roles (superadmin only). */
  manageRoles: 'users.roles',
  /** Create admin accounts (superadmin only). */
  createAdmins: 'admins.create',
  /** List and inspect files. */
  viewFiles: 'files.read',
  /** Delete, quarantine, re-backup single files. */
  manageFiles: 'files.manage',
  /** See Drive/WebDAV storage accounts and their health. */
  viewStorage: 'storage.read',
  /** Disable, re-check, refresh storage accounts; remove an empty one. */
  manageStorage: 'storage.manage',
  /**
   * Add a storage account or enable one again (superadmin only): every later
   * upload may land in that Google account, so whoever holds it can read them.
   */
  addStorage: 'storage.add',
  /**
   * Force-remove accounts that still hold files, delete-all-files, reset-all
   * usage (superadmin only). Removing an empty account needs manageStorage.
   */
  destructiveStorage: 'storage.destructive',
  /** See the backup summary, queue and failures. */
  viewBackups: 'backups.read',
  /** Trigger and retry backups. */
  manageBackups: 'backups.manage',
  /** Read the activity log. */
  viewActivityLogs: 'activity.read',
  /** Purge activity/log data (superadmin only). */
  purgeLogs: 'activity.purge',
  /** Create and send notifications. */
  sendNotifications: 'notifications.send',
  /** Delete notifications and templates (superadmin only). */
  deleteNotifications: 'notifications.delete',
  /** Run and export the predefined reports. */
  viewReports: 'reports.read',
  /** Read admin-editable settings. */
  viewSettings: 'settings.read',
  /** Change settings: registration, limits, password policy, maintenance (superadmin only). */
  manageSettings: 'settings.manage',
} as const;
export type Permission = (typeof Permission)[keyof typeof Permission];
export const permissionSchema = z.enum(Object.values(Permission) as [Permission, ...Permission[]]);

const ADMIN_PERMISSIONS: readonly Permission[] = [
  Permission.viewAdminPanel,
  Permission.viewUsers,
  Permission.moderateUsers,
  Permission.viewFiles,
  Permission.manageFiles,
  Permission.viewStorage,
  Permission.manageStorage,
  Permission.viewBackups,
  Permission.manageBackups,
  Permission.viewActivityLogs,
  Permission.sendNotifications,
  Permission.viewReports,
  Permission.viewSettings,
];

const PERMISSIONS_BY_ROLE: Record<Role, readonly Permission[]> = {
  [Role.regular]: [],
  [Role.admin]: ADMIN_PERMISSIONS,
  // Superadmin holds every permission, including the ones added later.
  [Role.superadmin]: Object.values(Permission),
};

/** Every admin permission of a role (empty for regular users). */
export function getPermissions(role: Role): Permission[] {
  return [...(PERMISSIONS_BY_ROLE[role] ?? [])];
}

export function hasPermissions(role: Role, required: readonly Permission[]): boolean {
  const granted = PERMISSIONS_BY_ROLE[role] ?? [];
  return required.every((p) => granted.includes(p));
}

/**
 * May `actor` moderate (suspend, ban, reset the password of, edit) an
 * account whose role is `target`? Admins act on regular users only; a
 * superadmin acts on regular users and admins. Nobody moderates a
 * superadmin through the API (use the CLI).
 */
export function canModerate(actor: Role, target: Role): boolean {
  if (!hasPermissions(actor, [Permission.moderateUsers])) return false;
  if (target === Role.regular) return true;
  return target === Role.admin && actor === Role.superadmin;
}

/**
 * May `actor` change an account's role from `from` to `to`? Every change
 * that grants or revokes an admin role needs `manageRoles` (superadmin), and
 * nobody demotes a superadmin through the API.
 */
export function canAssignRole(actor: Role, from: Role, to: Role): boolean {
  if (from === to) return false;
  if (from === Role.superadmin) return false;
  return hasPermissions(actor, [Permission.manageRoles]);
}

/**
 * May `actor` set a new password for an account whose role is `target`?
 * As canModerate, except that a superadmin may also reset another
 * superadmin's password (an admin never can).
 */
export function canResetPassword(actor: Role, target: Role): boolean {
  if (target === Role.superadmin) return actor === Role.superadmin;
  return canModerate(actor, target);
}
