import { spawnRedisServer, startApp } from '@ddx/local-services';
import { isolatedNames } from '@ddx/local-services/testing';

describe('worker process and Redis', () => {
  it('exits with a non-zero code when Redis stays unreachable', async () => {
    const redis = await spawnRedisServer();
    const names = isolatedNames('watchdog');
    const worker = await startApp('worker', {
      NODE_ENV: 'test',
      MONGO_URL: names.mongoUrl,
      REDIS_URL: redis.url,
      REDIS_PREFIX: names.redisPrefix,
      WORKER_REDIS_LOST_EXIT_MS: '2000',
    });
    expect(worker.process.running).toBe(true);
    const started = Date.now();
    await redis.process?.stop();
    const code = await worker.process.waitForExit();
    expect(code).toBe(1);
    // It waited out the grace period rather than dying at the first error…
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    // …and did not linger long after it.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('survives a short Redis blip', async () => {
    const redis = await spawnRedisServer();
    const names = isolatedNames('blip');
    const worker = await startApp('worker', {
      NODE_ENV: 'test',
      MONGO_URL: names.mongoUrl,
      REDIS_URL: redis.url,
      REDIS_PREFIX: names.redisPrefix,
      WORKER_REDIS_LOST_EXIT_MS: '8000',
    });
    await redis.process?.stop();
    await new Promise((r) => setTimeout(r, 1500));
    const back = await spawnRedisServer({ port: redis.port });
    await new Promise((r) => setTimeout(r, 9000));
    expect(worker.process.running).toBe(true);
    await worker.stop();
    await back.process?.stop();
  });
});
