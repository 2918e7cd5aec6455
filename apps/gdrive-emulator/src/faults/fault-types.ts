/**
 * What a queued fault does to the request it hits.
 * - server_error: answer `status` (500 default, or 502/503/504) with Google's error JSON
 * - user_rate_limit: 403 userRateLimitExceeded "User Rate Limit Exceeded"
 * - rate_limit: 403 rateLimitExceeded (project rate)
 * - too_many_requests: 429 rateLimitExceeded
 * - daily_limit: 403 dailyLimitExceeded (project's queries-per-day cap)
 * - upload_cap: 403 userRateLimitExceeded "User rate limit exceeded." (750 GB/day cap)
 * - storage_quota: 403 storageQuotaExceeded
 * - drop_request: read `afterBytes` of the request body, then cut the connection
 *   (a resumable chunk keeps the 256 KiB-aligned prefix that arrived, like Drive)
 * - drop_response: send headers and `afterBytes` of the response body, then cut
 * - delay: wait `delayMs`, then handle the request normally
 * - lose_session: forget the resumable session the request names → 404 now and later
 * - revoked_token: 401 authError, as for a revoked or expired access token
 */
export const FAULT_KINDS = [
  'server_error',
  'user_rate_limit',
  'rate_limit',
  'too_many_requests',
  'daily_limit',
  'upload_cap',
  'storage_quota',
  'drop_request',
  'drop_response',
  'delay',
  'lose_session',
  'revoked_token',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  kind: FaultKind;
  /** For server_error: 500 (default), 502, 503 or 504. */
  status?: number;
  /** For drop_request / drop_response: bytes let through before the cut (default 0). */
  afterBytes?: number;
  /** For delay: milliseconds (default 1000). */
  delayMs?: number;
  /** For the rate-limit kinds: adds `Retry-After: <seconds>`. */
  retryAfterSeconds?: number;
  /** Account id or email the fault is limited to. */
  account?: string;
  /** Route name glob (`upload.resumable.chunk`, `files.*`) or path glob (`/drive/v3/*`). */
  route?: string;
  /** HTTP method the fault is limited to. */
  method?: string;
  /** How many matching requests it hits (default 1; -1 = until cleared). */
  count?: number;
}

export interface QueuedFault extends Required<Pick<FaultSpec, 'kind' | 'count'>> {
  id: string;
  spec: FaultSpec;
  hits: number;
}
