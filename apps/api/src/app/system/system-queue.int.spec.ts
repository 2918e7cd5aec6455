import { RunningApp, startApp } from '@ddx/local-services';
import { SystemQueue } from '@ddx/server-queue';

import { startTestApp, TestApp, testEnv } from '../../testing/test-app';

describe('system queue: api → BullMQ → worker process', () => {
  let api: TestApp;
  let worker: RunningApp;

  beforeAll(async () => {
    const env = testEnv('queue');
    worker = await startApp('worker', env);
    api = await startTestApp(env);
  });

  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it('a ping queued by the api is processed by the separate worker process', async () => {
    const result = await api.app.get(SystemQueue).ping('n-123');
    expect(result.nonce).toBe('n-123');
    expect(result.pid).toBe(worker.process.pid);
    expect(result.pid).not.toBe(process.pid);
  });
});
