/** Stable action names in `activity_logs`; admin log views filter on them. */
export const ActivityAction = {
  userRegister: 'user.register',
  userLogin: 'user.login',
  userLoginFailed: 'user.login_failed',
  userLogout: 'user.logout',
  userPasswordChange: 'user.password_change',
  userPasswordResetRequest: 'user.password_reset_request',
  userPasswordReset: 'user.password_reset',
  userGoogleLogin: 'user.google_login',
  userGoogleLoginFailed: 'user.google_login_failed',
  adminLogin: 'admin.login',
  adminLoginFailed: 'admin.login_failed',
  adminLogout: 'admin.logout',
  adminCreateAdmin: 'admin.create_admin',
  adminPermissionDenied: 'admin.permission_denied',
  systemSuperadminCreated: 'system.superadmin_created',
} as const;
export type ActivityAction = (typeof ActivityAction)[keyof typeof ActivityAction];

export type ActorType = 'user' | 'admin' | 'system';
