import { Route } from '@angular/router';
import { Permission } from '@ddx/contracts';

import { adminGuard, adminSignedOutGuard } from './core/admin.guard';
import { requirePermission } from './core/admin-permission.guard';

export const ADMIN_ROUTES: Route[] = [
  { path: 'login', title: 'Admin sign-in · DirectDriveX', canActivate: [adminSignedOutGuard], loadComponent: () => import('./login/admin-login.page').then((m) => m.AdminLoginPage) },
  {
    path: '',
    canActivate: [adminGuard],
    loadComponent: () => import('./shell/admin-shell.component').then((m) => m.AdminShellComponent),
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'dashboard' },
      { path: 'dashboard', title: 'Admin · DirectDriveX', loadComponent: () => import('./dashboard/admin-dashboard.page').then((m) => m.AdminDashboardPage) },
      { path: 'users', title: 'Users · Admin', canActivate: [requirePermission(Permission.viewUsers)], loadComponent: () => import('./users/admin-users.page').then((m) => m.AdminUsersPage) },
      { path: 'storage', title: 'Storage · Admin', canActivate: [requirePermission(Permission.viewStorage)], loadComponent: () => import('./storage/admin-storage.page').then((m) => m.AdminStoragePage) },
      { path: 'backups', title: 'Backups · Admin', canActivate: [requirePermission(Permission.viewBackups)], loadComponent: () => import('./backups/admin-backups.page').then((m) => m.AdminBackupsPage) },
      { path: 'settings', title: 'Settings · Admin', canActivate: [requirePermission(Permission.viewSettings)], loadComponent: () => import('./settings/admin-settings.page').then((m) => m.AdminSettingsPage) },
    ],
  },
];
