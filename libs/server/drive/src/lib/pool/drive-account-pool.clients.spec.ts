import { driveAccount } from '../../testing/drive-account.fixture';
import { strictMock } from '../../testing/strict-mock';
import type { DriveCredential } from '../drive-credential';
import { DriveAccountNotFoundError, DriveAccountPool, type DriveAccountAccess, type Sealer } from './drive-account-pool';
import type { DriveAccountRepository } from './drive-account.repository';
import type { DriveAccountDoc } from './drive-account.schema';

// Downloads ask for a reader client on every request: the pool must never
// hand out one for a disabled or unhealthy account, and must not ask MongoDB
// more often than its TTL allows.

const CREDENTIAL: DriveCredential = { kind: 'oauth', clientId: 'id', clientSecret: 'secret', refreshToken: 'refresh' };

interface FakeClient extends DriveAccountAccess {
  credential: DriveCredential;
}

function setup(findById: jest.Mock, options: { readerStateTtlMs?: number } = {}, extra: Partial<DriveAccountRepository> = {}) {
  let now = 1_000_000;
  const openJson = jest.fn().mockReturnValue(CREDENTIAL);
  const clientFactory = jest.fn(
    (credential: DriveCredential): FakeClient => ({ credential, about: jest.fn(), ensureFolder: jest.fn() }),
  );
  const pool = new DriveAccountPool<FakeClient>(
    strictMock<DriveAccountRepository>('repository', { findById, ...extra }),
    strictMock<Sealer>('sealer', { openJson }),
    clientFactory,
    { ...options, now: () => new Date(now) },
  );
  return { pool, openJson, clientFactory, advance: (ms: number) => (now += ms) };
}

const found = (...accounts: Array<DriveAccountDoc | null>) => {
  const mock = jest.fn();
  for (const a of accounts) mock.mockResolvedValueOnce(a);
  return mock;
};

