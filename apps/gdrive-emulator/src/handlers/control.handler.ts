import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { FaultSpec } from '../faults/fault-types';
import { BodyTooLargeError, type Exchange } from '../http/exchange';
import { NO_NETWORK_PROFILE, networkProfileView, patchNetworkProfile } from '../http/network-profile';
import type { AccountInput } from '../services/account-service';
import type { EmulatorServices } from '../services/emulator-services';
import { InputError } from '../services/input-error';
import type { AccountRecord, OAuthClientRecord, SignInUser } from '../state/types';

/**
 * `/__emulator/*`: the test and launcher knobs. Not Google's API, so plain JSON errors
 * `{error}`; no authentication (the emulator is dev/test infrastructure on loopback).
 */
export async function controlEndpoint(ex: Exchange, services: EmulatorServices): Promise<void> {
  const parts = ex.url.pathname.split('/').filter(Boolean).slice(1).map(decodeURIComponent);
  const method = ex.method;
  const [resource, id, action] = parts;
  try {
    switch (resource) {
      case 'health':
        return ex.sendJson(200, { ok: true });
      case 'accounts':
        return await accountsRoute(ex, services, method, id, action);
      case 'faults':
        if (method === 'GET') return ex.sendJson(200, { faults: services.faults.list() });
        if (method === 'POST') {
          const body = (await readJson(ex)) as FaultSpec | { faults: FaultSpec[] };
          const specs = Array.isArray((body as { faults?: unknown }).faults) ? (body as { faults: FaultSpec[] }).faults : [body as FaultSpec];
          return ex.sendJson(201, { faults: specs.map((spec) => services.faults.add(spec)) });
        }
        if (method === 'DELETE') {
          services.faults.clear();
          return ex.sendEmpty(204);
        }
        break;
      case 'reset':
        if (method === 'POST') {
          await ex.drain();
          await services.reset();
          return ex.sendJson(200, { ok: true });
        }
        break;
      case 'stats':
        if (method === 'GET') return ex.sendJson(200, services.stats.snapshot());
        if (method === 'DELETE') {
          services.stats.reset();
          return ex.sendEmpty(204);
        }
        break;
      case 'files':
        return await filesRoute(ex, services, method, id, action);
      case 'sessions':
        if (method === 'GET' && !id) {
          const account = ex.query('account');
          const accountId = account ? requireAccount(services, account).id : null;
          const sessions = [...services.state.sessions.values()].filter((s) => !accountId || s.accountId === accountId);
          return ex.sendJson(200, { sessions });
        }
        break;
      case 'users':
        if (method === 'GET' && !id) return ex.sendJson(200, { users: services.signIn.users().map(userView) });
        if (method === 'POST' && !id) {
          const user = services.signIn.addUser((await readJson(ex)) as never);
          return ex.sendJson(201, userView(user));
        }
        break;
      case 'oauth-clients':
        if (method === 'GET' && !id) return ex.sendJson(200, { clients: services.signIn.clients().map(clientView) });
        if (method === 'POST' && !id) {
          const client = services.signIn.addClient((await readJson(ex)) as never);
          return ex.sendJson(201, clientView(client));
        }
        break;
      case 'network':
        if (id) break;
        if (method === 'GET') return ex.sendJson(200, networkProfileView(services.network));
        if (method === 'PATCH' || method === 'PUT') {
          // PUT starts from "off", PATCH from the current profile.
          const base = method === 'PUT' ? NO_NETWORK_PROFILE : services.network;
          services.network = patchNetworkProfile(base, await readJson(ex));
          return ex.sendJson(200, networkProfileView(services.network));
        }
        if (method === 'DELETE') {
          await ex.drain();
          services.network = NO_NETWORK_PROFILE;
          return ex.sendJson(200, networkProfileView(services.network));
        }
        break;
      case 'settings':
        if (method === 'GET') return ex.sendJson(200, services.settings);
        if (method === 'PATCH' || method === 'POST') {
          const body = (await readJson(ex)) as Record<string, unknown>;
          for (const key of ['tokenLifetimeSeconds', 'sessionLifetimeSeconds'] as const) {
            const value = body[key];
            if (value === undefined) continue;
            if (typeof value !== 'number' || !(value > 0)) throw new InputError(`${key} must be a positive number`);
            services.settings[key] = value;
          }
          return ex.sendJson(200, services.settings);
        }
        break;
    }
    await ex.drain();
    ex.sendJson(404, { error: `no control route ${method} ${ex.url.pathname}` });
  } catch (err) {
    if (err instanceof InputError) {
      await ex.drain().catch(() => undefined);
      return ex.sendJson(err.status, { error: err.message });
    }
    throw err;
  }
}

async function accountsRoute(
  ex: Exchange,
  services: EmulatorServices,
  method: string,
  id: string | undefined,
  action: string | undefined,
): Promise<void> {
  const { accounts } = services;
  if (!id) {
    if (method === 'GET') return ex.sendJson(200, { accounts: accounts.list().map((a) => accountView(ex, services, a)) });
    if (method === 'POST') {
      const account = await accounts.add(validateAccountInput(await readJson(ex)));
      return ex.sendJson(201, accountView(ex, services, account));
    }
  } else {
    const account = requireAccount(services, id);
    if (!action && method === 'GET') return ex.sendJson(200, accountView(ex, services, account));
    if (!action && method === 'PATCH') {
      const body = (await readJson(ex)) as { limit?: number | null; usage?: number };
      if (body.limit !== undefined) accounts.setLimit(account, body.limit);
      if (body.usage !== undefined) accounts.setUsage(account, body.usage);
      return ex.sendJson(200, accountView(ex, services, account));
    }
    if (action === 'revoke' && method === 'POST') {
      await ex.drain();
      accounts.revoke(account);
      return ex.sendJson(200, accountView(ex, services, account));
    }
  }
  await ex.drain();
  ex.sendJson(404, { error: `no control route ${method} ${ex.url.pathname}` });
}

