import { isolatedNames } from '@ddx/local-services/testing';
import mongoose, { Connection } from 'mongoose';

import { BackupConcurrency, ConcurrencyTarget } from './backup-concurrency';

/** BackupConcurrency against real FerretDB: the stored admin setting decides the worker's concurrency. */
describe('BackupConcurrency (admin setting backupConcurrency)', () => {
  let connection: Connection;
  const target: ConcurrencyTarget = { worker: { concurrency: 1 } };
  const settings = () => connection.collection<{ _id: string; value: unknown }>('settings');
  const store = (value: unknown) => settings().updateOne({ _id: 'backupConcurrency' }, { $set: { value, updatedAt: new Date() } }, { upsert: true });

  beforeAll(async () => {
    connection = await mongoose.createConnection(isolatedNames('backupconc').mongoUrl, { retryWrites: false }).asPromise();
  });

  afterAll(async () => {
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  it('uses BACKUP_CONCURRENCY until the setting is stored, then the setting; null or invalid falls back', async () => {
    const control = BackupConcurrency.create(connection, { BACKUP_CONCURRENCY: 3, SETTINGS_CACHE_TTL_MS: 100 }, target);
    expect(await control.refresh()).toBe(3);
    expect(target.worker.concurrency).toBe(3);
    await store(1);
    expect(await control.refresh()).toBe(1);
    await store(5);
    expect(await control.refresh()).toBe(5);
    await store(null);
    expect(await control.refresh()).toBe(3);
    await store('lots');
    expect(await control.refresh()).toBe(3);
    await store(99);
    expect(await control.refresh()).toBe(3);
  });

  it('picks a change up by itself within the settings period, without a restart', async () => {
    await store(2);
    const control = BackupConcurrency.create(connection, { BACKUP_CONCURRENCY: 4, SETTINGS_CACHE_TTL_MS: 100 }, target);
    await control.onApplicationBootstrap();
    try {
      expect(target.worker.concurrency).toBe(2);
      await store(6);
      const deadline = Date.now() + 10_000;
      while (target.worker.concurrency !== 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(target.worker.concurrency).toBe(6);
    } finally {
      control.onModuleDestroy();
    }
  });
});
