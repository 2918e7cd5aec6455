import { LocalServices, mongoUrlFor, NODE_FLAGS, PROCESS_ENV, repoRoot, startLocalServices, webdavEnv } from '@ddx/local-services';
import mongoose, { Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { OAuthCredential } from './drive-direct';
import { LoggedProcess } from './spawn';

const GiB = 1024 ** 3;
const DATABASE = 'ddx_bench';

/** A product process of the stack. */
export interface BenchApp {
  process: LoggedProcess;
  /** api and emulator: base URL, e.g. http://127.0.0.1:41234 */
  url?: string;
  stop(): Promise<void>;
}

const APPS = ['api', 'worker', 'gdrive-emulator'] as const;
type AppName = (typeof APPS)[number];

/**
 * Copies the built apps to `<repo>/tmp/bench-dist-<pid>` so that a rebuild of
 * dist/ during a long run (other work in the same tree) cannot swap code
 * under the processes — the worker starts late. Inside the repo so that
 * `require` still finds <repo>/node_modules.
 */
async function snapshotDist(say: (line: string) => void): Promise<Dist> {
  const root = repoRoot(__dirname);
  const dir = join(root, 'tmp', `bench-dist-${process.pid}`);
  const missing = () => APPS.map((app) => join(root, 'dist', 'apps', app, 'main.js')).filter((f) => !existsSync(f));
  // A build running elsewhere in the tree empties dist/apps/<app> for a minute.
  for (let waited = 0; missing().length; waited += 5) {
    if (waited >= 180) throw new Error(`${missing().join(', ')} missing: run \`npx nx run-many -t build -p api worker gdrive-emulator\` first`);
    if (waited === 0) say(`waiting for ${missing().join(', ')} (a build is running?)…`);
    await new Promise((r) => setTimeout(r, 5000));
  }
  try {
    for (const app of APPS) cpSync(join(root, 'dist', 'apps', app), join(dir, app), { recursive: true });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { dir, main: (app) => join(dir, app, 'main.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

interface Dist {
  dir: string;
  main(app: AppName): string;
  remove(): void;
}

/** Like local-services' startApp/startDriveEmulator, from the snapshot; output straight to `log`. */
async function startBuilt(main: string, name: AppName, args: string[], env: Record<string, string> | undefined, log: string): Promise<BenchApp> {
  const ready: Record<AppName, RegExp> = {
    api: /"msg":"api listening"/,
    worker: /"msg":"worker ready"/,
    'gdrive-emulator': /gdrive-emulator listening on http:\/\/[^\s]+/,
  };
  const proc = await LoggedProcess.start({
    name,
    command: process.execPath,
    args: [...(name === 'gdrive-emulator' ? [] : NODE_FLAGS[name]), main, ...args],
    env: env ? { PATH: process.env['PATH'], HOME: process.env['HOME'], ...(name === 'gdrive-emulator' ? {} : PROCESS_ENV[name]), ...env } : undefined,
    readyLine: ready[name],
    readyTimeoutMs: 90_000,
    log,
  });
  let url: string | undefined;
  if (name === 'api') {
    const line = proc
      .output()
      .split('\n')
      .find((l) => l.includes('"msg":"api listening"'));
    url = `http://127.0.0.1:${(JSON.parse(line ?? '{}') as { port?: number }).port}`;
  } else if (name === 'gdrive-emulator') {
    url = /gdrive-emulator listening on (http:\/\/[^\s]+)/.exec(proc.output())?.[1]?.replace(/\/$/, '');
  }
  return { process: proc, url, stop: () => proc.stop() };
}

export interface StackOptions {
  dataDir: string;
  logDir: string;
  /** Extra env for the api only (e.g. the CPU profiler preload). */
  apiEnv?: Record<string, string>;
  /** Say what is happening (stderr). */
  say?: (line: string) => void;
}

/** Stacks still running (stopped on Ctrl-C by main.ts). */
export const runningStacks = new Set<BenchStack>();

/**
 * Everything `npm start` runs, on free ports with data under a temp dir:
 * FerretDB, Redis, Apache WebDAV, the Drive emulator, the api — and the
 * worker on demand (only the backup figure wants it running; elsewhere its
 * backup copies would compete for the same two cores).
 */
export class BenchStack {
  worker?: BenchApp;
  private constructor(
    readonly services: LocalServices,
    readonly emulator: BenchApp & { apiRoot: string },
    readonly api: BenchApp,
    readonly env: Record<string, string>,
    readonly credentials: OAuthCredential[],
    readonly mongo: Connection,
    private readonly options: StackOptions,
    private readonly dist: Dist,
  ) {}

  get apiUrl(): string {
    return this.api.url as string;
  }

  get apiPid(): number {
    return this.api.process.pid as number;
  }

  get webdav(): { url: string; username: string; password: string; rootDir: string } {
    const w = this.services.webdav;
    if (!w) throw new Error('no WebDAV server');
    return { url: w.url, username: w.username ?? '', password: w.password ?? '', rootDir: w.rootDir ?? '' };
  }

  static async start(options: StackOptions): Promise<BenchStack> {
    const say = options.say ?? (() => undefined);
    mkdirSync(options.logDir, { recursive: true });
    const dist = await snapshotDist(say);
    say('starting FerretDB, Redis and Apache WebDAV…');
    let services: LocalServices;
    try {
      services = await startLocalServices({ dataDir: options.dataDir, logDir: options.logDir, webdav: 'apache' });
    } catch (e) {
      dist.remove();
      throw e;
    }
    const stops: Array<() => Promise<void>> = [services.stop, async () => dist.remove()];
    try {
      const secret = () => randomBytes(18).toString('base64url');
      const credentials: OAuthCredential[] = [1, 2].map((n) => ({
        client_id: `bench-${n}.apps.googleusercontent.com`,
        client_secret: secret(),
        refresh_token: `1//${secret()}`,
      }));
      say('starting the Drive emulator…');
      const gdriveDir = join(options.dataDir, 'gdrive');
      mkdirSync(gdriveDir, { recursive: true });
      const configFile = join(gdriveDir, 'emulator-config.json');
      writeFileSync(configFile, JSON.stringify({ accounts: credentials.map((c, i) => ({ email: `bench-${i + 1}@emulator.local`, limit: 256 * GiB, oauth: c })) }));
      const emu = await startBuilt(dist.main('gdrive-emulator'), 'gdrive-emulator', ['--port', '0', '--data-dir', gdriveDir, '--config', configFile], undefined, join(options.logDir, 'gdrive-emulator.log'));
      const emulator = { ...emu, apiRoot: `${emu.url}/` };
      stops.unshift(emulator.stop);

      const mongoUrl = mongoUrlFor(services.mongoUrl, DATABASE);
      const mongo = await mongoose.createConnection(mongoUrl, { serverSelectionTimeoutMS: 20_000 }).asPromise();
      stops.unshift(() => mongo.close());
      // The product's default daily allowance (2 GiB per anonymous client) and its
      // hourly allowance of upload initiations per client are far below what the bench
      // moves, all from one address; settings are one document per key (SettingsRepository).
      const settings = mongo.collection<{ _id: string; value: unknown; updatedAt: Date; updatedBy: string }>('settings');
      const benchSettings = { anonymousDailyBytes: 1024 * GiB, anonymousMaxFileBytes: 8 * GiB, uploadInitiationsPerHourPerClient: 100_000, maxUploadsInProgress: 1000 };
      for (const [key, value] of Object.entries(benchSettings)) {
        await settings.updateOne({ _id: key }, { $set: { value, updatedAt: new Date(), updatedBy: 'bench' } }, { upsert: true });
      }

      const env: Record<string, string> = {
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: '0',
        MONGO_URL: mongoUrl,
        REDIS_URL: services.redisUrl,
        REDIS_PREFIX: 'bench',
        ...(services.webdav ? webdavEnv({ url: services.webdav.url, username: services.webdav.username, password: services.webdav.password }) : {}),
        WEBDAV_PREFIX: '/bench',
        GDRIVE_API_ROOT: emulator.apiRoot,
        GDRIVE_ACCOUNTS_JSON: JSON.stringify(credentials.map((c, i) => ({ label: `bench-drive-${i + 1}`, ...c }))),
      };
      say('starting the api…');
      const api = await startBuilt(dist.main('api'), 'api', [], { ...env, ...options.apiEnv }, join(options.logDir, 'api.log'));
      stops.unshift(api.stop);
      const stack = new BenchStack(services, emulator, api, env, credentials, mongo, options, dist);
      runningStacks.add(stack);
      return stack;
    } catch (e) {
      for (const stop of stops) await stop().catch(() => undefined);
      throw e;
    }
  }

  async startWorker(): Promise<void> {
    if (this.worker) return;
    this.options.say?.('starting the worker…');
    this.worker = await startBuilt(this.dist.main('worker'), 'worker', [], this.env, join(this.options.logDir, 'worker.log'));
  }

  /** Pids of the processes started here (Apache's workers are found by their command line). */
  pids(): Array<{ name: string; pid: number }> {
    const all = [...this.services.processes.map((p) => ({ name: p.options.name, pid: p.pid })), this.emulator.process, this.api.process, ...(this.worker ? [this.worker.process] : [])];
    return all.filter((p) => p.pid).map((p) => ({ name: p.name, pid: p.pid as number }));
  }

  /** Stops every process this stack started, in reverse order. */
  async stop(): Promise<void> {
    runningStacks.delete(this);
    await this.worker?.stop().catch(() => undefined);
    await this.api.stop().catch(() => undefined);
    await this.mongo.close().catch(() => undefined);
    await this.emulator.stop().catch(() => undefined);
    await this.services.stop().catch(() => undefined);
    this.dist.remove();
  }
}

export interface FileRow {
  _id: string;
  status: string;
  driveFileId?: string | null;
  driveAccountId?: string | null;
  backupStatus?: string;
  backupPath?: string | null;
  backedUpAt?: Date | null;
  sizeBytes: number;
  md5?: string | null;
}

export function filesCollection(mongo: Connection) {
  return mongo.collection<FileRow>('files');
}
