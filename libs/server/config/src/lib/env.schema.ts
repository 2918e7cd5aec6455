import { z } from 'zod';

/**
 * Every environment variable the server processes read, in one place.
 * README's configuration table and `.env.example` are checked against this
 * schema by `config-docs.spec.ts`, so adding a key here means documenting it.
 */

const port = z.coerce.number().int().min(0).max(65535);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const csv = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

/**
 * A URL whose user name and password are valid percent-encoding: the Redis and
 * WebDAV clients decode them, and a stray `%` would otherwise fail at first
 * use instead of here, with a message that says which key to fix.
 */
function hasDecodableCredentials(value: string): boolean {
  try {
    const url = new URL(value);
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
    return true;
  } catch {
    return false;
  }
}
const CREDENTIALS_MESSAGE = 'must be a valid URL; write a `%` in the user name or password as %25';

/** Development-only secrets; production refuses to start with any of them. */
export const DEV_SECRETS = {
  JWT_SECRET: 'dev-only-user-jwt-secret-change-me-in-production',
  ADMIN_JWT_SECRET: 'dev-only-admin-jwt-secret-change-me-in-production',
  ENCRYPTION_KEY: 'ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM=',
} as const;

export const envSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'test', 'production'])
    .default('development')
    .describe('Runtime mode. `production` enforces strong secrets.'),
  HOST: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe('Interface the api binds to (`0.0.0.0` in containers).'),
  PORT: port.default(8080).describe('HTTP port of the api (and of the SPA when WEB_DIST_DIR is set).'),
  PUBLIC_BASE_URL: z
    .url()
    .default('http://127.0.0.1:8080')
    .describe('Origin users reach the product at; used in share links and e-mails.'),
  MONGO_URL: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL')
    .default('mongodb://127.0.0.1:27017/directdrivex')
    .describe('MongoDB connection string including the database name.'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .refine(hasDecodableCredentials, CREDENTIALS_MESSAGE)
    .default('redis://127.0.0.1:6379')
    .describe('Redis for queues, rate limits, locks and live events.'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/)
    .default('ddx')
    .describe('Prefix of every Redis key and BullMQ queue (lets several installs share one Redis).'),
  JWT_SECRET: z
    .string()
    .min(16)
    .default(DEV_SECRETS.JWT_SECRET)
    .describe('HMAC secret for user tokens. Production: at least 32 random characters.'),
  ADMIN_JWT_SECRET: z
    .string()
    .min(16)
    .default(DEV_SECRETS.ADMIN_JWT_SECRET)
    .describe('HMAC secret for admin tokens; must differ from JWT_SECRET.'),
  ENCRYPTION_KEY: z
    .string()
    .default(DEV_SECRETS.ENCRYPTION_KEY)
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .describe('AES-256-GCM key (base64, 32 bytes) for secrets stored in the database. Production refuses one that does not look random (see load-config.ts).'),
  CORS_ORIGINS: csv
    .default([])
    .describe('Comma-separated origins allowed to call the api cross-origin (empty: same origin only).'),
  TRUSTED_PROXIES: csv
    .default(['127.0.0.1', '::1'])
    .describe('Comma-separated proxy IPs whose X-Forwarded-For is believed.'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('Minimum level of the JSON logs.'),
  WEB_DIST_DIR: z
    .string()
    .optional()
    .describe('When set, the api also serves the built SPA from this folder (used by `npm start`).'),
  WORKER_REDIS_LOST_EXIT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(15000)
    .describe('The worker exits with code 1 when Redis stays unreachable this long.'),
  WORKER_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(4)
    .describe('Jobs each worker process runs at once per queue.'),
  GDRIVE_API_ROOT: z
    .url()
    .default('https://www.googleapis.com/')
    .describe('Google API root. `npm start` and tests point it at the local Drive emulator.'),
  GDRIVE_FOLDER_NAME: z
    .string()
    .min(1)
    .default('DirectDriveX')
    .describe('Folder created in every Drive account to hold uploads.'),
  GDRIVE_ACCOUNTS_JSON: z
    .string()
    .optional()
    .describe(
      'Drive accounts imported on first boot when none exist: a JSON array of {client_id, client_secret, refresh_token} or service-account key objects. Numbered GDRIVE_ACCOUNT_<n>_CLIENT_ID/_CLIENT_SECRET/_REFRESH_TOKEN or _SERVICE_ACCOUNT_JSON variables work too.',
    ),
  DRIVE_REFRESH_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(10_000)
    .default(300_000)
    .describe('How often the worker refreshes quota, usage and health of every Drive account.'),
  UPLOAD_REQUEST_MIB: z.coerce
    .number()
    .int()
    .min(1)
    .max(1024)
    .default(64)
    .describe('MiB per Drive request of an upload: frames stream into one request this long, so the round trip to Drive is paid once per this many bytes.'),
  UPLOAD_EXPIRY_SWEEP_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(60_000)
    .describe('How often the worker expires unfinished uploads past their expiry and frees what they reserved.'),
  BACKUP_SWEEP_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(60_000)
    .describe('How often the worker looks for completed files without a backup copy or job.'),
  ENABLE_API_DOCS: bool
    .optional()
    .describe('Serve the OpenAPI document and Swagger UI at /api/docs. Unset: on, except with NODE_ENV=production.'),
  METRICS_TOKEN: z
    .string()
    .min(16)
    .optional()
    .describe(
      'GET /metrics (Prometheus) then requires `Authorization: Bearer <token>`. The api requires it with NODE_ENV=production; unset elsewhere: open to whoever reaches the api port (nginx never forwards /metrics).',
    ),
  DATA_DIR: z
    .string()
    .min(1)
    .default('/')
    .describe('Folder whose file system the disk-space alert of the admin monitoring watches (`npm start` sets its data folder).'),

  // ------------------------------------------------ accounts & authentication
  ACCESS_TOKEN_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 30)
    .default(720)
    .describe('Lifetime of a user access token. Logout, password change and suspension revoke tokens earlier.'),
  ADMIN_TOKEN_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(60 * 24)
    .default(60)
    .describe('Lifetime of an admin access token.'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional()
    .describe(
      'Mail server for password-reset e-mails, e.g. smtps://user:pass@smtp.example.com:465. Unset outside production: the reset link is logged at warn level instead.',
    ),
  MAIL_FROM: z
    .string()
    .min(3)
    .default('DirectDriveX <no-reply@directdrivex.local>')
    .describe('From header of e-mails the product sends.'),
  SUPERADMIN_EMAIL: z
    .email()
    .optional()
    .describe('First superadmin, created at start when no superadmin exists (set together with SUPERADMIN_PASSWORD).'),
  SUPERADMIN_PASSWORD: z
    .string()
    .optional()
    .describe('Password of that first superadmin. Production refuses a short, common or default one.'),
  GOOGLE_OAUTH_CLIENT_ID: z
    .string()
    .optional()
    .describe('Google sign-in OAuth client id; Google sign-in is off while unset.'),
  GOOGLE_OAUTH_CLIENT_SECRET: z
    .string()
    .optional()
    .describe('Google sign-in OAuth client secret (required with the client id).'),
  GOOGLE_OAUTH_REDIRECT_URI: z
    .url()
    .optional()
    .describe('Redirect URI registered for the client; default PUBLIC_BASE_URL + /auth/google/callback (the SPA page).'),
  GOOGLE_OAUTH_AUTH_URL: z
    .url()
    .default('https://accounts.google.com/o/oauth2/v2/auth')
    .describe("Google's authorization endpoint (tests point it at the Drive emulator)."),
  GOOGLE_OAUTH_TOKEN_URL: z
    .url()
    .default('https://oauth2.googleapis.com/token')
    .describe("Google's token endpoint for the authorization-code exchange."),
  GOOGLE_OAUTH_USERINFO_URL: z
    .url()
    .default('https://www.googleapis.com/oauth2/v3/userinfo')
    .describe("Google's OpenID userinfo endpoint."),
  SETTINGS_CACHE_TTL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(60_000)
    .default(3000)
    .describe('How long each api process reuses admin settings before re-reading them (a change reaches every replica within this time).'),
  AUTH_LOGIN_MAX_FAILURES_PER_IP: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe('Failed sign-ins (user and admin) allowed per client IP per lockout window (the per-account limit is an admin setting).'),
  AUTH_REGISTER_MAX_PER_IP_PER_HOUR: z.coerce
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('Registrations allowed per client IP per hour.'),
  AUTH_RESET_REQUESTS_MAX_PER_HOUR: z.coerce
    .number()
    .int()
    .min(1)
    .default(5)
    .describe('Password-reset requests allowed per hour, counted per client IP and per e-mail address.'),

  // ------------------------------------------------------ WebDAV backup store
  WEBDAV_URL: z
    .url({ protocol: /^https?$/ })
    .refine(hasDecodableCredentials, CREDENTIALS_MESSAGE)
    .optional()
    .describe(
      'WebDAV root of the backup store, e.g. https://u123456.your-storagebox.de. Unset: backups are disabled (the admin summary says so). `npm start` runs a local server when unset.',
    ),
  WEBDAV_USERNAME: z
    .string()
    .optional()
    .describe('WebDAV user (the Storage Box account or sub-account, e.g. u123456-sub1).'),
  WEBDAV_PASSWORD: z
    .string()
    .optional()
    .describe('WebDAV password; only ever sent as Basic authentication, never logged.'),
  WEBDAV_PREFIX: z
    .string()
    .refine(
      // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
      (v) => v.split('/').every((s) => !/^\.+$/.test(s) && !/[\\\u0000-\u001f]/.test(s)),
      'must be a plain path like /directdrivex (no `..`, backslashes or control characters)',
    )
    .default('/directdrivex')
    .describe('Collection on the WebDAV server that holds every backup (`<prefix>/<fileId>/<name>`).'),
  BACKUP_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(8)
    .default(2)
    .describe('Backup copies each worker process runs at once (a Storage Box allows 10 connections per account).'),
  BACKUP_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(8)
    .describe('Attempts per backup copy, with growing delays, before it is marked failed.'),
});

/** The parsed environment, with the defaults that depend on NODE_ENV resolved by loadConfig. */
export type Env = Omit<z.infer<typeof envSchema>, 'ENABLE_API_DOCS'> & { ENABLE_API_DOCS: boolean };
