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
    .describe('AES-256-GCM key (base64, 32 bytes) for secrets stored in the database.'),
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
  ENABLE_API_DOCS: bool
    .default(true)
    .describe('Serve the OpenAPI document at /api/docs.'),
});

export type Env = z.infer<typeof envSchema>;
