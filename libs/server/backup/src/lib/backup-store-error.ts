/**
 * What went wrong, in terms the backup processor can act on:
 * - `unreachable`: connection refused/reset, DNS, timeout, 5xx — retry later.
 * - `auth`: 401/403 — the credentials (or the account's WebDAV access) need fixing.
 * - `insufficient_storage`: 507 — the Storage Box is full.
 * - `not_found`: 404.
 * - `conflict`: 409/412/423 — e.g. a missing parent collection or a lock.
 * - `source`: the stream handed to `put()` failed or had the wrong length.
 * - `protocol`: any other answer the store did not expect (400, 405, 411, 413, 416, a short file, …).
 */
export type BackupStoreErrorKind = 'unreachable' | 'auth' | 'insufficient_storage' | 'not_found' | 'conflict' | 'source' | 'protocol';

export interface BackupStoreErrorDetails {
  /** HTTP method, e.g. `PUT`. */
  operation: string;
  /** Path on the server (never the URL, never credentials). */
  path: string;
  status?: number;
  /** System error code such as `ECONNREFUSED` or `ETIMEDOUT`. */
  code?: string;
  cause?: unknown;
}

/**
 * The only error `BackupStore` throws. The message names the operation, the
 * path and the status or system error — never the server URL's credentials.
 */
export class BackupStoreError extends Error {
  readonly kind: BackupStoreErrorKind;
  readonly operation: string;
  readonly path: string;
  readonly status?: number;
  readonly code?: string;

  constructor(kind: BackupStoreErrorKind, reason: string, details: BackupStoreErrorDetails) {
    super(`WebDAV ${details.operation} ${details.path} failed (${kind}): ${reason}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'BackupStoreError';
    this.kind = kind;
    this.operation = details.operation;
    this.path = details.path;
    this.status = details.status;
    this.code = details.code;
  }

  /** Whether trying again later can succeed without anyone changing the configuration. */
  get retryable(): boolean {
    return this.kind === 'unreachable' || this.kind === 'source' || this.kind === 'insufficient_storage';
  }
}

/** The kind for an HTTP status the store did not expect. */
export function kindForStatus(status: number): BackupStoreErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 409 || status === 412 || status === 423) return 'conflict';
  if (status === 507) return 'insufficient_storage';
  if (status === 408 || status === 429 || status >= 500) return 'unreachable';
  return 'protocol';
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  status?: unknown;
  code?: unknown;
  errno?: unknown;
  type?: unknown;
  response?: { status?: unknown; statusText?: unknown; body?: unknown };
}

/**
 * Turns whatever the `webdav` client (node-fetch underneath) threw into a
 * BackupStoreError. The reason is rebuilt from status or error code rather than
 * copied, because node-fetch messages contain the request URL.
 */
export function toBackupStoreError(error: unknown, operation: string, path: string, timedOut = false): BackupStoreError {
  if (error instanceof BackupStoreError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const status = typeof e.status === 'number' ? e.status : typeof e.response?.status === 'number' ? e.response.status : undefined;
  discardBody(e.response?.body);
  if (status !== undefined) {
    const statusText = typeof e.response?.statusText === 'string' && e.response.statusText ? ` ${e.response.statusText}` : '';
    return new BackupStoreError(kindForStatus(status), `${status}${statusText}`, { operation, path, status, cause: error });
  }
  if (timedOut || e.name === 'AbortError' || e.name === 'TimeoutError') {
    return new BackupStoreError('unreachable', 'timed out', { operation, path, code: 'ETIMEDOUT', cause: error });
  }
  const code = typeof e.code === 'string' ? e.code : typeof e.errno === 'string' ? e.errno : undefined;
  if (code && (NETWORK_CODES.has(code) || e.type === 'system')) {
    return new BackupStoreError('unreachable', code, { operation, path, code, cause: error });
  }
  if (e.type === 'system' || e.name === 'FetchError') {
    return new BackupStoreError('unreachable', code ?? 'network error', { operation, path, code, cause: error });
  }
  return new BackupStoreError('protocol', code ?? (error instanceof Error ? error.name : 'unexpected error'), { operation, path, code, cause: error });
}

/** An unread error body would keep its keep-alive socket out of the pool. */
function discardBody(body: unknown): void {
  const stream = body as { resume?: () => void; on?: (event: string, fn: () => void) => void } | undefined;
  if (stream && typeof stream.resume === 'function') {
    stream.on?.('error', () => undefined);
    stream.resume();
  }
}
