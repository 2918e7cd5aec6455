import { RunningApp, spawnRedisServer, startApp } from '@ddx/local-services';
import { HealthResponse } from '@ddx/contracts';

import { testEnv } from '../../testing/test-app';

async function health(url: string): Promise<{ status: number; body: HealthResponse }> {
  const res = await fetch(`${url}/api/v1/health`);
  return { status: res.status, body: (await res.json()) as HealthResponse };
}

async function waitForHealth(url: string, status: number, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await health(url);
    if (result.status === status || Date.now() > deadline) return result;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('GET /api/v1/health (real api process)', () => {
  let api: RunningApp;
  let redis: Awaited<ReturnType<typeof spawnRedisServer>>;

  beforeAll(async () => {
    redis = await spawnRedisServer();
    api = await startApp('api', testEnv('health', { REDIS_URL: redis.url }));
  });

  afterAll(async () => {
    await api?.stop();
    await redis?.process?.stop();
  });

  it('answers 200 when MongoDB and Redis are reachable, 503 when Redis stops, 200 again when it returns', async () => {
    const url = api.url as string;
    expect(await health(url)).toEqual({ status: 200, body: { status: 'ok', mongo: 'up', redis: 'up' } });

    await redis.process?.stop();
    expect(await waitForHealth(url, 503)).toEqual({ status: 503, body: { status: 'degraded', mongo: 'up', redis: 'down' } });

    redis = await spawnRedisServer({ port: redis.port });
    expect(await waitForHealth(url, 200)).toEqual({ status: 200, body: { status: 'ok', mongo: 'up', redis: 'up' } });
  });
});
