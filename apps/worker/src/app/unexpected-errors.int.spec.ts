import { startApp } from '@ddx/local-services';
import { fatalLines, isolatedNames, PLANTED_BUGS, testServices, writePlantedBugPreload } from '@ddx/local-services/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

jest.setTimeout(90_000);

/**
 * The worker follows the api's policy for an error no code expected
 * (docs/architecture.md, "Unexpected errors"): logged at fatal with its stack,
 * exit 70, and the supervisor starts a clean process.
 */
describe('unexpected errors in the built worker process', () => {
  let dir: string;
  let preload: string;

  beforeAll(() => {
    dir = mkdtempSync(join(testServices().dataDir, 'worker-unexpected-'));
    preload = writePlantedBugPreload(dir);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(PLANTED_BUGS)('%s is logged at fatal with its stack, and the process exits 70', async (_name, signal, origin, message) => {
    const names = isolatedNames(`unexpected-${signal.toLowerCase()}`);
    const worker = await startApp('worker', {
      NODE_ENV: 'test',
      NODE_OPTIONS: `--require ${preload}`,
      MONGO_URL: names.mongoUrl,
      REDIS_URL: testServices().redisUrl,
      REDIS_PREFIX: names.redisPrefix,
    });
    try {
      process.kill(worker.process.pid as number, signal);
      expect(await worker.process.waitForExit()).toBe(70);
      expect(fatalLines(worker.process.recentOutput())).toEqual([
        expect.objectContaining({
          msg: expect.stringContaining('exiting so the supervisor restarts'),
          origin,
          err: expect.objectContaining({ message, stack: expect.stringContaining('plant-bug.js') }),
        }),
      ]);
    } finally {
      await worker.stop();
    }
  });
});
