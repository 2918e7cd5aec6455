import { isolatedNames } from '@ddx/local-services/testing';
import mongoose, { Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';

// Test-only: the emulator app runs in-process.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startEmulator, type RunningEmulator } from '../../../../../../apps/gdrive-emulator/src/emulator';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { EmulatorControl } from '../../../../../../apps/gdrive-emulator/src/testing/emulator-control';
import { SecretBox } from '@ddx/server-database';
import { DriveClient } from '../drive-client';
import type { DriveCredential } from '../drive-credential';
import { DriveAccountPool, NoStorageAvailableError } from './drive-account-pool';
import { DriveAccountRepository } from './drive-account.repository';
import { DRIVE_ACCOUNTS_COLLECTION, DriveAccountDoc, driveAccountSchema } from './drive-account.schema';

jest.setTimeout(60_000);
const MiB = 1024 * 1024;

describe('DriveAccountPool (FerretDB/MongoDB + Drive emulator through googleapis)', () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let connection: Connection;
  let pool: DriveAccountPool<DriveClient>;
  let repository: DriveAccountRepository;
  let now = new Date();

  beforeAll(async () => {
    emulator = await startEmulator();
    control = new EmulatorControl(emulator.url);
    connection = await mongoose.createConnection(isolatedNames('pool').mongoUrl, { bufferCommands: false, retryWrites: false }).asPromise();
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
    await emulator?.close();
  });

  beforeEach(async () => {
    await control.reset();
    await connection.collection(DRIVE_ACCOUNTS_COLLECTION).deleteMany({});
    now = new Date();
    const model = connection.models['DriveAccount'] ?? connection.model<DriveAccountDoc>('DriveAccount', driveAccountSchema);
    await model.syncIndexes();
    repository = new DriveAccountRepository(model);
    pool = new DriveAccountPool<DriveClient>(
      repository,
      new SecretBox(randomBytes(32).toString('base64')),
      (credential) => new DriveClient({ credential, apiRoot: emulator.url }),
      { now: () => now },
    );
  });

  async function addAccount(limit: number, kind: 'oauth' | 'service_account' = 'oauth', usage = 0) {
    const a = await control.addAccount({ limit, usage });
    const credential: DriveCredential =
      kind === 'oauth'
        ? { kind: 'oauth', clientId: a.credentials.oauth!.client_id, clientSecret: a.credentials.oauth!.client_secret, refreshToken: a.credentials.oauth!.refresh_token }
        : { kind: 'service_account', json: a.credentials.serviceAccount as never };
    return { emulated: a, view: await pool.addAccount({ credential }) };
  }

  it('adds accounts of both credential kinds after a live check, storing no secret in clear', async () => {
    const a = await addAccount(100 * MiB, 'oauth', 10 * MiB);
    const b = await addAccount(50 * MiB, 'service_account');
    expect(a.view).toMatchObject({ email: a.emulated.email, quotaLimitBytes: 100 * MiB, quotaUsageBytes: 10 * MiB, freeBytes: 90 * MiB, kind: 'oauth' });
    expect(b.view).toMatchObject({ email: b.emulated.email, kind: 'service_account' });
    expect(a.view).not.toHaveProperty('credentialSealed');
    expect(a.view.folderId).toBeTruthy();

    const raw = JSON.stringify(await connection.collection(DRIVE_ACCOUNTS_COLLECTION).find().toArray());
    expect(raw).not.toContain(a.emulated.credentials.oauth!.refresh_token);
    expect(raw).not.toContain(a.emulated.credentials.oauth!.client_secret);
    expect(raw).not.toContain('PRIVATE KEY');
    expect(raw).not.toContain((a.emulated.credentials.serviceAccount?.private_key_id as string) ?? 'x');
  });

  it('refuses an account whose credential does not work', async () => {
    await expect(pool.addAccount({ credential: { kind: 'oauth', clientId: 'nope', clientSecret: 'nope', refreshToken: 'nope' } })).rejects.toMatchObject({
      kind: 'auth_revoked',
    });
    expect(await pool.list()).toEqual([]);
  });

  it('50 concurrent reservations never put an account over its quota', async () => {
    const a = await addAccount(20 * MiB);
    const b = await addAccount(12 * MiB);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => pool.reserve(MiB)));
    const ok = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof pool.reserve>>> => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(ok).toHaveLength(32);
    expect(refused).toHaveLength(18);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(NoStorageAvailableError);
    const counts = ok.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.value.accountId]: (acc[r.value.accountId] ?? 0) + 1 }), {});
    expect(counts[a.view._id]).toBe(20);
    expect(counts[b.view._id]).toBe(12);
    for (const view of await pool.list()) expect(view.freeBytes).toBe(0);
  });

  it('spreads load to the account with the most free space', async () => {
    const small = await addAccount(10 * MiB);
    const big = await addAccount(30 * MiB);
    expect((await pool.reserve(5 * MiB)).accountId).toBe(big.view._id);
    expect((await pool.reserve(5 * MiB)).accountId).toBe(big.view._id);
    expect((await pool.reserve(15 * MiB)).accountId).toBe(big.view._id);
    expect((await pool.reserve(6 * MiB)).accountId).toBe(small.view._id);
  });

  it('skips a rate-limited account until its time passes', async () => {
    const a = await addAccount(100 * MiB);
    const b = await addAccount(50 * MiB);
    await pool.reportFailure(a.view._id, { kind: 'rate_limited', message: 'User rate limit exceeded', retryAfterMs: 60_000 });
    expect((await pool.reserve(MiB)).accountId).toBe(b.view._id);
    expect((await pool.get(a.view._id))?.health).toBe('degraded');
    now = new Date(now.getTime() + 61_000);
    expect((await pool.reserve(MiB)).accountId).toBe(a.view._id);
  });

  it('skips an account Drive reports full, until a refresh shows space', async () => {
    const a = await addAccount(100 * MiB);
    await pool.reportFailure(a.view._id, { kind: 'storage_full', message: 'storageQuotaExceeded' });
    await expect(pool.reserve(MiB)).rejects.toBeInstanceOf(NoStorageAvailableError);
    await pool.refreshAccount(a.view._id);
    expect((await pool.reserve(MiB)).accountId).toBe(a.view._id);
  });

  it('gives a typed error when no account can take the size, and release/commit settle reservations', async () => {
    const a = await addAccount(10 * MiB);
    await expect(pool.reserve(11 * MiB)).rejects.toBeInstanceOf(NoStorageAvailableError);
    const r = await pool.reserve(4 * MiB);
    expect((await pool.get(a.view._id))?.reservedBytes).toBe(4 * MiB);
    await pool.release(r);
    expect(await pool.get(a.view._id)).toMatchObject({ reservedBytes: 0, freeBytes: 10 * MiB });
    const r2 = await pool.reserve(4 * MiB);
    await pool.commit(r2.accountId, r2.bytes, 3 * MiB);
    expect(await pool.get(a.view._id)).toMatchObject({ reservedBytes: 0, quotaUsageBytes: 3 * MiB, freeBytes: 7 * MiB });
  });

  it('marks an account unhealthy when its credential is revoked, and a refresh records the error', async () => {
    const a = await addAccount(10 * MiB);
    await control.revokeAccount(a.emulated.id);
    const refreshed = await pool.refreshAccount(a.view._id);
    expect(refreshed?.health).toBe('unhealthy');
    expect(refreshed?.lastError).toBeTruthy();
    await expect(pool.reserve(MiB)).rejects.toBeInstanceOf(NoStorageAvailableError);
  });

  it('readerClient serves only enabled, not-unhealthy accounts', async () => {
    const a = await addAccount(10 * MiB);
    const client = await pool.readerClient(a.view._id);
    expect(client).toBeInstanceOf(DriveClient);
    expect((await client!.about()).email).toBe(a.emulated.email);
    await pool.setEnabled(a.view._id, false);
    expect(await pool.readerClient(a.view._id)).toBeNull();
    await pool.setEnabled(a.view._id, true);
    await control.revokeAccount(a.emulated.id);
    await pool.refreshAccount(a.view._id);
    expect(await pool.readerClient(a.view._id)).toBeNull();
    expect(await pool.readerClient('no-such-account')).toBeNull();
  });

  it('readerClient reuses an account read for 2 s, shares one read between concurrent callers, and applies its own changes at once', async () => {
    const a = await addAccount(10 * MiB);
    const reads = jest.spyOn(repository, 'findById');
    const clients = await Promise.all(Array.from({ length: 5 }, () => pool.readerClient(a.view._id)));
    expect(reads).toHaveBeenCalledTimes(1);
    expect(new Set(clients).size).toBe(1);
    expect(clients[0]).toBeInstanceOf(DriveClient);

    // Another process disables the account: seen once the 2 s have passed.
    await connection.collection(DRIVE_ACCOUNTS_COLLECTION).updateOne({ _id: a.view._id as never }, { $set: { enabled: false } });
    now = new Date(now.getTime() + 1999);
    expect(await pool.readerClient(a.view._id)).toBe(clients[0]);
    now = new Date(now.getTime() + 2);
    expect(await pool.readerClient(a.view._id)).toBeNull();
    expect(reads).toHaveBeenCalledTimes(2);

    // Changes made through the pool apply at once.
    await pool.setEnabled(a.view._id, true);
    expect(await pool.readerClient(a.view._id)).toBeInstanceOf(DriveClient);
    await pool.reportFailure(a.view._id, { kind: 'auth_revoked', message: 'revoked' });
    expect(await pool.readerClient(a.view._id)).toBeNull();
    await pool.reportSuccess(a.view._id);
    expect(await pool.readerClient(a.view._id)).toBeInstanceOf(DriveClient);
    await pool.remove(a.view._id);
    expect(await pool.readerClient(a.view._id)).toBeNull();
  });

  it('refresh updates usage from Drive while keeping reservations', async () => {
    const a = await addAccount(100 * MiB);
    await pool.reserve(10 * MiB);
    await control.updateAccount(a.emulated.id, { usage: 40 * MiB });
    const refreshed = await pool.refreshAccount(a.view._id);
    expect(refreshed).toMatchObject({ quotaUsageBytes: 40 * MiB, reservedBytes: 10 * MiB, freeBytes: 50 * MiB, health: 'healthy' });
  });

  it('imports env accounts only into an empty pool', async () => {
    const e = await control.addAccount({ limit: 10 * MiB });
    const oauth = e.credentials.oauth!;
    const first = await pool.importFromEnv([{ label: 'env-1', credential: { kind: 'oauth', clientId: oauth.client_id, clientSecret: oauth.client_secret, refreshToken: oauth.refresh_token } }]);
    expect(first).toEqual({ imported: 1, failed: [] });
    const second = await pool.importFromEnv([{ label: 'env-2', credential: { kind: 'oauth', clientId: 'x', clientSecret: 'y', refreshToken: 'z' } }]);
    expect(second.imported).toBe(0);
    expect((await pool.list()).map((a) => a.label)).toEqual(['env-1']);
  });
});
