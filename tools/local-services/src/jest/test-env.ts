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
