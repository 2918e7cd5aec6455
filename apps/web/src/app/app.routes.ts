import { Route } from '@angular/router';
import { WebRoutes } from '@ddx/contracts';

import { signedInGuard, signedOutGuard } from './core/auth.guards';

export const appRoutes: Route[] = [
  { path: '', pathMatch: 'full', loadChildren: () => import('./pages/home/home.routes').then((m) => m.HOME_ROUTES) },
  { path: 'how-it-works', loadChildren: () => import('./pages/how-it-works/how-it-works.routes').then((m) => m.HOW_IT_WORKS_ROUTES) },
  { path: 'download/:id', loadChildren: () => import('./pages/download/download.routes').then((m) => m.DOWNLOAD_ROUTES) },
  { path: 'batch/:id', loadChildren: () => import('./pages/batch/batch.routes').then((m) => m.BATCH_ROUTES) },
  // Links shared by the previous version of the product.
  { path: 'batch-download/:id', redirectTo: 'batch/:id' },
  { path: 'login', canActivate: [signedOutGuard], loadChildren: () => import('./pages/login/login.routes').then((m) => m.LOGIN_ROUTES) },
  { path: 'register', canActivate: [signedOutGuard], loadChildren: () => import('./pages/register/register.routes').then((m) => m.REGISTER_ROUTES) },
  { path: 'forgot-password', loadChildren: () => import('./pages/forgot-password/forgot-password.routes').then((m) => m.FORGOT_PASSWORD_ROUTES) },
  { path: WebRoutes.resetPassword.slice(1), loadChildren: () => import('./pages/reset-password/reset-password.routes').then((m) => m.RESET_PASSWORD_ROUTES) },
  { path: WebRoutes.verifyEmail.slice(1), loadChildren: () => import('./pages/verify-email/verify-email.routes').then((m) => m.VERIFY_EMAIL_ROUTES) },
  { path: WebRoutes.googleCallback.slice(1), loadChildren: () => import('./pages/google-callback/google-callback.routes').then((m) => m.GOOGLE_CALLBACK_ROUTES) },
  { path: 'dashboard', canActivate: [signedInGuard], loadChildren: () => import('./pages/dashboard/dashboard.routes').then((m) => m.DASHBOARD_ROUTES) },
  { path: 'profile', canActivate: [signedInGuard], loadChildren: () => import('./pages/profile/profile.routes').then((m) => m.PROFILE_ROUTES) },
  { path: 'admin', loadChildren: () => import('./admin/admin.routes').then((m) => m.ADMIN_ROUTES) },
  { path: '**', loadChildren: () => import('./pages/not-found/not-found.routes').then((m) => m.NOT_FOUND_ROUTES) },
];
