import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { localWebdavCredentials, startApacheWebdav, startInProcessWebdav, startWebdav } from './webdav';

const base = mkdtempSync(join(tmpdir(), 'ddx-webdav-'));
chmodSync(base, 0o755);
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function propfind(url: string, auth?: { username: string; password: string }): Promise<number> {
  const headers: Record<string, string> = { Depth: '0' };
  if (auth) headers['Authorization'] = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  const response = await fetch(`${url}/`, { method: 'PROPFIND', headers });
  await response.arrayBuffer();
  return response.status;
}

/** Pids whose command line mentions `needle` (Apache parent and workers). */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

describe('local WebDAV servers', () => {
  it('Apache requires the credentials it was given and leaves no worker behind when stopped', async () => {
    const credentials = localWebdavCredentials('tester');
    const dataDir = join(base, 'apache');
    const apache = await startApacheWebdav({ dataDir, ...credentials });
    expect(apache.kind).toBe('apache');
    expect(await propfind(apache.url)).toBe(401);
    expect(await propfind(apache.url, { ...credentials, password: 'wrong' })).toBe(401);
    expect(await propfind(apache.url, credentials)).toBe(207);

    const put = await fetch(`${apache.url}/hello%20world.txt`, {
      method: 'PUT',
      body: 'hi',
      headers: { Authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` },
    });
    expect(put.status).toBe(201);
    expect(readFileSync(join(apache.rootDir, 'hello world.txt'), 'utf8')).toBe('hi');

    const conf = join(dataDir, 'server', 'httpd.conf');
    expect(processesMentioning(conf).length).toBeGreaterThan(1);
    await apache.stop();
    expect(processesMentioning(conf)).toEqual([]);
    await expect(fetch(`${apache.url}/`)).rejects.toThrow();

    // What the exit hook does when the parent process dies: SIGKILL, which
    // Apache cannot pass on to its workers — the whole process group gets it.
    const again = await startApacheWebdav({ dataDir, ...credentials });
    again.process?.killNow();
    await again.process?.waitForExit();
    for (let i = 0; i < 50 && processesMentioning(conf).length; i++) await new Promise((r) => setTimeout(r, 20));
    expect(processesMentioning(conf)).toEqual([]);
  });

  it('the in-process server serves the same folder layout and checks credentials', async () => {
    const credentials = localWebdavCredentials();
    const server = await startInProcessWebdav({ dataDir: join(base, 'inprocess'), ...credentials });
    expect(server.rootDir).toBe(join(base, 'inprocess', 'files'));
    expect(await propfind(server.url)).toBe(401);
    expect(await propfind(server.url, credentials)).toBe(207);
    await server.stop();
  });

  const asRoot = process.getuid?.() === 0;
  (asRoot ? it : it.skip)('as root, startWebdav falls back to in-process when www-data cannot reach the data, and says why', async () => {
    const locked = join(base, 'locked');
    mkdirSync(locked, { mode: 0o700 });
    chmodSync(locked, 0o700);
    const server = await startWebdav({ dataDir: join(locked, 'webdav'), prefer: 'apache' });
    try {
      expect(server.kind).toBe('inprocess');
      expect(server.fallbackReason).toContain(`cannot enter ${locked}`);
    } finally {
      await server.stop();
    }
    const apache = await startWebdav({ dataDir: join(base, 'preferred'), prefer: 'apache' });
    expect(apache.kind).toBe('apache');
    expect(apache.fallbackReason).toBeUndefined();
    await apache.stop();
  });
});
