import { mkdirSync } from 'node:fs';

import { requireBinary } from './binaries';
import { freePort } from './free-port';
import { ManagedProcess } from './managed-process';

export interface RedisService {
  url: string;
  port?: number;
  process?: ManagedProcess;
}

/**
 * Redis for dev and tests: `REDIS_URL` when given, else a `redis-server`
 * child on a free port — in memory only for tests, append-only file under
 * `dataDir` when `persistent` (npm start).
 */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisService> {
  const given = process.env['REDIS_URL'];
  if (given) return { url: given };
  return spawnRedisServer(options);
}

export interface RedisServerOptions {
  dataDir?: string;
  persistent?: boolean;
  log?: string;
  /** Reuse a port (e.g. to bring a stopped server back at the same URL). */
  port?: number;
}

/** Always spawns a private redis-server (tests that stop Redis on purpose use this). */
export async function spawnRedisServer(options: RedisServerOptions = {}): Promise<RedisService> {
  const binary = requireBinary('redis-server', 'apt-get install redis-server', ['/usr/sbin']);
  const port = options.port ?? (await freePort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--daemonize', 'no', '--protected-mode', 'yes'];
  if (options.persistent && options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    args.push('--appendonly', 'yes', '--dir', options.dataDir);
  } else {
    args.push('--appendonly', 'no');
  }
  const proc = await ManagedProcess.start({
    name: 'redis',
    command: binary,
    args,
    readyLine: /Ready to accept connections/,
    output: options.log ?? 'ignore',
  });
  return { url: `redis://127.0.0.1:${port}`, port, process: proc };
}
