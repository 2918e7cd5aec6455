import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { GoogleApiError, googleErrors } from '../core/google-error';
import { MalformedMultipartError } from '../core/multipart-related-parser';
import { armContentFault } from '../faults/content-faults';
import type { QueuedFault } from '../faults/fault-types';
import { getAbout } from '../handlers/about.handler';
import { controlEndpoint } from '../handlers/control.handler';
import { downloadFile } from '../handlers/download.handler';
import { createFile, deleteFile, getFile, listFiles, updateFile } from '../handlers/files.handler';
import { OAuthError } from '../handlers/oauth-error';
import {
  cancelResumableUpload,
  initiateResumableUpload,
  receiveResumableChunk,
} from '../handlers/resumable-upload.handler';
import { authorizeEndpoint, certsEndpoint, discoveryEndpoint, userinfoEndpoint } from '../handlers/sign-in.handler';
import { invalidUploadType, mediaUpload, multipartUpload } from '../handlers/simple-upload.handler';
import { tokenEndpoint } from '../handlers/token.handler';
import type { EmulatorServices } from '../services/emulator-services';
import type { ApiContext, ApiHandler } from './api-context';
import { BodyTooLargeError, ConnectionDroppedError, Exchange } from './exchange';
import { paceChunk, roundTrip } from './network-profile';
import { resolveRoute, type RouteName } from './routes';

const HANDLERS: Record<Exclude<RouteName, 'control'>, ApiHandler> = {
  token: tokenEndpoint,
  'oauth.authorize': authorizeEndpoint,
  'oauth.userinfo': userinfoEndpoint,
  'oauth.certs': certsEndpoint,
  'oauth.discovery': discoveryEndpoint,
  'upload.resumable.initiate': initiateResumableUpload,
  'upload.resumable.chunk': receiveResumableChunk,
  'upload.resumable.status': receiveResumableChunk,
  'upload.resumable.cancel': cancelResumableUpload,
  'upload.multipart': multipartUpload,
  'upload.media': mediaUpload,
  'upload.invalid': invalidUploadType,
  'files.create': createFile,
  'files.get': getFile,
  'files.download': downloadFile,
  'files.update': updateFile,
  'files.delete': deleteFile,
  'files.list': listFiles,
  'about.get': getAbout,
  not_found: async (ctx) => {
    await ctx.ex.drain();
    throw googleErrors.notFound();
  },
};

const CONTENT_ROUTES: RouteName[] = ['upload.resumable.chunk', 'upload.multipart', 'upload.media'];

export interface RequestHandlerOptions {
  /** Used for Location headers when neither config.publicUrl nor a Host header is there. */
  fallbackBaseUrl: () => string;
  verbose: boolean;
}

export function createRequestHandler(services: EmulatorServices, options: RequestHandlerOptions): RequestListener {
  return (req, res) => {
    // Errors on either side surface through the body iterator / pipeline; unhandled
    // 'error' events must not crash the emulator.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    void handle(services, options, req, res);
  };
}

async function handle(
  services: EmulatorServices,
  options: RequestHandlerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const host = req.headers.host;
  const baseUrl = normalizeBase(services.publicUrl ?? (host ? `http://${host}/` : options.fallbackBaseUrl()));
  const ex = new Exchange(req, res, baseUrl);
  const route = resolveRoute(ex);

  if (route.name === 'control') {
    try {
      await controlEndpoint(ex, services);
    } catch (err) {
      fail(ex, err);
    }
    return;
  }

  const started = Date.now();
  res.on('close', () => {
    const complete = res.writableFinished && !ex.dropped;
    services.stats.record(route.name, complete ? res.statusCode : 0, ex.bytesIn, ex.bytesOut);
    if (options.verbose) {
      process.stderr.write(`${ex.method} ${ex.url.pathname} ${route.name} -> ${complete ? res.statusCode : 'dropped'} ${Date.now() - started}ms\n`);
    }
  });

  const ctx: ApiContext = { ex, route, services, account: null, token: null, session: null, contentFaults: undefined };
  const socket = req.socket;
  ex.paceIn = (bytes) => paceChunk(services.network, socket, 'in', bytes);
  try {
    await roundTrip(services.network);
    authenticate(ctx);
    await applyFault(ctx);
    await HANDLERS[route.name](ctx);
  } catch (err) {
    if (err instanceof OAuthError) {
      await drainQuietly(ex);
      if (!res.headersSent) ex.sendJson(err.status, err.toBody());
      return;
    }
    if (err instanceof GoogleApiError) {
      await drainQuietly(ex);
      if (!res.headersSent && !ex.dropped) ex.sendGoogleError(err);
      return;
    }
    fail(ex, err);
  }
}

