import { z } from 'zod';

import type { DriveCredential } from '../drive-credential';

export const oauthCredentialSchema = z.object({
  kind: z.literal('oauth'),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  refreshToken: z.string().min(1),
});

export const serviceAccountJsonSchema = z
  .object({
    type: z.literal('service_account').optional(),
    client_email: z.string().email(),
    private_key: z.string().includes('PRIVATE KEY'),
    private_key_id: z.string().optional(),
    token_uri: z.string().optional(),
  })
  .passthrough();

export const serviceAccountCredentialSchema = z.object({
  kind: z.literal('service_account'),
  json: serviceAccountJsonSchema,
});

/** Validates a credential given by an admin or env (the type lives in drive-credential.ts). */
export const driveCredentialSchema = z.discriminatedUnion('kind', [oauthCredentialSchema, serviceAccountCredentialSchema]);

/** Entries of GDRIVE_ACCOUNTS_JSON: snake_case like Google's own files. */
const envOAuthSchema = z.object({
  label: z.string().optional(),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  refresh_token: z.string().min(1),
});
const envWrappedServiceAccountSchema = z.object({ label: z.string().optional(), service_account: serviceAccountJsonSchema });

function parseEnvAccount(entry: unknown, index: number): EnvAccount {
  const oauth = envOAuthSchema.safeParse(entry);
  if (oauth.success) {
    const a = oauth.data;
    return { label: a.label, credential: { kind: 'oauth', clientId: a.client_id, clientSecret: a.client_secret, refreshToken: a.refresh_token } };
  }
  const wrapped = envWrappedServiceAccountSchema.safeParse(entry);
  if (wrapped.success) return { label: wrapped.data.label, credential: { kind: 'service_account', json: wrapped.data.service_account } };
  const bare = serviceAccountJsonSchema.safeParse(entry);
  if (bare.success) {
    const label = typeof bare.data['label'] === 'string' ? bare.data['label'] : undefined;
    return { label, credential: { kind: 'service_account', json: bare.data } };
  }
  throw new Error(`GDRIVE_ACCOUNTS_JSON[${index}]: expected {client_id, client_secret, refresh_token} or a service-account key`);
}

export interface EnvAccount {
  label?: string;
  credential: DriveCredential;
}

/**
 * Accounts declared in the environment: `GDRIVE_ACCOUNTS_JSON` (a JSON array)
 * and/or numbered variables `GDRIVE_ACCOUNT_<n>_CLIENT_ID` / `_CLIENT_SECRET` /
 * `_REFRESH_TOKEN` or `GDRIVE_ACCOUNT_<n>_SERVICE_ACCOUNT_JSON`, any n.
 */
export function accountsFromEnv(env: Record<string, string | undefined>): EnvAccount[] {
  const out: EnvAccount[] = [];
  const json = env['GDRIVE_ACCOUNTS_JSON'];
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new Error('GDRIVE_ACCOUNTS_JSON is not valid JSON');
    }
    if (!Array.isArray(parsed)) throw new Error('GDRIVE_ACCOUNTS_JSON must be a JSON array');
    parsed.forEach((entry, i) => out.push(parseEnvAccount(entry, i)));
  }
  const numbers = new Set<number>();
  for (const key of Object.keys(env)) {
    const m = /^GDRIVE_ACCOUNT_(\d+)_/.exec(key);
    if (m) numbers.add(Number(m[1]));
  }
  for (const n of [...numbers].sort((a, b) => a - b)) {
    const p = `GDRIVE_ACCOUNT_${n}_`;
    const label = env[`${p}LABEL`];
    const sa = env[`${p}SERVICE_ACCOUNT_JSON`];
    if (sa) {
      const parsed = serviceAccountJsonSchema.safeParse(JSON.parse(sa));
      if (!parsed.success) throw new Error(`${p}SERVICE_ACCOUNT_JSON is not a service-account key file`);
      out.push({ label, credential: { kind: 'service_account', json: parsed.data } });
      continue;
    }
    const oauth = oauthCredentialSchema.safeParse({
      kind: 'oauth',
      clientId: env[`${p}CLIENT_ID`],
      clientSecret: env[`${p}CLIENT_SECRET`],
      refreshToken: env[`${p}REFRESH_TOKEN`],
    });
    if (!oauth.success) throw new Error(`${p}*: needs CLIENT_ID, CLIENT_SECRET and REFRESH_TOKEN, or SERVICE_ACCOUNT_JSON`);
    out.push({ label, credential: oauth.data });
  }
  return out;
}
