import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { LocalServices, startLocalServices } from '../local-services';

declare global {
  // eslint-disable-next-line no-var
  var __DDX_SERVICES__: LocalServices | undefined;
}

/**
 * Jest globalSetup for suites that need real servers. Starts them once per
 * jest run and publishes their URLs through env, which the test workers
 * (forked afterwards) inherit.
 */
export default async function globalSetup(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ddx-test-'));
  const services = await startLocalServices({ dataDir, logDir: join(dataDir, 'logs') });
  globalThis.__DDX_SERVICES__ = services;
  process.env['DDX_TEST_DATA_DIR'] = dataDir;
  process.env['DDX_TEST_MONGO_URL'] = services.mongoUrl;
  process.env['DDX_TEST_REDIS_URL'] = services.redisUrl;
}
