import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { LoggedProcess } from './spawn';

describe('LoggedProcess', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'bench-spawn-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the child’s output straight to its log file (nothing piped through this process) and waits for the ready line', async () => {
    const log = join(dir, 'a.log');
    const script = "console.log('starting'); setTimeout(() => console.error('all set'), 200); setInterval(() => {}, 1000)";
    const p = await LoggedProcess.start({ name: 'child', command: process.execPath, args: ['-e', script], log, readyLine: /all set/ });
    try {
      expect(p.child.stdout).toBeNull();
      expect(p.child.stderr).toBeNull();
      expect(readFileSync(log, 'utf8')).toBe('starting\nall set\n');
      expect(p.running).toBe(true);
    } finally {
      await p.stop();
    }
    expect(p.running).toBe(false);
  });

  it('fails with the log when the child exits before it is ready', async () => {
    const log = join(dir, 'b.log');
    await expect(LoggedProcess.start({ name: 'quitter', command: process.execPath, args: ['-e', "console.log('no config'); process.exit(3)"], log, readyLine: /ready/ })).rejects.toThrow(
      /quitter exited \(code 3\) before it was ready[\s\S]*no config/,
    );
  });
});
