import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { ManagedProcess } from './managed-process';
import { startMongo } from './mongo';
import { startRedis } from './redis';

export interface LocalServicesOptions {
  /** Root folder for service data (npm start: ./.data; tests: a temp dir). */
  dataDir: string;
  /** Keep data across restarts (Redis append-only file). */
  persistent?: boolean;
  /** Folder for service logs; omitted means discard. */
  logDir?: string;
}

export interface LocalServices {
  /** MongoDB base URL without database (append `/<db>`). */
  mongoUrl: string;
  redisUrl: string;
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
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
  };
  try {
    const mongo = startMongo(join(options.dataDir, 'mongo'), { log: log('ferretdb') });
    const redis = startRedis({ dataDir: join(options.dataDir, 'redis'), persistent: options.persistent, log: log('redis') });
    // Settle both before failing so a half-started pair is still cleaned up.
    const settled = await Promise.allSettled([mongo, redis]);
    for (const s of settled) if (s.status === 'fulfilled' && s.value.process) processes.push(s.value.process);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return { mongoUrl: (await mongo).url, redisUrl: (await redis).url, processes, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
