import type { Exchange } from './exchange';

export type RouteName =
  | 'token'
  | 'oauth.authorize'
  | 'oauth.userinfo'
  | 'oauth.certs'
  | 'oauth.discovery'
  | 'upload.resumable.initiate'
  | 'upload.resumable.chunk'
  | 'upload.resumable.status'
  | 'upload.resumable.cancel'
  | 'upload.multipart'
  | 'upload.media'
  | 'upload.invalid'
  | 'files.create'
  | 'files.get'
  | 'files.download'
  | 'files.update'
  | 'files.delete'
  | 'files.list'
  | 'about.get'
  | 'control'
  | 'not_found';

/** How a route authenticates: bearer token, resumable session (token optional), or not at all. */
export type RouteAuth = 'none' | 'bearer' | 'session';

export interface ResolvedRoute {
  name: RouteName;
  auth: RouteAuth;
  fileId: string | null;
  uploadId: string | null;
}

const UPLOAD_PATH = /^\/(?:resumable\/)?upload\/drive\/v3\/files(?:\/([^/]+))?\/?$/;
const FILE_PATH = /^\/drive\/v3\/files\/([^/]+)\/?$/;

function route(name: RouteName, auth: RouteAuth, fileId: string | null = null, uploadId: string | null = null): ResolvedRoute {
  return { name, auth, fileId, uploadId };
}

/** Maps a request to the Drive/OAuth operation it is, mirroring Google's URL layout. */
export function resolveRoute(ex: Exchange): ResolvedRoute {
  const path = ex.url.pathname;
  const method = ex.method;

  if (path === '/__emulator' || path.startsWith('/__emulator/')) return route('control', 'none');
  if ((path === '/token' || path === '/oauth2/v4/token') && method === 'POST') return route('token', 'none');
  if ((path === '/o/oauth2/v2/auth' || path === '/o/oauth2/auth') && method === 'GET') return route('oauth.authorize', 'none');
  if (['/oauth2/v3/userinfo', '/oauth2/v2/userinfo', '/v1/userinfo'].includes(path) && (method === 'GET' || method === 'POST')) {
    return route('oauth.userinfo', 'bearer');
  }
  if ((path === '/oauth2/v3/certs' || path === '/oauth2/v1/certs') && method === 'GET') return route('oauth.certs', 'none');
  if (path === '/.well-known/openid-configuration' && method === 'GET') return route('oauth.discovery', 'none');

  const upload = UPLOAD_PATH.exec(path);
  if (upload) {
    const fileId = upload[1] ? decodeURIComponent(upload[1]) : null;
    const uploadId = ex.query('upload_id');
    if (uploadId) {
      if (method === 'PUT' || method === 'POST') {
        const range = ex.header('content-range') ?? '';
        const isStatus = /^bytes\s+\*\//i.test(range.trim());
        return route(isStatus ? 'upload.resumable.status' : 'upload.resumable.chunk', 'session', fileId, uploadId);
      }
      if (method === 'DELETE') return route('upload.resumable.cancel', 'session', fileId, uploadId);
      return route('not_found', 'none');
    }
    if ((method === 'POST' && !fileId) || (method === 'PATCH' && fileId)) {
      switch (ex.query('uploadType')) {
        case 'resumable':
          return route('upload.resumable.initiate', 'bearer', fileId);
        case 'multipart':
          return route('upload.multipart', 'bearer', fileId);
        case 'media':
          return route('upload.media', 'bearer', fileId);
        default:
          return route('upload.invalid', 'bearer', fileId);
      }
    }
    return route('not_found', 'none');
  }

  if (path === '/drive/v3/files' || path === '/drive/v3/files/') {
    if (method === 'GET') return route('files.list', 'bearer');
    if (method === 'POST') return route('files.create', 'bearer');
    return route('not_found', 'none');
  }
  const file = FILE_PATH.exec(path);
  if (file) {
    const fileId = decodeURIComponent(file[1]);
    if (method === 'GET') return route(ex.query('alt') === 'media' ? 'files.download' : 'files.get', 'bearer', fileId);
    if (method === 'PATCH') return route('files.update', 'bearer', fileId);
    if (method === 'DELETE') return route('files.delete', 'bearer', fileId);
    return route('not_found', 'none');
  }
  if ((path === '/drive/v3/about' || path === '/drive/v3/about/') && method === 'GET') return route('about.get', 'bearer');
  return route('not_found', 'none');
}
