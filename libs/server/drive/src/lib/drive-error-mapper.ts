import { DriveError, type DriveErrorKind } from './drive-error';
import { headerOf, parseRetryAfter } from './response-headers';

interface GoogleErrorBody {
  error?:
    | string
    | { code?: number; message?: string; errors?: Array<{ reason?: string; domain?: string; message?: string }> };
  error_description?: string;
}

interface TransportErrorShape {
  response?: { status?: unknown; headers?: unknown; data?: unknown };
  code?: unknown;
  errno?: unknown;
  cause?: unknown;
  name?: unknown;
  message?: unknown;
  type?: unknown;
}

/** Reason Drive uses for the 750 GB/day cap, told apart from per-minute limits by its message. */
const UPLOAD_CAP_MESSAGE = 'User rate limit exceeded.';
const REVOKED_OAUTH_ERRORS = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client']);

/**
 * Turns whatever gaxios / google-auth-library / the stream layer threw into a DriveError.
 * Builds its own message: transport messages embed request URLs (session URIs).
 */
export function toDriveError(err: unknown, operation: string): DriveError {
  if (err instanceof DriveError) return err;
  const e = (err ?? {}) as TransportErrorShape;
  const response = e.response;
  if (!response || typeof response.status !== 'number') {
    const code = networkCode(e);
    if (code) {
      return new DriveError({
        kind: 'transient',
        operation,
        status: null,
        reason: code,
        message: `Drive ${operation} failed: connection error (${code})`,
      });
    }
    // Not the network: a bug or misconfiguration on this side. Retrying will not help,
    // and hiding it as "connection error" would send operators looking in the wrong place.
    const detail = typeof e.message === 'string' ? withoutUrls(e.message) : 'unknown error';
    return new DriveError({
      kind: 'bad_request',
      operation,
      status: null,
      reason: 'client_error',
      message: `Drive ${operation} failed before reaching Drive: ${detail}`,
    });
  }

  const status = response.status;
  // A streamed request's error body is read by gaxios, which keeps its text only as the
  // cause's message; without it a refused download would lose Google's reason.
  const causeText = (e.cause as TransportErrorShape | undefined)?.message;
  const body = parseBody(response.data) ?? (typeof causeText === 'string' ? parseBody(causeText) : null);
  if (typeof body?.error === 'string') {
    // The token endpoint answers OAuth-style errors: {error, error_description}.
    const oauthError = body.error;
    const kind: DriveErrorKind = REVOKED_OAUTH_ERRORS.has(oauthError)
      ? 'auth_revoked'
      : status >= 500
        ? 'transient'
        : status === 429
          ? 'rate_limited'
          : 'bad_request';
    return new DriveError({
      kind,
      operation,
      status,
      reason: oauthError,
      message: `Drive ${operation} failed: token endpoint answered ${status} ${oauthError}${body.error_description ? ` (${withoutUrls(body.error_description)})` : ''}`,
    });
  }

  const google = body?.error;
  const reason = google?.errors?.[0]?.reason ?? null;
  const googleMessage = google?.message ?? google?.errors?.[0]?.message ?? null;
  const kind = classify(status, reason, googleMessage);
  const retryAfterMs = parseRetryAfter(headerOf(response.headers, 'retry-after'));
  return new DriveError({
    kind,
    operation,
    status,
    reason,
    retryAfterMs,
    message: `Drive ${operation} failed: ${status}${reason ? ` ${reason}` : ''}${googleMessage ? `: ${withoutUrls(googleMessage)}` : ''}`,
  });
}

function classify(status: number, reason: string | null, message: string | null): DriveErrorKind {
  if (status === 401) return 'auth_revoked';
  // An upload session Drive no longer knows answers 404 or 410: either way, "restart the upload".
  if (status === 404 || status === 410) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status === 408 || status >= 500) return 'transient';
  if (status === 403) {
    if (reason === 'storageQuotaExceeded') return 'storage_full';
    if (reason === 'dailyLimitExceeded' || reason === 'quotaExceeded') return 'daily_cap';
    if (reason === 'userRateLimitExceeded' && message === UPLOAD_CAP_MESSAGE) return 'daily_cap';
    if (reason === 'userRateLimitExceeded' || reason === 'rateLimitExceeded') return 'rate_limited';
  }
  return 'bad_request';
}

function parseBody(data: unknown): GoogleErrorBody | null {
  if (typeof data === 'string') {
    try {
      return JSON.parse(data) as GoogleErrorBody;
    } catch {
      return null;
    }
  }
  return data && typeof data === 'object' ? (data as GoogleErrorBody) : null;
}

// Errno codes (ECONNRESET, EAI_AGAIN…) but not Node's own ERR_* codes: those name
// programming errors (ERR_INVALID_URL, ERR_INVALID_ARG_TYPE), bar a premature close.
const NETWORK_CODES = /^(E(?!RR_)[A-Z0-9_]+|UND_ERR_[A-Z_]+|ERR_STREAM_PREMATURE_CLOSE|TimeoutError|AbortError)$/;

/** A short, URL-free name for a network failure (ECONNRESET, socket_hang_up, …); null if it is none. */
function networkCode(e: TransportErrorShape): string | null {
  const cause = e.cause as TransportErrorShape | undefined;
  for (const candidate of [e.code, cause?.code, e.errno, cause?.name]) {
    if (typeof candidate === 'string' && NETWORK_CODES.test(candidate)) return candidate;
  }
  const message = `${typeof e.message === 'string' ? e.message : ''} ${typeof cause?.message === 'string' ? cause.message : ''}`;
  if (/socket hang up/i.test(message)) return 'socket_hang_up';
  if (/premature close/i.test(message)) return 'premature_close';
  if (/\baborted\b/i.test(message)) return 'aborted';
  if (/timeout|timed out/i.test(message) || e.name === 'TimeoutError') return 'timeout';
  if (e.type === 'system' || cause?.type === 'system') return 'network_error';
  return null;
}

/** Error texts of transports embed request URLs; session URIs are secrets. */
function withoutUrls(text: string): string {
  return text.replace(/\bhttps?:\/\/\S+/gi, '<url>');
}
