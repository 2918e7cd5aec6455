import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { LocalWebdav, localWebdavCredentials, startInProcessWebdav } from '@ddx/local-services';
import { testServices } from '@ddx/local-services/testing';

import { BackupStore } from './backup-store';
import { BackupStoreError } from './backup-store-error';

// The in-process webdav-server that `npm start` uses without Apache. Unlike
// Apache it reports RFC 4331 quota (with a storage manager) and answers 507.
async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('BackupStore against the in-process webdav-server', () => {
  const quotaBytes = 4 * 1024 * 1024;
  let server: LocalWebdav;
  let store: BackupStore;

  beforeAll(async () => {
    const dataDir = join(testServices().dataDir, `inprocess-${randomBytes(4).toString('hex')}`);
    server = await startInProcessWebdav({ dataDir, quotaBytes, ...localWebdavCredentials() });
    store = new BackupStore({ url: server.url, username: server.username, password: server.password, prefix: '/directdrivex' });
  });
  afterAll(async () => {
    store.close();
    await server.stop();
  });

  it('puts, stats and reads (whole and ranged)', async () => {
    const data = randomBytes(300 * 1024);
    const path = store.backupPathFor('inproc1', 'ünï #1?.bin');
    expect(await store.put(path, Readable.from([data.subarray(0, 1000), data.subarray(1000)]), { size: data.length })).toEqual({ path, size: data.length });
    expect((await store.stat(path))?.size).toBe(data.length);
    expect((await readAll(await store.createReadStream(path))).equals(data)).toBe(true);
    expect((await readAll(await store.createReadStream(path, { start: 2, end: 5 }))).equals(data.subarray(2, 6))).toBe(true);
  });

  it('rejects wrong credentials with kind auth', async () => {
    const wrong = new BackupStore({ url: server.url, username: server.username, password: 'not-the-password', prefix: '/directdrivex' });
    await expect(wrong.stat('/directdrivex')).rejects.toMatchObject({ kind: 'auth', status: 401 });
    wrong.close();
  });

  it('quota() returns the numbers its storage manager reports', async () => {
    const before = await store.quota();
    expect(before).toEqual({ used: expect.any(Number), available: expect.any(Number) });
    const data = randomBytes(512 * 1024);
    await store.put(store.backupPathFor('inproc2', 'half-mib.bin'), Readable.from([data]), { size: data.length });
    const after = await store.quota();
    expect(before && after).toBeTruthy();
    if (!before || !after) return;
    expect(after.used - before.used).toBeGreaterThanOrEqual(data.length);
    expect(after.available).toBeLessThanOrEqual(quotaBytes - after.used);
  });

  it('a put beyond the quota fails with kind insufficient_storage and leaves no file', async () => {
    const path = store.backupPathFor('inproc3', 'too-big.bin');
    const data = randomBytes(quotaBytes);
    const error = await store.put(path, Readable.from([data]), { size: data.length }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackupStoreError);
    expect(error).toMatchObject({ kind: 'insufficient_storage', status: 507 });
    expect(await store.stat(path)).toBeNull();
  });
});
