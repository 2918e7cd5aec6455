import { startApp } from '@ddx/local-services';
import { isolatedNames, testServices } from '@ddx/local-services/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

jest.setTimeout(90_000);

/**
 * The worker follows the api's policy for an error no code expected
 * (docs/architecture.md, "Unexpected errors"): logged at fatal with its stack,
 * exit 70, and the supervisor starts a clean process. The test plants the bug
 * with a preloaded module that throws, or rejects a promise nobody awaits, on
 * a signal.
 */
describe('unexpected errors in the built worker process', () => {
  let dir: string;
  let preload: string;

  beforeAll(() => {
    dir = mkdtempSync(join(testServices().dataDir, 'worker-unexpected-'));
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
    const services = testServices();
    const names = isolatedNames(`unexpected-${signal.toLowerCase()}`);
    const worker = await startApp('worker', {
      NODE_ENV: 'test',
      NODE_OPTIONS: `--require ${preload}`,
      MONGO_URL: names.mongoUrl,
      REDIS_URL: services.redisUrl,
      REDIS_PREFIX: names.redisPrefix,
    });
    try {
      process.kill(worker.process.pid as number, signal);
      expect(await worker.process.waitForExit()).toBe(70);
      const fatal = worker.process
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
      await worker.stop();
    }
  });
});