/** Resolves the bearer token (or the resumable session) to the account the request acts for. */
function authenticate(ctx: ApiContext): void {
  const { ex, route, services } = ctx;
  if (route.auth === 'none') return;
  const header = ex.header('authorization');
  const bearer = header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? null : null;
  if (header !== undefined) {
    ctx.token = bearer ? services.tokens.authenticate(bearer) : null;
    if (!ctx.token) throw googleErrors.invalidCredentials();
  }

  if (route.auth === 'session') {
    // The session URI itself authorises its chunks (Drive accepts them without a token);
    // a token that is sent must still be valid and belong to the session's account.
    ctx.session = services.sessions.find(route.uploadId);
    if (!ctx.session) return;
    const account = services.state.accounts.get(ctx.session.accountId) ?? null;
    if (!account || account.revoked) throw googleErrors.invalidCredentials();
    if (ctx.token && (ctx.token.principal.kind !== 'account' || ctx.token.principal.accountId !== account.id)) {
      ctx.session = null;
      return;
    }
    ctx.account = account;
    return;
  }

  if (!ctx.token) throw googleErrors.missingCredentials();
  if (ctx.token.principal.kind === 'account') {
    ctx.account = services.state.accounts.get(ctx.token.principal.accountId) ?? null;
  } else if (route.name !== 'oauth.userinfo') {
    // A sign-in token carries no Drive scope.
    throw googleErrors.forbidden('insufficientPermissions', 'Request had insufficient authentication scopes.');
  }
}

async function applyFault(ctx: ApiContext): Promise<void> {
  const { ex, route, services } = ctx;
  const fault = services.faults.take({
    route: route.name,
    method: ex.method,
    path: ex.url.pathname,
    accountId: ctx.account?.id ?? null,
    accountEmail: ctx.account?.email ?? null,
    hasSession: route.uploadId !== null,
    carriesContent: CONTENT_ROUTES.includes(route.name),
  });
  if (!fault) return;
  services.stats.faultInjected();
  const spec = fault.spec;
  switch (spec.kind) {
    case 'delay':
      await new Promise((resolve) => setTimeout(resolve, spec.delayMs ?? 1000));
      return;
    case 'drop_request':
      if (!ex.hasBody) {
        ex.dropConnection();
        throw new ConnectionDroppedError();
      }
      ex.cutRequestAfter(spec.afterBytes ?? 0);
      return;
    case 'drop_response':
      ex.cutResponseAfter(spec.afterBytes ?? 0);
      return;
    case 'lose_session':
      if (route.uploadId) await services.sessions.forget(route.uploadId);
      ctx.session = null;
      // Google documents 404 and 410 for an upload that must be restarted.
      if (spec.status === 410) throw googleErrors.sessionGone();
      return;
    case 'short_commit':
      ctx.shortCommit = spec.afterBytes ?? -1;
      return;
    case 'corrupt_bytes':
    case 'wrong_md5':
      // A session keeps the fault until it stores its file, which may be chunks later.
      if (ctx.session) {
        ctx.session.contentFaults = armContentFault(ctx.session.contentFaults, spec);
        services.state.changed();
      } else {
        ctx.contentFaults = armContentFault(ctx.contentFaults, spec);
      }
      return;
    default:
      throw faultError(fault);
  }
}

function faultError(fault: QueuedFault): GoogleApiError {
  const spec = fault.spec;
  let err: GoogleApiError;
  switch (spec.kind) {
    case 'server_error':
      err = googleErrors.serverError(spec.status ?? 500);
      err.bodyShape = spec.body ?? 'json';
      break;
    case 'user_rate_limit':
      err = googleErrors.userRateLimitExceeded();
      break;
    case 'rate_limit':
      err = googleErrors.rateLimitExceeded(403);
      break;
    case 'too_many_requests':
      err = googleErrors.rateLimitExceeded(429);
      break;
    case 'daily_limit':
      err = googleErrors.dailyLimitExceeded();
      break;
    case 'upload_cap':
      err = googleErrors.uploadCapExceeded();
      break;
    case 'storage_quota':
      err = googleErrors.storageQuotaExceeded();
      break;
    default:
      err = googleErrors.invalidCredentials();
  }
  if (spec.retryAfterSeconds !== undefined) err.headers['Retry-After'] = String(spec.retryAfterSeconds);
  return err;
}

async function drainQuietly(ex: Exchange): Promise<void> {
  try {
    await ex.drain();
  } catch {
    // the client went away; nothing left to answer
  }
}

/** Anything that is not a Google-shaped answer: a cut connection, a bad body, or a bug. */
function fail(ex: Exchange, err: unknown): void {
  if (err instanceof ConnectionDroppedError || ex.dropped) return;
  if (ex.req.socket.destroyed) return; // the client hung up
  if (ex.res.headersSent) {
    ex.res.destroy();
    return;
  }
  if (err instanceof MalformedMultipartError || err instanceof BodyTooLargeError) {
    ex.sendGoogleError(googleErrors.badRequest((err as Error).message));
    return;
  }
  process.stderr.write(`gdrive-emulator: internal error on ${ex.method} ${ex.url.pathname}: ${(err as Error)?.stack ?? String(err)}\n`);
  ex.sendGoogleError(googleErrors.serverError(500));
}

function normalizeBase(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
