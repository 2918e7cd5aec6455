import { RunningApp, repoRoot, startApp, startDriveEmulator, DriveEmulatorService } from '@ddx/local-services';
import { isolatedNames, testServices, testWebdav } from '@ddx/local-services/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';

const GiB = 1024 ** 3;

export interface RunningProduct {
  /** Where the SPA and the api answer, e.g. http://127.0.0.1:41234 */
  url: string;
  emulator: DriveEmulatorService;
  /** Folder with this product's logs (api.log, worker.log, gdrive-emulator.log). */
  dir: string;
  stop(): Promise<void>;
}

/**
 * The product as `npm start` runs it — the built api serving the built SPA on
 * one origin, the worker, the Google Drive emulator with two accounts, backups
 * to WebDAV — on the MongoDB/Redis/Apache that jest's global setup started,
 * with a database, Redis prefix and WebDAV collection of its own.
 * `overrides` go into the environment of both the api and the worker.
 */
export async function startProduct(label: string, overrides: Record<string, string> = {}): Promise<RunningProduct> {
  const services = testServices();
  const names = isolatedNames(label);
  const webdav = testWebdav(label);
  const dir = mkdtempSync(join(services.dataDir, `web-e2e-${label}-`));
  const secret = () => randomBytes(18).toString('base64url');
  const accounts = [1, 2].map((n) => ({
    label: `e2e-drive-${n}`,
    email: `drive-${n}@emulator.local`,
    client_id: `e2e-${n}.apps.googleusercontent.com`,
    client_secret: secret(),
    refresh_token: `1//${secret()}`,
  }));
  const emulator = await startDriveEmulator({
    dataDir: join(dir, 'gdrive'),
    log: join(dir, 'gdrive-emulator.log'),
    config: {
      accounts: accounts.map((a) => ({ email: a.email, limit: 15 * GiB, oauth: { client_id: a.client_id, client_secret: a.client_secret, refresh_token: a.refresh_token } })),
    },
  });
  const env: Record<string, string> = {
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: '0',
    MONGO_URL: names.mongoUrl,
    REDIS_URL: services.redisUrl,
    REDIS_PREFIX: names.redisPrefix,
    WEB_DIST_DIR: join(repoRoot(), 'dist/apps/web/browser'),
    DATA_DIR: dir,
    WEBDAV_URL: webdav.url,
    WEBDAV_USERNAME: webdav.username,
    WEBDAV_PASSWORD: webdav.password,
    WEBDAV_PREFIX: webdav.prefix,
    GDRIVE_API_ROOT: emulator.apiRoot,
    GDRIVE_ACCOUNTS_JSON: JSON.stringify(accounts.map(({ label: l, client_id, client_secret, refresh_token }) => ({ label: l, client_id, client_secret, refresh_token }))),
    // A spec's own settings for the api and worker, e.g. BACKUP_MAX_ATTEMPTS=1 so a backup fails at once.
    ...overrides,
  };
  const apps: RunningApp[] = [];
  try {
    apps.push(await startApp('worker', env, { log: join(dir, 'worker.log') }));
    apps.push(await startApp('api', env, { log: join(dir, 'api.log') }));
  } catch (e) {
    for (const a of apps.reverse()) await a.stop();
    await emulator.stop();
    throw e;
  }
  const url = (apps[1]?.url as string).replace('0.0.0.0', '127.0.0.1');
  return {
    url,
    emulator,
    dir,
    stop: async () => {
      for (const a of apps.reverse()) await a.stop();
      await emulator.stop();
    },
  };
}

/**
 * Caps the Drive emulator's link at `bytesPerSecond` per connection (request bodies in,
 * answers out), or lifts the cap (null). Since the api streams an upload into long Drive
 * requests, this — not a delay per request — is what keeps an upload running for a while.
 */
export async function throttleDrive(emulator: DriveEmulatorService, bytesPerSecond: number | null): Promise<void> {
  const res = await fetch(`${emulator.url}/__emulator/network`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ bandwidthBytesPerSecond: bytesPerSecond }),
  });
  if (res.status !== 200) throw new Error(`emulator refused the network profile: ${res.status} ${await res.text()}`);
}
