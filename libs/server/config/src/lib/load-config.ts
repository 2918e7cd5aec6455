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
  const env = parsed.data;
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
    if (env.SUPERADMIN_PASSWORD) {
      problems.push(...weakPasswordProblems('SUPERADMIN_PASSWORD', env.SUPERADMIN_PASSWORD, env.SUPERADMIN_EMAIL));
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return env;
}

function weakSecretProblems(key: (typeof SECRET_KEYS)[number], value: string): string[] {
  if (value === DEV_SECRETS[key] || /change-?me|secret|password|example/i.test(value)) {
    return [`${key}: the development default or a placeholder is not allowed in production`];
  }
  if (key === 'ENCRYPTION_KEY') return [];
  if (value.length < 32) return [`${key}: must be at least 32 characters in production`];
  if (new Set(value).size < 10) return [`${key}: too few distinct characters to be random`];
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
