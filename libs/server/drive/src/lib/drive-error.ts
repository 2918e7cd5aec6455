/**
 * What went wrong, in the terms the pool and the upload flow act on:
 * - rate_limited: back off and retry (403 user/project rate, 429); see retryAfterMs
 * - daily_cap: the account cannot upload more today (750 GB cap, daily query limit)
 * - storage_full: the account's storage quota is exhausted
 * - auth_revoked: credentials no longer work (401, invalid_grant / invalid_client)
 * - not_found: file or upload session unknown (an expired session is 404 too)
 * - transient: 5xx or the connection broke; resume after a status query
 * - bad_request: anything else; retrying the same request will not help
 */
export type DriveErrorKind =
  | 'rate_limited'
  | 'daily_cap'
  | 'storage_full'
  | 'auth_revoked'
  | 'not_found'
  | 'transient'
  | 'bad_request';

export interface DriveErrorDetails {
  kind: DriveErrorKind;
  operation: string;
  /** HTTP status, or null when no response arrived. */
  status: number | null;
  /** Google's reason (`storageQuotaExceeded`…), the OAuth error, or a network code. */
  reason: string | null;
  retryAfterMs?: number | null;
  message: string;
}

/**
 * The one error type DriveClient throws. Its message never contains a session URI,
 * token or credential: it is safe to log and to store as an account's last error.
 * (The underlying transport error is deliberately not attached: it carries both.)
 */
export class DriveError extends Error {
  readonly kind: DriveErrorKind;
  readonly operation: string;
  readonly status: number | null;
  readonly reason: string | null;
  readonly retryAfterMs: number | null;

  constructor(details: DriveErrorDetails) {
    super(details.message);
    this.name = 'DriveError';
    this.kind = details.kind;
    this.operation = details.operation;
    this.status = details.status;
    this.reason = details.reason;
    this.retryAfterMs = details.retryAfterMs ?? null;
  }

  /** Whether the same request may succeed later (after backoff or a status query). */
  get retryable(): boolean {
    return this.kind === 'transient' || this.kind === 'rate_limited';
  }
}
