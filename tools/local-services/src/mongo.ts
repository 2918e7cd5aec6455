import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { findBinary, MissingBinaryError, run } from './binaries';
import { freePort } from './free-port';
import { ManagedProcess } from './managed-process';
import { repoRoot } from './repo-root';

export interface MongoService {
  /** Connection string without a database name; append `/<db>`. */
  url: string;
  process?: ManagedProcess;
}

const GO_HINT = 'apt-get install golang-go (or a Go toolchain from go.dev), then `npm run build:ferretdb`';

/** Path of the FerretDB launcher, built from tools/ferretdb when missing or stale. */
export function ensureFerretDbBinary(): string {
  const dir = join(repoRoot(), 'tools', 'ferretdb');
  const binary = join(dir, 'ferretdb');
  const newest = Math.max(...readdirSync(dir).filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum').map((f) => statSync(join(dir, f)).mtimeMs));
  let builtAt = 0;
  try {
    builtAt = statSync(binary).mtimeMs;
  } catch {
    // not built yet
  }
  if (builtAt < newest) {
    const go = findBinary('go', ['/usr/local/go/bin', '/usr/lib/go/bin']);
    if (!go) throw new MissingBinaryError('go', GO_HINT);
    process.stdout.write('Building tools/ferretdb (first run only, about a minute)…\n');
    run(go, ['build', '-o', 'ferretdb', '.'], dir);
  }
  return binary;
}

/**
 * MongoDB for dev and tests: `MONGO_URL` when given (a real MongoDB), else a
 * FerretDB child process storing SQLite files under `dataDir`.
 */
export async function startMongo(dataDir: string, options: { log?: string } = {}): Promise<MongoService> {
  const given = process.env['MONGO_URL'];
  if (given) return { url: stripDatabase(given) };
  const binary = ensureFerretDbBinary();
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const proc = await ManagedProcess.start({
    name: 'ferretdb',
    command: binary,
    args: ['-listen', `127.0.0.1:${port}`, '-data-dir', dataDir, '-parent-pid', String(process.pid)],
    readyLine: /ferretdb ready/,
    output: options.log ?? 'ignore',
  });
  return { url: `mongodb://127.0.0.1:${port}`, process: proc };
}

function stripDatabase(url: string): string {
  const u = new URL(url);
  u.pathname = '';
  return u.toString().replace(/\/$/, '');
}

/** `base` from startMongo plus a database name, keeping any query string. */
export function mongoUrlFor(base: string, database: string): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}
