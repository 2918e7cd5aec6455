import { builtApp, ManagedProcess, NODE_FLAGS } from '@ddx/local-services';
import { fatalLines, PLANTED_BUGS, testServices, writePlantedBugPreload } from '@ddx/local-services/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { testEnv } from '../../testing/test-app';

jest.setTimeout(90_000);

/**
 * The policy for an error no code expected (docs/architecture.md, "Unexpected
 * errors"): the built api logs it at fatal, with its stack, and exits with 70
 * so its supervisor starts a clean process. No request can cause one (that is
 * what entry-points.fuzz.int.spec.ts checks), so the test plants one.
 */
describe('unexpected errors in the built api process', () => {
  let dir: string;
  let preload: string;

  beforeAll(() => {
    dir = mkdtempSync(join(testServices().dataDir, 'unexpected-'));
    preload = writePlantedBugPreload(dir);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(PLANTED_BUGS)('%s is logged at fatal with its stack, and the process exits 70', async (_name, signal, origin, message) => {
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
      expect(fatalLines(api.recentOutput())).toEqual([
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
