import { readFileSync } from 'node:fs';
import type { AccountInput } from '../services/account-service';

export interface OAuthClientInput {
  client_id?: string;
  client_secret?: string;
  redirect_uris?: string[];
}

export interface SignInUserInput {
  email: string;
  email_verified?: boolean;
  name?: string;
  picture?: string;
  sub?: string;
}

/**
 * The startup config (`--config file.json` / `GDRIVE_EMULATOR_CONFIG`). Everything it
 * declares survives `POST /__emulator/reset`. Accounts may carry pre-generated credentials
 * so a launcher can hand the same ones to the product before the emulator starts.
 */
export interface EmulatorConfig {
  tokenLifetimeSeconds?: number;
  sessionLifetimeSeconds?: number;
  /** Base URL put into session `Location`s and credentials; default: from the Host header. */
  publicUrl?: string;
  accounts?: AccountInput[];
  oauthClients?: OAuthClientInput[];
  users?: SignInUserInput[];
}

export function loadConfigFile(path: string): EmulatorConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read emulator config ${path}: ${(err as Error).message}`);
  }
  return validateConfig(parsed, path);
}

export function validateConfig(value: unknown, source = 'config'): EmulatorConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${source}: expected a JSON object`);
  }
  const config = value as Record<string, unknown>;
  for (const key of ['accounts', 'oauthClients', 'users']) {
    if (config[key] !== undefined && !Array.isArray(config[key])) throw new Error(`${source}: ${key} must be an array`);
  }
  for (const key of ['tokenLifetimeSeconds', 'sessionLifetimeSeconds']) {
    const n = config[key];
    if (n !== undefined && (typeof n !== 'number' || !(n > 0))) throw new Error(`${source}: ${key} must be a positive number`);
  }
  if (config['publicUrl'] !== undefined && typeof config['publicUrl'] !== 'string') {
    throw new Error(`${source}: publicUrl must be a string`);
  }
  return value as EmulatorConfig;
}
