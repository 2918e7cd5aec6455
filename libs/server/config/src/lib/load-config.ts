import { DEV_SECRETS, Env, envSchema } from './env.schema';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const SECRET_KEYS = ['JWT_SECRET', 'ADMIN_JWT_SECRET', 'ENCRYPTION_KEY'] as const;

/**
 * Parses the environment once. Every bad key is reported together, so an
 * operator fixes the deployment in one go instead of one restart per key.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Env {
  // Empty strings mean "unset" (docker-compose passes `KEY=` through).
  const raw = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  const env: Env = { ...parsed.data, ENABLE_API_DOCS: parsed.data.ENABLE_API_DOCS ?? parsed.data.NODE_ENV !== 'production' };
  const problems: string[] = [];
  if (env.JWT_SECRET === env.ADMIN_JWT_SECRET) {
    problems.push('ADMIN_JWT_SECRET: must differ from JWT_SECRET');
  }
  if (Boolean(env.SUPERADMIN_EMAIL) !== Boolean(env.SUPERADMIN_PASSWORD)) {
    problems.push('SUPERADMIN_EMAIL and SUPERADMIN_PASSWORD: set both or neither');
  }
  if (Boolean(env.GOOGLE_OAUTH_CLIENT_ID) !== Boolean(env.GOOGLE_OAUTH_CLIENT_SECRET)) {
    problems.push('GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET: set both or neither');
  }
  if (env.NODE_ENV === 'production') {
    for (const key of SECRET_KEYS) {
      problems.push(...weakSecretProblems(key, env[key]));
    }
    problems.push(...weakEncryptionKeyProblems(env.ENCRYPTION_KEY));
    if (env.METRICS_TOKEN) problems.push(...weakSecretProblems('METRICS_TOKEN', env.METRICS_TOKEN));
    if (env.SUPERADMIN_PASSWORD) {
      problems.push(...weakPasswordProblems('SUPERADMIN_PASSWORD', env.SUPERADMIN_PASSWORD, env.SUPERADMIN_EMAIL));
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return env;
}

/**
 * What only the api server needs (the worker and one-shot commands start
 * without it). /metrics shows traffic, queue depths and account health; an
 * api port reachable from anywhere but nginx must not give that to whoever
 * asks, so production requires a token rather than trusting the network.
 */
export function assertApiServerConfig(env: Env): void {
  if (env.NODE_ENV === 'production' && !env.METRICS_TOKEN) {
    throw new ConfigError(['METRICS_TOKEN: required in production (16+ random characters; Prometheus sends it as `Authorization: Bearer <token>`)']);
  }
}

function weakSecretProblems(key: (typeof SECRET_KEYS)[number] | 'METRICS_TOKEN', value: string): string[] {
  if ((key !== 'METRICS_TOKEN' && value === DEV_SECRETS[key]) || /change-?me|secret|password|example/i.test(value)) {
    return [`${key}: the development default or a placeholder is not allowed in production`];
  }
  if (key === 'ENCRYPTION_KEY') return [];
  // The metrics token guards read-only figures, so 16 characters (the schema's minimum) do.
  if (key !== 'METRICS_TOKEN' && value.length < 32) return [`${key}: must be at least 32 characters in production`];
  if (new Set(value).size < 10) return [`${key}: too few distinct characters to be random`];
  return [];
}

/** Canonical base64 or base64url of 32 bytes, padding optional. */
const KEY_TEXT = /^[A-Za-z0-9+/]{43}=?$|^[A-Za-z0-9_-]{43}=?$/;

/**
 * The encryption key guards every stored Drive credential, so production wants
 * 32 bytes from a random generator. Each rule below is something 32 random
 * bytes practically never do (odds under 1e-13), but a typed or derived key
 * usually does:
 *   - text that is not plain base64 of 32 bytes (Node's decoder silently skips
 *     stray characters, so "any long string" would otherwise pass);
 *   - fewer than 16 distinct byte values (random: about 30 of 32);
 *   - a block of 1–16 bytes repeated (all zeros, "0123456789abcdef" twice);
 *   - every byte printable ASCII: a passphrase encoded to base64, like the
 *     development key;
 *   - a constant step between bytes (00 01 02 …).
 */
export function weakEncryptionKeyProblems(value: string): string[] {
  const key = 'ENCRYPTION_KEY';
  if (value === DEV_SECRETS.ENCRYPTION_KEY) return [];
  const generate = 'generate one with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64\'))"';
  if (!KEY_TEXT.test(value)) return [`${key}: must be exactly 32 bytes written as base64 (44 characters); ${generate}`];
  const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  const printable = bytes.every((b) => b >= 0x20 && b < 0x7f);
  const repeats = Array.from({ length: 16 }, (_, i) => i + 1).some((period) => bytes.every((b, i) => i < period || b === bytes[i - period]));
  const step = (((bytes[1] ?? 0) - (bytes[0] ?? 0)) + 256) % 256;
  const arithmetic = bytes.every((b, i) => i === 0 || (b - (bytes[i - 1] ?? 0) + 256) % 256 === step);
  if (new Set(bytes).size < 16 || repeats || printable || arithmetic) {
    return [`${key}: does not look random (repeated, sequential or typed text); ${generate}`];
  }
  return [];
}

/** Passwords seen in templates, tutorials and the original's bootstrap script. */
const WELL_KNOWN_PASSWORD_PARTS = ['password', 'passw0rd', 'admin', 'changeme', 'change-me', 'secret', 'example', 'qwerty', '123456', 'letmein', 'directdrivex', 'superadmin'];

/**
 * A production superadmin password must be long, varied and not a known
 * default: it guards every stored file and Drive credential.
 */
export function weakPasswordProblems(key: string, value: string, email?: string): string[] {
  const lower = value.toLowerCase();
  const local = email?.toLowerCase().split('@')[0] ?? '';
  if (WELL_KNOWN_PASSWORD_PARTS.some((w) => lower.includes(w)) || (local.length >= 3 && lower.includes(local))) {
    return [`${key}: a default, well-known or e-mail-derived password is not allowed in production`];
  }
  if (value.length < 14) return [`${key}: must be at least 14 characters in production`];
  if (new Set(value).size < 8) return [`${key}: too few distinct characters`];
  return [];
}
