import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { ManagedProcess } from './managed-process';
import { repoRoot } from './repo-root';

export type ProductApp = 'api' | 'worker';

/**
 * Node flags each product process runs with, here and in docker/<app>.Dockerfile's CMD
 * (apps/deploy-e2e checks they agree). The api's young generation is raised from 16 to 64 MiB:
 * after a burst of concurrent uploads, V8 otherwise promotes the short-lived objects around each
 * 4 MiB frame and then runs a full mark-compact every few MiB uploaded (seen with --trace-gc in
 * `npm run bench`: ~7 per second, and twice the api's CPU per MiB); with 64 MiB they die young.
 */
export const NODE_FLAGS: Record<ProductApp, string[]> = {
  api: ['--max-semi-space-size=64'],
  worker: [],
};

/**
 * Environment each product process runs with, here, in docker/<app>.Dockerfile (ENV) and in the
 * systemd and supervisor files (apps/deploy-e2e checks they agree). For the api, glibc's mmap
 * threshold is pinned at 128 KiB: by default it rises to the size of the largest block freed, so
 * after the first 4 MiB upload frame every later frame came from the heap, whose freed memory
 * glibc keeps — RSS under 10 concurrent uploads grew ~20–30 MiB more than with it pinned.
 */
export const PROCESS_ENV: Record<ProductApp, Record<string, string>> = {
  api: { MALLOC_MMAP_THRESHOLD_: '131072' },
  worker: {},
};

const READY: Record<ProductApp, RegExp> = {
  api: /"msg":"api listening"/,
  worker: /"msg":"worker ready"/,
};

export interface RunningApp {
  process: ManagedProcess;
  /** For the api: its base URL, e.g. http://127.0.0.1:41234 */
  url?: string;
  stop(): Promise<void>;
}

/** Tests keep each process's output next to the services' logs. */
function defaultLog(app: string): string | 'ignore' {
  const dir = process.env['DDX_TEST_DATA_DIR'];
  return dir ? join(dir, `${app}-${process.pid}-${Date.now()}.log`) : 'ignore';
}

/** Path of a built app; tells how to build it when missing. */
export function builtApp(app: string): string {
  const main = join(repoRoot(), 'dist', 'apps', app, 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npx nx build ${app}\` first`);
  return main;
}

/**
 * Runs a built product process (dist/apps/<app>/main.js) the way production
 * does, with only the given env on top of PATH/HOME. An api started with
 * PORT=0 reports the port it got.
 */
export async function startApp(app: ProductApp, env: Record<string, string>, options: { log?: string } = {}): Promise<RunningApp> {
  const proc = await ManagedProcess.start({
    name: app,
    command: process.execPath,
    args: [...NODE_FLAGS[app], builtApp(app)],
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], LOG_LEVEL: 'info', ...PROCESS_ENV[app], ...env },
    readyLine: READY[app],
    readyTimeoutMs: 60_000,
    output: options.log ?? defaultLog(app),
  });
  let url: string | undefined;
  if (app === 'api') {
    const line = proc
      .recentOutput()
      .split('\n')
      .find((l) => l.includes('"msg":"api listening"'));
    const port = line ? (JSON.parse(line) as { port?: number }).port : undefined;
    url = `http://${env['HOST'] ?? '127.0.0.1'}:${port ?? env['PORT']}`;
  }
  return { process: proc, url, stop: () => proc.stop() };
}