describe('DriveAccountPool.client', () => {
  it('opens the credential bound to its account id and builds the client once per credential', async () => {
    const findById = found(driveAccount(), driveAccount(), driveAccount({ credentialSealed: 'sealed:new' }));
    const { pool, openJson, clientFactory } = setup(findById);
    const first = await pool.client('acc-1');
    expect(first.credential).toBe(CREDENTIAL);
    expect(openJson).toHaveBeenCalledWith('sealed:acc-1', 'acc-1');
    await expect(pool.client('acc-1')).resolves.toBe(first);
    expect(clientFactory).toHaveBeenCalledTimes(1);
    // a replaced credential gets a new client
    const replaced = await pool.client('acc-1');
    expect(replaced).not.toBe(first);
    expect(openJson).toHaveBeenLastCalledWith('sealed:new', 'acc-1');
    expect(clientFactory).toHaveBeenCalledTimes(2);
  });

  it('names an account that does not exist', async () => {
    const { pool } = setup(found(null));
    const err = await pool.client('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriveAccountNotFoundError);
    expect(err).toMatchObject({ name: 'DriveAccountNotFoundError', message: 'Drive account nope does not exist' });
  });
});

describe('DriveAccountPool.readerClient', () => {
  it.each([
    ['disabled', driveAccount({ enabled: false })],
    ['unhealthy', driveAccount({ health: 'unhealthy' })],
    ['missing', null],
  ])('serves no reads from a %s account', async (_label, account) => {
    const { pool, clientFactory } = setup(found(account));
    await expect(pool.readerClient('acc-1')).resolves.toBeNull();
    expect(clientFactory).not.toHaveBeenCalled();
  });

  it('serves reads from a degraded account (it may only be rate-limited for uploads)', async () => {
    const { pool } = setup(found(driveAccount({ health: 'degraded' })));
    await expect(pool.readerClient('acc-1')).resolves.toMatchObject({ credential: CREDENTIAL });
  });

  it('reuses an answer until the TTL has passed, then asks again', async () => {
    const findById = found(driveAccount(), driveAccount({ enabled: false }));
    const { pool, advance } = setup(findById, { readerStateTtlMs: 500 });
    const first = await pool.readerClient('acc-1');
    expect(first).not.toBeNull();
    advance(499);
    await expect(pool.readerClient('acc-1')).resolves.toBe(first);
    expect(findById).toHaveBeenCalledTimes(1);
    advance(1);
    await expect(pool.readerClient('acc-1')).resolves.toBeNull();
    expect(findById).toHaveBeenCalledTimes(2);
  });

  it('reuses for 2 s by default', async () => {
    const findById = found(driveAccount(), driveAccount({ enabled: false }));
    const { pool, advance } = setup(findById);
    await pool.readerClient('acc-1');
    advance(1999);
    await expect(pool.readerClient('acc-1')).resolves.not.toBeNull();
    advance(1);
    await expect(pool.readerClient('acc-1')).resolves.toBeNull();
  });

  it('with a TTL of 0 asks every time', async () => {
    const findById = found(driveAccount(), driveAccount({ enabled: false }));
    const { pool } = setup(findById, { readerStateTtlMs: 0 });
    await expect(pool.readerClient('acc-1')).resolves.not.toBeNull();
    await expect(pool.readerClient('acc-1')).resolves.toBeNull();
  });

  it('keeps answers per account', async () => {
    const findById = jest.fn((id: string) => Promise.resolve(id === 'on' ? driveAccount({ _id: 'on' }) : driveAccount({ _id: 'off', enabled: false })));
    const { pool } = setup(findById);
    await expect(pool.readerClient('on')).resolves.not.toBeNull();
    await expect(pool.readerClient('off')).resolves.toBeNull();
    expect(findById.mock.calls).toEqual([['on'], ['off']]);
  });

  it('does not remember a failed read', async () => {
    const findById = jest.fn().mockRejectedValueOnce(new Error('mongo down')).mockResolvedValueOnce(driveAccount());
    const { pool } = setup(findById);
    await expect(pool.readerClient('acc-1')).rejects.toThrow('mongo down');
    await expect(pool.readerClient('acc-1')).resolves.not.toBeNull();
  });

  it('a failed read that was already replaced does not evict its successor', async () => {
    let failFirst!: (e: Error) => void;
    const findById = jest
      .fn()
      .mockReturnValueOnce(new Promise((_resolve, reject) => (failFirst = reject)))
      .mockResolvedValueOnce(driveAccount())
      .mockResolvedValueOnce(driveAccount({ enabled: false }));
    const { pool, advance } = setup(findById, { readerStateTtlMs: 100 });
    const first = pool.readerClient('acc-1');
    advance(100);
    const second = await pool.readerClient('acc-1');
    failFirst(new Error('slow and failed'));
    await expect(first).rejects.toThrow('slow and failed');
    await expect(pool.readerClient('acc-1')).resolves.toBe(second);
    expect(findById).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['reportSuccess', (pool: DriveAccountPool<FakeClient>) => pool.reportSuccess('acc-1')],
    ['setEnabled', (pool: DriveAccountPool<FakeClient>) => pool.setEnabled('acc-1', false)],
    ['reportFailure', (pool: DriveAccountPool<FakeClient>) => pool.reportFailure('acc-1', { kind: 'bad_request', message: 'x' })],
  ])('%s makes the next read ask again', async (_label, act) => {
    const findById = jest.fn().mockResolvedValue(driveAccount());
    const { pool } = setup(findById, {}, {
      markSuccess: jest.fn().mockResolvedValue(undefined),
      update: jest.fn().mockResolvedValue(driveAccount({ enabled: false })),
    });
    await pool.readerClient('acc-1');
    const before = findById.mock.calls.length;
    await act(pool);
    findById.mockResolvedValue(driveAccount({ enabled: false }));
    await expect(pool.readerClient('acc-1')).resolves.toBeNull();
    expect(findById.mock.calls.length).toBeGreaterThan(before);
  });

  it('a failure report that cannot be written still makes the next read ask again', async () => {
    const findById = jest.fn().mockResolvedValue(driveAccount());
    const markFull = jest.fn().mockRejectedValue(new Error('write failed'));
    const { pool } = setup(findById, {}, { markFull });
    await pool.readerClient('acc-1');
    await expect(pool.reportFailure('acc-1', { kind: 'storage_full', message: 'full' })).rejects.toThrow('write failed');
    findById.mockResolvedValue(null);
    await expect(pool.readerClient('acc-1')).resolves.toBeNull();
  });

  it('removing an account forgets its reader and its client', async () => {
    const findById = jest.fn().mockResolvedValue(driveAccount());
    const { pool, clientFactory } = setup(findById, {}, { remove: jest.fn().mockResolvedValue(true) });
    await pool.readerClient('acc-1');
    await pool.remove('acc-1');
    await pool.readerClient('acc-1');
    expect(findById).toHaveBeenCalledTimes(2);
    expect(clientFactory).toHaveBeenCalledTimes(2);
  });
});
