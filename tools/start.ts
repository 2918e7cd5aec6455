/**
 * `npm start`: builds the product and runs all of it on one origin —
 * MongoDB (FerretDB or MONGO_URL), Redis (or REDIS_URL), the Google Drive
 * emulator, a WebDAV server for backups (Apache or in-process, or WEBDAV_URL),
 * the api (serving the SPA) and the worker — with data under
 * ./.data. Ctrl-C stops every child process.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { mongoUrlFor, repoRoot, RunningApp, startApp, startLocalServices, webdavEnv } from './local-services/src';
import { localDriveSetup } from './local-services/src/local-drive-setup';

const root = repoRoot(__dirname);
const argv = new Set(process.argv.slice(2));

function loadDotEnv(file: string): void {
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    const [, key, raw] = m as unknown as [string, string, string];
    const value = raw.replace(/^(['"])(.*)\1$/, '$2');
    if (process.env[key] === undefined) process.env[key] = value;
  }
}

function say(message: string): void {
  process.stdout.write(`\x1b[36m[start]\x1b[0m ${message}\n`);
}

async function main(): Promise<void> {
  loadDotEnv(join(root, '.env'));
  const dataDir = resolve(root, process.env['DATA_DIR'] ?? '.data');
  const port = process.env['PORT'] ?? '8080';

  if (!argv.has('--no-build')) {
    say('Building web, api, worker and the Drive emulator (cached after the first run)…');
    execFileSync(process.execPath, [join(root, 'node_modules/nx/bin/nx.js'), 'run-many', '-t', 'build', '-p', 'web', 'api', 'worker', 'gdrive-emulator', '--output-style=static'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NX_DAEMON: 'false' },
    });
  }

  const stopping: Array<() => Promise<void>> = [];
  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    say('Stopping…');
    for (const stop of stopping.reverse()) await stop().catch(() => undefined);
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0));

  say(`Starting local services (data in ${dataDir})…`);
  const services = await startLocalServices({ dataDir, persistent: true, logDir: join(dataDir, 'logs'), webdav: true });
  stopping.push(services.stop);
  const webdav = services.webdav;
  if (webdav?.kind === 'external') say(`Backups go to WEBDAV_URL (${webdav.url}).`);
  else if (webdav) {
    const server = webdav.kind === 'apache' ? 'Apache mod_dav' : `the in-process WebDAV server${webdav.fallbackReason ? ` (Apache not used: ${webdav.fallbackReason})` : ''}`;
    say(`Backups go to ${server} at ${webdav.url}, files under ${webdav.rootDir}.`);
  }
  const drive = await localDriveSetup(join(dataDir, 'gdrive'), join(dataDir, 'logs'));
  stopping.push(drive.stop);

  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: process.env['NODE_ENV'] ?? 'development',
    HOST: process.env['HOST'] ?? '127.0.0.1',
    PORT: port,
    MONGO_URL: process.env['MONGO_URL'] ?? mongoUrlFor(services.mongoUrl, 'directdrivex'),
    REDIS_URL: services.redisUrl,
    WEB_DIST_DIR: join(root, 'dist/apps/web/browser'),
    DATA_DIR: dataDir,
    ...(webdav ? webdavEnv(webdav) : {}),
    ...drive.env,
  };
  const apps: RunningApp[] = [];
  for (const name of ['api', 'worker'] as const) {
    const app = await startApp(name, env, { log: 'inherit' });
    apps.push(app);
    stopping.push(app.stop);
    void app.process.waitForExit().then((code) => {
      if (!shuttingDown) {
        say(`${name} exited unexpectedly (code ${code}); stopping everything.`);
        void shutdown(1);
      }
    });
  }
  const url = (apps[0]?.url ?? `http://127.0.0.1:${port}`).replace('0.0.0.0', '127.0.0.1');
  const health = await fetch(`${url}/api/v1/health`).then((r) => r.status).catch(() => 0);
  say(`DirectDriveX is running at ${url}  (API docs: ${url}/api/docs, health: ${health === 200 ? 'ok' : health})`);
  say('Press Ctrl-C to stop.');
}

main().catch((e: unknown) => {
  process.stderr.write(`\nnpm start failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
