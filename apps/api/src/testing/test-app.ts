import { isolatedNames, testServices } from '@ddx/local-services/testing';
import { Env, loadConfig } from '@ddx/server-config';
import { NestExpressApplication } from '@nestjs/platform-express';

import { createApp } from '../app/bootstrap';

export interface TestApp {
  app: NestExpressApplication;
  url: string;
  env: Env;
  close(): Promise<void>;
}

/** Env for a product process of one test file: own database and Redis prefix. */
export function testEnv(label: string, overrides: Record<string, string> = {}): Record<string, string> {
  const names = isolatedNames(label);
  return {
    NODE_ENV: 'test',
    MONGO_URL: names.mongoUrl,
    REDIS_URL: testServices().redisUrl,
    REDIS_PREFIX: names.redisPrefix,
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: '0',
    ...overrides,
  };
}

/** The real api, in this process, listening on a free port. */
export async function startTestApp(env: Record<string, string>): Promise<TestApp> {
  // In-process logs would interleave with jest's output; keep only problems.
  const config = loadConfig({ ...env, LOG_LEVEL: 'warn' });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, url: `http://127.0.0.1:${port}`, env: config, close: () => app.close() };
}
