import { AdminTokenResponse, ApiRoutes } from '@ddx/contracts';
import { builtApp, startApp } from '@ddx/local-services';
import { testServices } from '@ddx/local-services/testing';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { startTestApp, testEnv } from '../../../testing/test-app';
import { call } from '../../auth/testing/http';

/**
 * The built api process (`npx nx build api` first): what `npm start` prints,
 * the `admin:create` command, and production's refusal of a weak password.
 */
describe('first superadmin (built api process)', () => {
  const run = promisify(execFile);

  const adminLogin = (url: string, email: string, password: string) =>
    call<AdminTokenResponse>(url, 'POST', ApiRoutes.adminAuth.token, { json: { email, password } });

  const cli = async (env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await run(process.execPath, [builtApp('api'), 'admin:create', ...args], {
        env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
        timeout: 30_000,
      });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
    }
  };

  /** The process log goes through a file stream that may lag readiness: wait for the ready line. */
  const readLog = async (file: string): Promise<string> => {
    for (let i = 0; i < 100; i++) {
      const text = readFileSync(file, 'utf8');
      if (text.includes('"msg":"api listening"')) return text;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no "api listening" line in ${file}`);
  };

  it('in development without SUPERADMIN_* creates admin@directdrivex.local and prints its random password once', async () => {
    const env = testEnv('devroot', { NODE_ENV: 'development', LOG_LEVEL: 'info' });
    const log = join(testServices().dataDir, `devroot-${process.pid}.log`);
    const first = await startApp('api', env, { log });
    let password: string;
    try {
      const lines = (await readLog(log)).split('\n').filter((l) => l.includes('DEVELOPMENT SUPERADMIN CREATED'));
      expect(lines).toHaveLength(1);
      const entry = JSON.parse(lines[0] as string) as { level: string; msg: string };
      expect(entry.level).toBe('warn');
      expect(entry.msg).toContain('admin@directdrivex.local');
      password = /password (\S+) \./.exec(entry.msg)?.[1] as string;
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      const login = await adminLogin(first.url as string, 'admin@directdrivex.local', password);
      expect(login.status).toBe(200);
      expect(login.body.admin_role).toBe('superadmin');
    } finally {
      await first.stop();
    }

    const log2 = join(testServices().dataDir, `devroot2-${process.pid}.log`);
    const second = await startApp('api', env, { log: log2 });
    try {
      expect(await readLog(log2)).not.toContain('SUPERADMIN CREATED');
      expect((await adminLogin(second.url as string, 'admin@directdrivex.local', password)).status).toBe(200);
    } finally {
      await second.stop();
    }
  });

  it('admin:create makes a superadmin who can sign in, and refuses duplicates, weak passwords and bad usage', async () => {
    const env = testEnv('cli');
    const base = { MONGO_URL: env['MONGO_URL'] as string, NODE_ENV: 'test' };

    const created = await cli(base, '--email', 'Ops@Example.org', '--password', 'a long operator passphrase');
    expect(created).toMatchObject({ code: 0 });
    expect(created.stdout).toContain('Superadmin created: ops@example.org');
    expect(created.stdout).not.toContain('a long operator passphrase');

    const generated = await cli(base, '--email', 'ops2@example.org');
    expect(generated.code).toBe(0);
    const password = /Generated password \(shown once\): (\S+)/.exec(generated.stdout)?.[1] as string;
    expect(password).toBeTruthy();

    expect((await cli(base, '--email', 'ops@example.org', '--password', 'another long passphrase')).code).toBe(4);
    const weak = await cli(base, '--email', 'ops3@example.org', '--password', 'short');
    expect(weak.code).toBe(3);
    expect(weak.stderr).toMatch(/at least 8/);
    expect((await cli(base, '--password', 'a long operator passphrase')).code).toBe(2);
    expect((await cli(base, '--email', 'x@example.org', '--bogus')).code).toBe(2);

    const api = await startTestApp(env);
    try {
      expect((await adminLogin(api.url, 'ops@example.org', 'a long operator passphrase')).body.admin_role).toBe('superadmin');
      expect((await adminLogin(api.url, 'ops2@example.org', password)).body.admin_role).toBe('superadmin');
    } finally {
      await api.close();
    }
  });

  it('refuses to start in production with a weak SUPERADMIN_PASSWORD', async () => {
    const prod = {
      ...testEnv('prodroot'),
      NODE_ENV: 'production',
      JWT_SECRET: 'q8Vn3LrT0aZpW5yXc7BmKd2Fh9Js4Ug1',
      ADMIN_JWT_SECRET: 'Hy6Rb2Nw9Qe4Tz1Lx8Vm3Pk7Sd0Gf5Ja',
      ENCRYPTION_KEY: Buffer.from('0123456789abcdef0123456789abcdef').toString('base64'),
      SUPERADMIN_EMAIL: 'root@example.org',
      SUPERADMIN_PASSWORD: 'admin123',
    };
    const result = await run(process.execPath, [builtApp('api')], { env: { PATH: process.env['PATH'], ...prod }, timeout: 30_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code?: number; stderr?: string }) => ({ code: e.code, stderr: e.stderr ?? '' }),
    );
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/SUPERADMIN_PASSWORD/);
  });
});
