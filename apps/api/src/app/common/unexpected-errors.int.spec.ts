import { builtApp, ManagedProcess, NODE_FLAGS } from '@ddx/local-services';
import { testServices } from '@ddx/local-services/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { testEnv } from '../../testing/test-app';

jest.setTimeout(90_000);

/**
 * The policy for an error no code expected (docs/architecture.md, "Unexpected
 * errors"): the built api logs it at fatal, with its stack, and exits with 70
 * so its supervisor starts a clean process. No request can cause one (that is
 * what entry-points.fuzz.int.spec.ts checks), so the test plants one: a
 * preloaded module that throws, or rejects a promise nobody awaits, on a signal.
 */
describe('unexpected errors in the built api process', () => {
  let dir: string;
  let preload: string;

  beforeAll(() => {
    dir = mkdtempSync(join(testServices().dataDir, 'unexpected-'));
    preload = join(dir, 'plant-bug.js');
    writeFileSync(
      preload,
      `process.on('SIGUSR2', () => { throw new Error('planted bug: thrown'); });
process.on('SIGWINCH', () => { Promise.reject(new Error('planted bug: rejected')); });
`,
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['a thrown exception', 'SIGUSR2', 'uncaughtException', 'planted bug: thrown'],
    ['an unhandled rejection', 'SIGWINCH', 'unhandledRejection', 'planted bug: rejected'],
  ] as const)('%s is logged at fatal with its stack, and the process exits 70', async (_name, signal, origin, message) => {
    const api = await ManagedProcess.start({
      name: 'api',
      command: process.execPath,
      args: [...NODE_FLAGS.api, '--require', preload, builtApp('api')],
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...testEnv(`unexpected-${signal.toLowerCase()}`) },
      readyLine: /"msg":"api listening"/,
      readyTimeoutMs: 60_000,
    });
    try {
      process.kill(api.pid as number, signal);
      expect(await api.waitForExit()).toBe(70);
      const fatal = api
        .recentOutput()
        .split('\n')
        .filter((l) => l.includes('"level":"fatal"'))
        .map((l) => JSON.parse(l) as { msg: string; origin: string; err: { message: string; stack: string } });
      expect(fatal).toEqual([
        expect.objectContaining({
          msg: expect.stringContaining('exiting so the supervisor restarts'),
          origin,
          err: expect.objectContaining({ message, stack: expect.stringContaining('plant-bug.js') }),
        }),
      ]);
    } finally {
      await api.stop();
    }
  });
});
