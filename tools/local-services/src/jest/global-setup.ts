import { chmodSync, mkdtempSync } from 'node:fs';
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
  // mkdtemp makes it 0700; Apache's workers (www-data when we are root) must pass through it.
  chmodSync(dataDir, 0o711);
  // WebDAV is always Apache here: it is the RFC-correct stand-in for the Storage Box.
  const services = await startLocalServices({ dataDir, logDir: join(dataDir, 'logs'), webdav: 'apache' });
  globalThis.__DDX_SERVICES__ = services;
  process.env['DDX_TEST_DATA_DIR'] = dataDir;
  process.env['DDX_TEST_MONGO_URL'] = services.mongoUrl;
  process.env['DDX_TEST_REDIS_URL'] = services.redisUrl;
  const webdav = services.webdav;
  if (webdav) {
    process.env['DDX_TEST_WEBDAV_URL'] = webdav.url;
    process.env['DDX_TEST_WEBDAV_USERNAME'] = webdav.username ?? '';
    process.env['DDX_TEST_WEBDAV_PASSWORD'] = webdav.password ?? '';
    process.env['DDX_TEST_WEBDAV_ROOT'] = webdav.rootDir ?? '';
  }
}
