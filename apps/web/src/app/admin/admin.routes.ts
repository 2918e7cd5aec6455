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
      { path: 'users/:id', title: 'User · Admin', canActivate: [requirePermission(Permission.viewUsers)], loadComponent: () => import('./users/admin-user-detail.page').then((m) => m.AdminUserDetailPage) },
      { path: 'files', title: 'Files · Admin', canActivate: [requirePermission(Permission.viewFiles)], loadComponent: () => import('./files/admin-files.page').then((m) => m.AdminFilesPage) },
      { path: 'files/:id', title: 'File · Admin', canActivate: [requirePermission(Permission.viewFiles)], loadComponent: () => import('./files/admin-file-detail.page').then((m) => m.AdminFileDetailPage) },
      { path: 'storage', title: 'Storage · Admin', canActivate: [requirePermission(Permission.viewStorage)], loadComponent: () => import('./storage/admin-storage.page').then((m) => m.AdminStoragePage) },
      { path: 'backups', title: 'Backups · Admin', canActivate: [requirePermission(Permission.viewBackups)], loadComponent: () => import('./backups/admin-backups.page').then((m) => m.AdminBackupsPage) },
      { path: 'reports', title: 'Reports · Admin', canActivate: [requirePermission(Permission.viewReports)], loadComponent: () => import('./reports/admin-reports.page').then((m) => m.AdminReportsPage) },
      { path: 'logs', title: 'Logs · Admin', canActivate: [requirePermission(Permission.viewActivityLogs)], loadComponent: () => import('./logs/admin-logs.page').then((m) => m.AdminLogsPage) },
      { path: 'admins', title: 'Create admin · Admin', canActivate: [requirePermission(Permission.createAdmins)], loadComponent: () => import('./admins/admin-create-admin.page').then((m) => m.AdminCreateAdminPage) },
      { path: 'notifications', title: 'Notifications · Admin', canActivate: [requirePermission(Permission.sendNotifications)], loadComponent: () => import('./notifications/admin-notifications.page').then((m) => m.AdminNotificationsPage) },
      { path: 'monitoring', title: 'Monitoring · Admin', loadComponent: () => import('./monitoring/admin-monitoring.page').then((m) => m.AdminMonitoringPage) },
      { path: 'settings', title: 'Settings · Admin', canActivate: [requirePermission(Permission.viewSettings)], loadComponent: () => import('./settings/admin-settings.page').then((m) => m.AdminSettingsPage) },
    ],
  },
];
