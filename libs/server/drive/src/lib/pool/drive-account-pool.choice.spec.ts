import { driveAccount } from '../../testing/drive-account.fixture';
import { strictMock } from '../../testing/strict-mock';
import { DriveAccountPool, NoStorageAvailableError, type DriveAccountAccess, type Sealer } from './drive-account-pool';
import type { DriveAccountRepository } from './drive-account.repository';

// Which account takes a file is one conditional update in MongoDB (the
// repository; its filter is proven against FerretDB in the int spec). These
// tests pin what the pool asks for: the size, the day, the daily cap, the
// accounts a failover must not get back, and that yesterday's counters are
// reset first.

const NOW = new Date('2026-12-07T12:00:00.000Z');
const GB = 1000 ** 3;

function setup(reserved: ReturnType<typeof driveAccount> | null, options: { dailyCapBytes?: number } = {}) {
  const rollDailyWindow = jest.fn().mockResolvedValue(undefined);
  const reserve = jest.fn().mockResolvedValue(reserved);
  const repository = strictMock<DriveAccountRepository>('repository', { rollDailyWindow, reserve });
  const pool = new DriveAccountPool<DriveAccountAccess>(repository, strictMock<Sealer>('sealer'), () => {
    throw new Error('no client expected');
  }, { ...options, now: () => NOW });
  return { pool, rollDailyWindow, reserve };
}

describe('DriveAccountPool.reserve', () => {
  it('reserves the requested bytes on the account the repository picks, into its folder', async () => {
    const { pool, reserve } = setup(driveAccount({ _id: 'roomy', folderId: 'f-roomy' }));
    await expect(pool.reserve(5 * GB)).resolves.toEqual({ accountId: 'roomy', bytes: 5 * GB, folderId: 'f-roomy' });
    expect(reserve).toHaveBeenCalledWith(5 * GB, NOW, 750 * GB, []);
  });

  it('keeps a missing folder as null (the upload then goes to the Drive root)', async () => {
    const { pool } = setup(driveAccount({ _id: 'a', folderId: null }));
    await expect(pool.reserve(1)).resolves.toEqual({ accountId: 'a', bytes: 1, folderId: null });
  });

  it('starts a new day before choosing, so an account capped yesterday can take files today', async () => {
    const { pool, rollDailyWindow, reserve } = setup(driveAccount());
    await pool.reserve(10);
    expect(rollDailyWindow).toHaveBeenCalledWith(NOW);
    expect(rollDailyWindow.mock.invocationCallOrder[0]).toBeLessThan(reserve.mock.invocationCallOrder[0]);
  });

  it('on failover, asks for any account but the ones that already failed this file', async () => {
    const { pool, reserve } = setup(driveAccount({ _id: 'b' }));
    await expect(pool.reserve(7, { exclude: ['a', 'c'] })).resolves.toMatchObject({ accountId: 'b' });
    expect(reserve).toHaveBeenCalledWith(7, NOW, 750 * GB, ['a', 'c']);
  });

  it('applies a configured daily upload cap', async () => {
    const { pool, reserve } = setup(driveAccount(), { dailyCapBytes: 100 });
    await pool.reserve(100);
    expect(reserve).toHaveBeenCalledWith(100, NOW, 100, []);
  });

  it('without a clock of its own, reserves at the current time', async () => {
    const rollDailyWindow = jest.fn().mockResolvedValue(undefined);
    const reserve = jest.fn().mockResolvedValue(driveAccount());
    const pool = new DriveAccountPool<DriveAccountAccess>(strictMock<DriveAccountRepository>('repository', { rollDailyWindow, reserve }), strictMock<Sealer>('sealer'), () => {
      throw new Error('no client expected');
    });
    const before = Date.now();
    await pool.reserve(1);
    const at = (reserve.mock.calls[0] as [number, Date])[1];
    expect(at).toBeInstanceOf(Date);
    expect(at.getTime()).toBeGreaterThanOrEqual(before);
    expect(at.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('says how many bytes no account could take', async () => {
    const { pool } = setup(null);
    const err = await pool.reserve(3 * GB).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoStorageAvailableError);
    expect(err).toMatchObject({ name: 'NoStorageAvailableError', bytes: 3 * GB, message: `no Drive account can take ${3 * GB} bytes right now` });
  });
});

describe('DriveAccountPool reservation settling', () => {
  it('release, commit and giveBack move exactly the bytes given on the account given', async () => {
    const release = jest.fn().mockResolvedValue(undefined);
    const commit = jest.fn().mockResolvedValue(undefined);
    const giveBack = jest.fn().mockResolvedValue(undefined);
    const repository = strictMock<DriveAccountRepository>('repository', { release, commit, giveBack });
    const pool = new DriveAccountPool<DriveAccountAccess>(repository, strictMock<Sealer>('sealer'), () => {
      throw new Error('no client expected');
    });
    await pool.release({ accountId: 'a', bytes: 10 });
    await pool.commit('a', 10, 9);
    await pool.giveBack('b', 4);
    expect(release).toHaveBeenCalledWith('a', 10);
    expect(commit).toHaveBeenCalledWith('a', 10, 9);
    expect(giveBack).toHaveBeenCalledWith('b', 4);
  });
});