async function filesRoute(
  ex: Exchange,
  services: EmulatorServices,
  method: string,
  id: string | undefined,
  action: string | undefined,
): Promise<void> {
  if (method !== 'GET') throw new InputError(`no control route ${method} ${ex.url.pathname}`, 404);
  if (!id) {
    const accountParam = ex.query('account');
    const accountId = accountParam ? requireAccount(services, accountParam).id : null;
    const files = [...services.state.files.values()]
      .filter((f) => !f.isRoot && (!accountId || f.accountId === accountId))
      .map((f) => ({ ...services.files.toResource(f), accountId: f.accountId }));
    return ex.sendJson(200, { files });
  }
  const file = services.state.files.get(id);
  if (!file) throw new InputError(`file ${id} not found`, 404);
  if (!action) return ex.sendJson(200, { ...services.files.toResource(file), accountId: file.accountId });
  if (action === 'content') {
    if (file.size === null) throw new InputError(`file ${id} is a folder`, 400);
    ex.res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(file.size) });
    if (file.size === 0) {
      ex.res.end();
      return;
    }
    await pipeline(createReadStream(services.blobs.blobPath(file.id)), ex.res);
    return;
  }
  throw new InputError(`no control route ${method} ${ex.url.pathname}`, 404);
}

function requireAccount(services: EmulatorServices, idOrEmail: string): AccountRecord {
  const account = services.accounts.find(idOrEmail);
  if (!account) throw new InputError(`account ${idOrEmail} not found`, 404);
  return account;
}

async function readJson(ex: Exchange): Promise<unknown> {
  let raw: Buffer;
  try {
    raw = await ex.readBody(1024 * 1024);
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw new InputError('body too large', 413);
    throw err;
  }
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InputError('body is not valid JSON');
  }
}

function validateAccountInput(value: unknown): AccountInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError('expected a JSON object');
  const input = value as Record<string, unknown>;
  if (input['email'] !== undefined && typeof input['email'] !== 'string') throw new InputError('email must be a string');
  if (input['displayName'] !== undefined && typeof input['displayName'] !== 'string') throw new InputError('displayName must be a string');
  if (input['usage'] !== undefined && typeof input['usage'] !== 'number') throw new InputError('usage must be a number');
  if (input['limit'] !== undefined && input['limit'] !== null && typeof input['limit'] !== 'number') {
    throw new InputError('limit must be a number or null');
  }
  for (const key of ['oauth', 'serviceAccount']) {
    const v = input[key];
    if (v !== undefined && v !== false && (typeof v !== 'object' || v === null || Array.isArray(v))) {
      throw new InputError(`${key} must be an object or false`);
    }
  }
  const oauth = input['oauth'] as Record<string, unknown> | false | undefined;
  if (oauth && ['client_id', 'client_secret', 'refresh_token'].some((k) => oauth[k] !== undefined && typeof oauth[k] !== 'string')) {
    throw new InputError('oauth credentials must be strings');
  }
  return value as AccountInput;
}

/** What the control API returns for an account: quota figures plus credentials of both kinds. */
export function accountView(ex: Exchange, services: EmulatorServices, account: AccountRecord): object {
  const usage = services.accounts.usage(account);
  const tokenUri = `${services.publicUrl ?? ex.baseUrl}token`;
  const sa = account.serviceAccount;
  return {
    id: account.id,
    email: account.email,
    displayName: account.displayName,
    limit: account.limit,
    usage: usage.usage,
    usageInDrive: usage.usageInDrive,
    usageInDriveTrash: usage.usageInDriveTrash,
    rootFolderId: account.rootFolderId,
    revoked: account.revoked,
    createdTime: account.createdTime,
    credentials: {
      oauth: account.oauth
        ? {
            type: 'authorized_user',
            client_id: account.oauth.clientId,
            client_secret: account.oauth.clientSecret,
            refresh_token: account.oauth.refreshToken,
            token_uri: tokenUri,
          }
        : null,
      serviceAccount: sa
        ? {
            type: 'service_account',
            project_id: sa.projectId,
            private_key_id: sa.privateKeyId,
            ...(sa.privateKeyPem ? { private_key: sa.privateKeyPem } : {}),
            client_email: sa.clientEmail,
            client_id: sa.clientId,
            auth_uri: `${services.publicUrl ?? ex.baseUrl}o/oauth2/v2/auth`,
            token_uri: tokenUri,
            auth_provider_x509_cert_url: `${services.publicUrl ?? ex.baseUrl}oauth2/v1/certs`,
            client_x509_cert_url: `${services.publicUrl ?? ex.baseUrl}robot/v1/metadata/x509/${encodeURIComponent(sa.clientEmail)}`,
            universe_domain: 'googleapis.com',
          }
        : null,
    },
  };
}

function userView(user: SignInUser): object {
  return { sub: user.sub, email: user.email, email_verified: user.emailVerified, name: user.name, picture: user.picture };
}

function clientView(client: OAuthClientRecord): object {
  return { client_id: client.clientId, client_secret: client.clientSecret, redirect_uris: client.redirectUris };
}
