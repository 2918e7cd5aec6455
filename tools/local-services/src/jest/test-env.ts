import { randomBytes } from 'node:crypto';

import { mongoUrlFor } from '../mongo';

/** URLs published by global-setup; fails loudly if the suite forgot it. */
export function testServices(): { mongoUrl: string; redisUrl: string; dataDir: string } {
  const mongoUrl = process.env['DDX_TEST_MONGO_URL'];
  const redisUrl = process.env['DDX_TEST_REDIS_URL'];
  const dataDir = process.env['DDX_TEST_DATA_DIR'];
  if (!mongoUrl || !redisUrl || !dataDir) {
    throw new Error('local services are not running: add tools/local-services/src/jest/global-setup.ts to this jest config');
  }
  return { mongoUrl, redisUrl, dataDir };
}

/** A database and Redis prefix no other test file uses. */
export function isolatedNames(label: string): { database: string; mongoUrl: string; redisPrefix: string } {
  const suffix = `${label.replace(/[^a-z0-9]/gi, '').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const database = `t_${suffix}`;
  return { database, mongoUrl: mongoUrlFor(testServices().mongoUrl, database), redisPrefix: `t${suffix}` };
}

export interface TestWebdav {
  /** Apache mod_dav started by global-setup, e.g. http://127.0.0.1:41234 (no credentials). */
  url: string;
  username: string;
  password: string;
  /** Folder on disk behind the server's `/`. */
  rootDir: string;
  /** A collection path no other test file uses, e.g. `/t_backupstore_1a2b3c4d`. */
  prefix: string;
}

/** The WebDAV server published by global-setup, with a private prefix for `label`. */
export function testWebdav(label = 'test'): TestWebdav {
  const url = process.env['DDX_TEST_WEBDAV_URL'];
  const username = process.env['DDX_TEST_WEBDAV_USERNAME'];
  const password = process.env['DDX_TEST_WEBDAV_PASSWORD'];
  const rootDir = process.env['DDX_TEST_WEBDAV_ROOT'];
  if (!url || username === undefined || password === undefined || !rootDir) {
    throw new Error('the test WebDAV server is not running: add tools/local-services/src/jest/global-setup.ts to this jest config');
  }
  const prefix = `/t_${label.replace(/[^a-z0-9]/gi, '').slice(0, 20).toLowerCase()}_${randomBytes(4).toString('hex')}`;
  return { url, username, password, rootDir, prefix };
}

export * from './planted-bug';
