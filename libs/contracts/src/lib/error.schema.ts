import { z } from 'zod';

/**
 * Stable machine-readable error codes. Clients branch on these; messages are
 * for people and may change.
 */
export const ErrorCode = {
  VALIDATION: 'VALIDATION',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL: 'INTERNAL',
  // accounts & authentication
  REGISTRATION_CLOSED: 'REGISTRATION_CLOSED',
  EMAIL_TAKEN: 'EMAIL_TAKEN',
  WEAK_PASSWORD: 'WEAK_PASSWORD',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  INVALID_CURRENT_PASSWORD: 'INVALID_CURRENT_PASSWORD',
  PASSWORD_NOT_SET: 'PASSWORD_NOT_SET',
  ACCOUNT_SUSPENDED: 'ACCOUNT_SUSPENDED',
  ACCOUNT_BANNED: 'ACCOUNT_BANNED',
  TOKEN_MISSING: 'TOKEN_MISSING',
  TOKEN_INVALID: 'TOKEN_INVALID',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  RESET_TOKEN_INVALID: 'RESET_TOKEN_INVALID',
  /** The e-mail verification link is unknown, expired or already used. */
  VERIFICATION_TOKEN_INVALID: 'VERIFICATION_TOKEN_INVALID',
  /** The account's e-mail address is not verified, so it cannot be given an admin role. */
  EMAIL_NOT_VERIFIED: 'EMAIL_NOT_VERIFIED',
  GOOGLE_SIGNIN_DISABLED: 'GOOGLE_SIGNIN_DISABLED',
  OAUTH_STATE_INVALID: 'OAUTH_STATE_INVALID',
  /** The Google sign-in was started in another browser than the one completing it (login CSRF). */
  OAUTH_BROWSER_MISMATCH: 'OAUTH_BROWSER_MISMATCH',
  GOOGLE_EMAIL_UNVERIFIED: 'GOOGLE_EMAIL_UNVERIFIED',
  GOOGLE_SIGNIN_FAILED: 'GOOGLE_SIGNIN_FAILED',
  // WebSockets
  WS_TICKET_INVALID: 'WS_TICKET_INVALID',
  // upload and download limits
  TOO_MANY_UPLOADS_IN_PROGRESS: 'TOO_MANY_UPLOADS_IN_PROGRESS',
  TOO_MANY_ZIP_DOWNLOADS: 'TOO_MANY_ZIP_DOWNLOADS',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const errorBodySchema = z
  .object({
    statusCode: z.number().int().describe('HTTP status code'),
    error: z.string().describe('Stable error code, e.g. VALIDATION'),
    message: z.string().describe('Explanation safe to show a person'),
    details: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('Per-field problems for VALIDATION errors'),
  })
  .meta({ id: 'ErrorBody' });
export type ErrorBody = z.infer<typeof errorBodySchema>;
