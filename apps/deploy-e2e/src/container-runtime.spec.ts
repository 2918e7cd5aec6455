import { builtApp, freePort, ManagedProcess, NODE_FLAGS, repoRoot, requireBinary } from '@ddx/local-services';
import { isolatedNames, testServices } from '@ddx/local-services/testing';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildProductionTree } from './support/production-tree';

/**
 * What the images run, run here: the bundles against the dependency tree the runtime
 * stage installs, the HEALTHCHECK scripts against real processes, and the dev-profile
 * stand-ins with the files the compose file gives them.
 */

const root = repoRoot();

/** Package name of a bare specifier: `@scope/name/deep` → `@scope/name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

/** Every module the webpack bundle leaves to require() at run time. */
function externalRequires(app: string): string[] {
  const bundle = readFileSync(builtApp(app), 'utf8');
  const specifiers = [...bundle.matchAll(/require\("([^"./][^"]*)"\)/g)].map((m) => m[1] as string);
  return [...new Set(specifiers.map(packageName))].filter((name) => !name.startsWith('node:') && !builtinModules.includes(name)).sort();
}

function run(command: string, args: string[], env: Record<string, string>): { status: number | null; output: string } {
  const r = spawnSync(command, args, { env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('the api and worker images\' /app (production dependencies only), booted', () => {
  let tree: { dir: string; remove(): void };
  let api: ManagedProcess;
  let worker: ManagedProcess;
  let apiUrl: string;

  beforeAll(async () => {
    tree = buildProductionTree(['api', 'worker']);
    const names = isolatedNames('deployimg');
    const env = {
      PATH: process.env['PATH'],
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      MONGO_URL: names.mongoUrl,
      REDIS_URL: testServices().redisUrl,
      REDIS_PREFIX: names.redisPrefix,
    };
    // The images' CMD: node <NODE_FLAGS> /app/main.js, with /app/node_modules beside it.
    [api, worker] = await Promise.all([
      ManagedProcess.start({ name: 'api-image', command: process.execPath, args: [...NODE_FLAGS.api, join(tree.dir, 'api', 'main.js')], env, readyLine: /"msg":"api listening"/ }),
      ManagedProcess.start({ name: 'worker-image', command: process.execPath, args: [...NODE_FLAGS.worker, join(tree.dir, 'worker', 'main.js')], env, readyLine: /"msg":"worker ready"/ }),
    ]);
    const port = (JSON.parse(api.recentOutput().split('\n').find((l) => l.includes('"msg":"api listening"')) ?? '{}') as { port?: number }).port;
    apiUrl = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    tree?.remove();
  });

  it.each([
    // Nest loads its HTTP platform with require() from @nestjs/core, not from the bundle.
    ['api', ['@nestjs/platform-express']],
    ['worker', []],
  ])('every package the %s bundle requires is installed without dev dependencies', (app, implicit) => {
    const needed = [...externalRequires(app as string), ...(implicit as string[])];
    expect(needed.length).toBeGreaterThan(3);
    expect(needed.filter((name) => !existsSync(join(tree.dir, 'node_modules', name)))).toEqual([]);
  });

  it('the Drive emulator bundle needs no node_modules at all (its image has none)', () => {
    expect(externalRequires('gdrive-emulator')).toEqual([]);
  });

  it('the api starts from it and answers its health route', async () => {
    const res = await fetch(`${apiUrl}/api/v1/health`);
    expect(res.status).toBe(200);
  });

  it('HEALTHCHECK (api): healthy when /api/v1/health answers 200 on PORT, unhealthy when nothing listens', async () => {
    const check = join(root, 'docker', 'healthcheck', 'http.js');
    expect(run(process.execPath, [check], { PORT: new URL(apiUrl).port })).toEqual({ status: 0, output: '' });
    const dead = run(process.execPath, [check], { PORT: String(await freePort()) });
    expect(dead.status).toBe(1);
    expect(dead.output).toContain('unhealthy');
  });

  it('HEALTHCHECK (worker): healthy when the worker process runs and its Redis answers', async () => {
    const check = join(root, 'docker', 'healthcheck', 'worker.js');
    const env = { WORKER_MAIN: join(tree.dir, 'worker', 'main.js'), REDIS_URL: testServices().redisUrl };
    expect(run(process.execPath, [check], env)).toEqual({ status: 0, output: '' });

    const noWorker = run(process.execPath, [check], { ...env, WORKER_MAIN: '/app/not-running.js' });
    expect(noWorker.status).toBe(1);
    expect(noWorker.output).toContain('no running process for /app/not-running.js');

    const noRedis = run(process.execPath, [check], { ...env, REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    expect(noRedis.status).toBe(1);
    expect(noRedis.output).toContain('Redis is not reachable');
  });

  it('HEALTHCHECK (worker): authenticates with the password in REDIS_URL, as in the compose stack', async () => {
    const check = join(root, 'docker', 'healthcheck', 'worker.js');
    const port = await freePort();
    const redis = await ManagedProcess.start({
      name: 'redis-auth',
      command: requireBinary('redis-server', 'apt-get install redis-server', ['/usr/sbin']),
      args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', 'hc-secret-0123'],
      readyLine: /Ready to accept connections/,
    });
    try {
      const env = { WORKER_MAIN: join(tree.dir, 'worker', 'main.js') };
      expect(run(process.execPath, [check], { ...env, REDIS_URL: `redis://:hc-secret-0123@127.0.0.1:${port}/0` }).status).toBe(0);
      const wrong = run(process.execPath, [check], { ...env, REDIS_URL: `redis://:wrong@127.0.0.1:${port}/0` });
      expect(wrong.status).toBe(1);
      expect(wrong.output).toMatch(/WRONGPASS|invalid password/i);
      const none = run(process.execPath, [check], { ...env, REDIS_URL: `redis://127.0.0.1:${port}/0` });
      expect(none.status).toBe(1);
      expect(none.output).toContain('NOAUTH');
    } finally {
      await redis.stop();
    }
  });
});

describe('dev profile stand-ins', () => {
  it('the Drive emulator starts with docker/dev/gdrive-emulator.json and honours the credentials in docker/dev/dev.env', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ddx-deploy-emu-'));
    const emulator = await ManagedProcess.start({
      name: 'gdrive-emulator',
      command: process.execPath,
      // The image's CMD, with a free port and a temp data dir.
      args: [builtApp('gdrive-emulator'), '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--config', join(root, 'docker', 'dev', 'gdrive-emulator.json')],
      readyLine: /gdrive-emulator listening on http:\/\/\S+/,
    });
    try {
      const url = (/listening on (http:\/\/\S+)/.exec(emulator.recentOutput())?.[1] ?? '').replace(/\/$/, '');
      // The same health check the image declares.
      expect(run(process.execPath, [join(root, 'docker', 'healthcheck', 'http.js'), `${url}/__emulator/accounts`], {}).status).toBe(0);

      const devEnv = readFileSync(join(root, 'docker', 'dev', 'dev.env'), 'utf8');
      const accountsLine = /^GDRIVE_ACCOUNTS_JSON=(.*)$/m.exec(devEnv)?.[1] ?? '[]';
      const accounts = JSON.parse(accountsLine) as { client_id: string; client_secret: string; refresh_token: string }[];
      expect(accounts).toHaveLength(1);
      for (const account of accounts) {
        const res = await fetch(`${url}/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'refresh_token', ...account }).toString(),
        });
        expect(res.status).toBe(200);
        expect((await res.json()) as object).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer' });
      }
    } finally {
      await emulator.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('the WebDAV server runs from the package closure its image copies, with Basic auth', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ddx-deploy-webdav-'));
    try {
      // Exactly what docker/webdav-dev.Dockerfile does: the closure, then the script next to it.
      const copy = spawnSync(process.execPath, [join(root, 'docker', 'dev', 'copy-package-closure.js'), dir, 'webdav-server'], { cwd: root, encoding: 'utf8' });
      expect(copy.status).toBe(0);
      copyFileSync(join(root, 'docker', 'dev', 'webdav-server.js'), join(dir, 'webdav-server.js'));
      const server = await ManagedProcess.start({
        name: 'webdav-dev',
        command: process.execPath,
        args: [join(dir, 'webdav-server.js')],
        cwd: dir,
        env: {
          PATH: process.env['PATH'],
          WEBDAV_DEV_PORT: '0',
          WEBDAV_DEV_HOST: '127.0.0.1',
          WEBDAV_DEV_ROOT: join(dir, 'data'),
          WEBDAV_USERNAME: 'dev',
          WEBDAV_PASSWORD: 'dev-pass',
        },
        readyLine: /webdav-dev listening on http:\/\/\S+/,
      });
      try {
        const port = /listening on http:\/\/[^:]+:(\d+)/.exec(server.recentOutput())?.[1];
        const url = `http://127.0.0.1:${port}/backup-test.txt`;
        const auth = { Authorization: `Basic ${Buffer.from('dev:dev-pass').toString('base64')}` };
        expect((await fetch(url, { method: 'PUT', body: 'hello' })).status).toBe(401);
        expect((await fetch(url, { method: 'PUT', body: 'hello', headers: auth })).status).toBe(201);
        const back = await fetch(url, { headers: auth });
        expect({ status: back.status, body: await back.text() }).toEqual({ status: 200, body: 'hello' });
      } finally {
        await server.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('configuration files outside containers', () => {
  it("node --env-file (supervisor and systemd units) reads the .env format, JSON values intact, and lets the unit's PORT win", () => {
    const r = run(
      process.execPath,
      ['--env-file', join(root, 'docker', 'dev', 'dev.env'), '-e', 'process.stdout.write(JSON.stringify([JSON.parse(process.env.GDRIVE_ACCOUNTS_JSON).length, process.env.PORT]))'],
      { PORT: '8082' },
    );
    expect(r).toEqual({ status: 0, output: '[1,"8082"]' });
    const example = run(process.execPath, ['--env-file', join(root, '.env.example'), '-e', 'process.stdout.write(process.env.MONGO_APP_USERNAME)'], {});
    expect(example).toEqual({ status: 0, output: 'directdrivex' });
  });
});
