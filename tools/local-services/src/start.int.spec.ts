import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { repoRoot } from './repo-root';

function descendants(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there are none
  }
  const children = out.split('\n').map((s) => Number(s.trim())).filter(Boolean);
  return children.flatMap((c) => [c, ...descendants(c)]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start (tools/start.ts)', () => {
  it('serves the SPA and a healthy api on one origin, and leaves no process behind when stopped', async () => {
    const root = repoRoot();
    const dataDir = mkdtempSync(join(tmpdir(), 'ddx-start-'));
    const launcher = spawn(
      process.execPath,
      [join(root, 'node_modules/ts-node/dist/bin.js'), '--transpile-only', '-P', 'tools/local-services/tsconfig.lib.json', 'tools/start.ts', '--no-build'],
      { cwd: root, env: { PATH: process.env['PATH'], HOME: process.env['HOME'], PORT: '0', DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready in time:\n${output}`)), 90_000);
      const onData = (d: Buffer) => {
        output += d.toString();
        const m = /DirectDriveX is running at (http:\/\/\S+)/.exec(output);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      launcher.stdout.on('data', onData);
      launcher.stderr.on('data', onData);
      launcher.once('exit', (code) => reject(new Error(`launcher exited ${code}:\n${output}`)));
    });

    expect((await fetch(`${url}/api/v1/health`)).status).toBe(200);
    const page = await (await fetch(`${url}/files/some-client-route`, { headers: { Accept: 'text/html' } })).text();
    expect(page).toContain('<app-root>');

    const children = descendants(launcher.pid as number);
    expect(children.length).toBeGreaterThanOrEqual(4); // ferretdb, redis, api, worker (+ emulator)
    launcher.kill('SIGTERM');
    await new Promise((r) => launcher.once('exit', r));
    await new Promise((r) => setTimeout(r, 500));
    expect(children.filter(alive)).toEqual([]);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
