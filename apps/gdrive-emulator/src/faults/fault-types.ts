/**
 * What a queued fault does to the request it hits.
 * - server_error: answer `status` (500 default, or 502/503/504) with Google's error JSON,
 *   or with the HTML page Google's front end sends (`body: 'html'`), or with no body
 *   (`body: 'empty'`): clients must treat every shape as transient
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
 * - short_commit: a resumable chunk is received whole but only a 256 KiB-aligned part of it
 *   is committed (`afterBytes`, rounded down; default: half of it), answered 308 with that
 *   shorter Range — Drive may commit less than it received without any connection error
 * - lose_session: forget the resumable session the request names → 404 now and later
 *   (`status: 410`: this request is answered 410 Gone, as Google may; later ones 404)
 * - revoked_token: 401 authError, as for a revoked or expired access token
 * - corrupt_bytes: the file the request uploads is stored with one byte flipped (XOR 0xff)
 *   at `offset` (default: a random byte), so later reads return other bytes than were
 *   sent; its md5Checksum is the MD5 of what was sent (`md5Of: 'sent'`, default: the
 *   corruption happened at rest, metadata cannot reveal it) or of what is stored
 *   (`md5Of: 'stored'`)
 * - wrong_md5: the file is stored byte-exact but its md5Checksum (in the upload's answer
 *   and in every later metadata read) is not the MD5 of its bytes
 *
 * corrupt_bytes and wrong_md5 only hit requests that carry file content (resumable
 * chunks, multipart and media uploads); on a resumable chunk they mark the session, so
 * the file it finally stores is affected whichever chunk the fault hit.
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
  'short_commit',
  'revoked_token',
  'corrupt_bytes',
  'wrong_md5',
] as const;

/** Kinds that change what a stored file holds or reports instead of answering an error. */
export const CONTENT_FAULT_KINDS: readonly FaultKind[] = ['corrupt_bytes', 'wrong_md5'];

export const SERVER_ERROR_BODIES = ['json', 'html', 'empty'] as const;
export type ServerErrorBody = (typeof SERVER_ERROR_BODIES)[number];

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  kind: FaultKind;
  /** For server_error: 500 (default), 502, 503 or 504; for lose_session: 404 (default) or 410. */
  status?: number;
  /** For server_error: Google's error JSON (default), an HTML error page, or no body. */
  body?: ServerErrorBody;
  /** For corrupt_bytes: the byte of the file to flip (default random; past the end: the last byte). */
  offset?: number;
  /** For corrupt_bytes: whether md5Checksum is the MD5 of the bytes sent (default) or stored. */
  md5Of?: 'sent' | 'stored';
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
