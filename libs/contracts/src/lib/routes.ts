/** Path prefixes shared by the SPA, the api and the reverse proxy. */
export const API_PREFIX = '/api/v1';
export const WS_UPLOAD_PREFIX = '/ws_api';
export const WS_ADMIN_PATH = '/ws_admin';

export const ApiRoutes = {
  health: `${API_PREFIX}/health`,
  auth: {
    register: `${API_PREFIX}/auth/register`,
    token: `${API_PREFIX}/auth/token`,
    me: `${API_PREFIX}/auth/users/me`,
    changePassword: `${API_PREFIX}/auth/change-password`,
    forgotPassword: `${API_PREFIX}/auth/forgot-password`,
    resetPassword: `${API_PREFIX}/auth/reset-password`,
    logout: `${API_PREFIX}/auth/logout`,
    googleAuth: `${API_PREFIX}/auth/google/auth`,
    googleCallback: `${API_PREFIX}/auth/google/callback`,
    verifyEmail: `${API_PREFIX}/auth/verify-email`,
    verifyEmailResend: `${API_PREFIX}/auth/verify-email/resend`,
  },
  adminAuth: {
    token: `${API_PREFIX}/admin/auth/token`,
    me: `${API_PREFIX}/admin/auth/me`,
    verifyAdmin: `${API_PREFIX}/admin/auth/verify-admin`,
    createAdmin: `${API_PREFIX}/admin/auth/create-admin`,
    logout: `${API_PREFIX}/admin/auth/logout`,
  },
  /** Single-use tickets for opening WebSockets; tokens never travel in a socket URL. */
  wsTickets: {
    /** `POST`, upload token in `X-Upload-Token`; `:file_id` as in `upload_url`. */
    upload: `${API_PREFIX}/upload/:file_id/ticket`,
    /** `POST`, admin bearer token; the ticket opens WS_ADMIN_PATH. */
    adminLive: `${API_PREFIX}/admin/live/ticket`,
  },
} as const;

/** SPA pages the server links to (e-mails, OAuth redirects). */
export const WebRoutes = {
  /** `?token=` carries the password-reset token. */
  resetPassword: '/reset-password',
  /** `?token=` carries the e-mail verification token; the page posts it to ApiRoutes.auth.verifyEmail. */
  verifyEmail: '/verify-email',
  /** Google redirects here with `?code=&state=`; the page posts both to ApiRoutes.auth.googleCallback. */
  googleCallback: '/auth/google/callback',
} as const;
