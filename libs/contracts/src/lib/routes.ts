/** Path prefixes shared by the SPA, the api and the reverse proxy. */
export const API_PREFIX = '/api/v1';
export const WS_UPLOAD_PREFIX = '/ws_api';
export const WS_ADMIN_PATH = '/ws_admin';

export const ApiRoutes = {
  health: `${API_PREFIX}/health`,
} as const;
