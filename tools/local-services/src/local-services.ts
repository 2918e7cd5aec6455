import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { ManagedProcess } from './managed-process';
import { startMongo } from './mongo';
import { startRedis } from './redis';
import { LocalWebdavKind, localWebdavCredentials, startApacheWebdav, StartedWebdav, startWebdav } from './webdav';

export interface LocalServicesOptions {
  /** Root folder for service data (npm start: ./.data; tests: a temp dir). */
  dataDir: string;
  /** Keep data across restarts (Redis append-only file). */
  persistent?: boolean;
  /** Folder for service logs; omitted means discard. */
  logDir?: string;
  /**
   * A WebDAV server for the backup store, files under `<dataDir>/webdav/files`.
   * `true`: `WEBDAV_URL` from env when set, else Apache when installed, else
   * the in-process server (npm start). `'apache'`: always a private Apache;
   * fails when apache2 is missing (tests).
   */
  webdav?: boolean | 'apache';
}

export interface LocalServicesWebdav {
  /** `external` = WEBDAV_URL from env, nothing started. */
  kind: LocalWebdavKind | 'external';
  url: string;
  username?: string;
  password?: string;
  /** Folder behind the server's `/` (not known for an external server). */
  rootDir?: string;
  /** Why Apache was not used although preferred. */
  fallbackReason?: string;
}

export interface LocalServices {
  /** MongoDB base URL without database (append `/<db>`). */
  mongoUrl: string;
  redisUrl: string;
  /** With the `webdav` option: the server's URL (no credentials) … */
  webdavUrl?: string;
  /** … and how to reach it. */
  webdav?: LocalServicesWebdav;
  /** Child processes started here (empty when everything came from env). */
  processes: ManagedProcess[];
  stop(): Promise<void>;
}

/**
 * Starts what the product needs on this machine — one module for `npm start`
 * and for the test setup. Services given by env (MONGO_URL, REDIS_URL) are
 * used as they are; the rest run as children on free ports and stop with
 * their parent.
 */
export async function startLocalServices(options: LocalServicesOptions): Promise<LocalServices> {
  mkdirSync(options.dataDir, { recursive: true });
  if (options.logDir) mkdirSync(options.logDir, { recursive: true });
  const log = (name: string) => (options.logDir ? join(options.logDir, `${name}.log`) : undefined);
  const processes: ManagedProcess[] = [];
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async () => {
    await Promise.all([...processes.map((p) => p.stop()), ...stoppers.map((s) => s())]);
  };
  try {
    const mongo = startMongo(join(options.dataDir, 'mongo'), { log: log('ferretdb') });
    const redis = startRedis({ dataDir: join(options.dataDir, 'redis'), persistent: options.persistent, log: log('redis') });
    const webdav = startLocalWebdav(options, log('apache-webdav'));
    // Settle all before failing so a half-started set is still cleaned up.
    const [m, r, w] = await Promise.allSettled([mongo, redis, webdav]);
    for (const s of [m, r]) if (s.status === 'fulfilled' && s.value.process) processes.push(s.value.process);
    if (w.status === 'fulfilled' && w.value?.stop) stoppers.push(w.value.stop);
    for (const s of [m, r, w]) if (s.status === 'rejected') throw s.reason;
    const webdavInfo = (await webdav)?.info;
    return { mongoUrl: (await mongo).url, redisUrl: (await redis).url, webdavUrl: webdavInfo?.url, webdav: webdavInfo, processes, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function startLocalWebdav(
  options: LocalServicesOptions,
  log: string | undefined,
): Promise<{ info: LocalServicesWebdav; stop?: () => Promise<void> } | undefined> {
  if (!options.webdav) return undefined;
  const given = process.env['WEBDAV_URL'];
  if (options.webdav === true && given) {
    return { info: { kind: 'external', url: given, username: process.env['WEBDAV_USERNAME'], password: process.env['WEBDAV_PASSWORD'] } };
  }
  const common = { dataDir: join(options.dataDir, 'webdav'), log, ...localWebdavCredentials() };
  const server: StartedWebdav = options.webdav === 'apache' ? await startApacheWebdav(common) : await startWebdav({ ...common, prefer: 'apache' });
  return {
    info: {
      kind: server.kind,
      url: server.url,
      username: server.username,
      password: server.password,
      rootDir: server.rootDir,
      fallbackReason: server.fallbackReason,
    },
    stop: server.stop,
  };
}
