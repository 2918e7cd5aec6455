import { isolatedNames } from '@ddx/local-services/testing';
import { SecretBox } from '@ddx/server-database';
import mongoose, { Connection, Model } from 'mongoose';
import { randomBytes } from 'node:crypto';

import { driveAccount } from '../../testing/drive-account.fixture';
import {
  DriveAccountPool,
  NoStorageAvailableError,
  type DriveAccountAccess,
} from './drive-account-pool';
import { DriveAccountRepository, utcDay } from './drive-account.repository';
import {
  DRIVE_ACCOUNTS_COLLECTION,
  DriveAccountDoc,
  driveAccountSchema,
} from './drive-account.schema';

// Which account takes a file is one conditional update (the repository's
// `reserve`). Each rule of that choice is checked here on both sides of its
// edge against FerretDB, through the pool so the documented refusal
// (NoStorageAvailableError) and the daily roll-over are part of the path.

jest.setTimeout(60_000);
const MiB = 1024 * 1024;
const DAILY_CAP = 10 * MiB;

describe('Drive account choice (FerretDB/MongoDB): each rule on both sides of its edge', () => {
  let connection: Connection;
  let model: Model<DriveAccountDoc>;
  let repository: DriveAccountRepository;
  let pool: DriveAccountPool<DriveAccountAccess>;
  let now: Date;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(isolatedNames('choice').mongoUrl, {
        bufferCommands: false,
        retryWrites: false,
      })
      .asPromise();
    model =
      connection.models['DriveAccount'] ??
      connection.model<DriveAccountDoc>('DriveAccount', driveAccountSchema);
    await model.syncIndexes();
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  beforeEach(async () => {
    await connection.collection(DRIVE_ACCOUNTS_COLLECTION).deleteMany({});
    now = new Date('2026-12-07T12:00:00.000Z');
    repository = new DriveAccountRepository(model);
    // No Drive call is part of choosing an account.
    pool = new DriveAccountPool<DriveAccountAccess>(
      repository,
      new SecretBox(randomBytes(32).toString('base64')),
      () => {
        throw new Error('no Drive client expected');
      },
      { now: () => now, dailyCapBytes: DAILY_CAP },
    );
  });

  /** Stores a usable account with `freeBytes` free (no usage, no reservation) unless overridden. */
  async function account(
    id: string,
    freeBytes: number,
    overrides: Partial<DriveAccountDoc> = {},
  ): Promise<string> {
    await model.create(
      driveAccount({
        _id: id,
        email: `${id}@example.com`,
        credentialSealed: `sealed:${id}`,
        quotaLimitBytes: freeBytes,
        freeBytes,
        dailyWindow: utcDay(now),
        ...overrides,
      }),
    );
    return id;
  }

  async function chosen(bytes: number, exclude?: string[]): Promise<string> {
    return (await pool.reserve(bytes, exclude ? { exclude } : {})).accountId;
  }

  async function stored(id: string): Promise<DriveAccountDoc> {
    const doc = await repository.findById(id);
    if (!doc) throw new Error(`account ${id} vanished`);
    return doc;
  }

  describe('free space (free bytes already net of reservations)', () => {
    it('places a file that exactly fits what is left after a reservation, and refuses one byte more without touching the account', async () => {
      // Well under the daily cap, so free space alone decides.
      const a = await account('a', 4 * MiB);
      expect(await chosen(MiB)).toBe(a);

      await expect(pool.reserve(3 * MiB + 1)).rejects.toBeInstanceOf(
        NoStorageAvailableError,
      );
      expect(await stored(a)).toMatchObject({
        reservedBytes: MiB,
        freeBytes: 3 * MiB,
      });

      expect(await chosen(3 * MiB)).toBe(a);
      expect(await stored(a)).toMatchObject({
        reservedBytes: 4 * MiB,
        freeBytes: 0,
      });
      await expect(pool.reserve(1)).rejects.toBeInstanceOf(
        NoStorageAvailableError,
      );
    });

    it('puts the file one byte too large for the roomiest account on no account at all (it fits nowhere)', async () => {
      await account('big', 8 * MiB);
      await account('small', 5 * MiB);
      await expect(pool.reserve(8 * MiB + 1)).rejects.toMatchObject({
        name: 'NoStorageAvailableError',
        bytes: 8 * MiB + 1,
      });
      expect(await chosen(8 * MiB)).toBe('big');
    });
  });

  describe('daily upload cap', () => {
    it('lets an account reach its cap exactly, and sends one byte more to another account', async () => {
      const roomy = await account('roomy', 100 * MiB);
      const other = await account('other', 50 * MiB);
      // 4 MiB uploaded today on the roomiest account, counted when Drive held it.
      expect(await chosen(4 * MiB)).toBe(roomy);
      await pool.commit(roomy, 4 * MiB, 4 * MiB);
      expect(await stored(roomy)).toMatchObject({
        dailyUploadedBytes: 4 * MiB,
      });

      expect(await chosen(DAILY_CAP - 4 * MiB + 1)).toBe(other);
      expect(await chosen(DAILY_CAP - 4 * MiB)).toBe(roomy);
    });

    it('refuses one byte over the cap when no other account is left, and a file larger than the cap everywhere', async () => {
      await account('a', 100 * MiB, { dailyUploadedBytes: DAILY_CAP - MiB });
      await expect(pool.reserve(MiB + 1)).rejects.toBeInstanceOf(
        NoStorageAvailableError,
      );
      await account('fresh', 100 * MiB);
      await expect(pool.reserve(DAILY_CAP + 1)).rejects.toBeInstanceOf(
        NoStorageAvailableError,
      );
      expect(await chosen(DAILY_CAP)).toBe('fresh');
    });

    it('starts a new day at UTC midnight: capped until 23:59:59.999, the whole cap again at 00:00:00.000', async () => {
      const a = await account('a', 100 * MiB, {
        dailyWindow: '2026-12-07',
        dailyUploadedBytes: DAILY_CAP,
      });
      now = new Date('2026-12-07T23:59:59.999Z');
      await expect(pool.reserve(1)).rejects.toBeInstanceOf(
        NoStorageAvailableError,
      );
      expect(await stored(a)).toMatchObject({
        dailyWindow: '2026-12-07',
        dailyUploadedBytes: DAILY_CAP,
      });

      now = new Date('2026-12-08T00:00:00.000Z');
      expect(await chosen(DAILY_CAP)).toBe(a);
      // Yesterday's bytes are gone; only the reservation just taken counts.
      expect(await stored(a)).toMatchObject({
        dailyWindow: '2026-12-08',
        dailyUploadedBytes: DAILY_CAP,
      });
    });

    it('counts a reservation in flight against the cap, and gives back what was not stored', async () => {
      const a = await account('a', 100 * MiB);
      const first = await pool.reserve(6 * MiB);
      await expect(pool.reserve(4 * MiB + 1)).rejects.toBeInstanceOf(
        NoStorageAvailableError,
      );
      const second = await pool.reserve(4 * MiB);
      expect(await stored(a)).toMatchObject({ dailyUploadedBytes: DAILY_CAP });

      await pool.release(second);
      expect(await stored(a)).toMatchObject({ dailyUploadedBytes: 6 * MiB });
      await pool.commit(first.accountId, first.bytes, 5 * MiB);
      expect(await stored(a)).toMatchObject({
        dailyUploadedBytes: 5 * MiB,
        quotaUsageBytes: 5 * MiB,
        reservedBytes: 0,
        freeBytes: 95 * MiB,
      });
      await expect(pool.reserve(5 * MiB + 1)).rejects.toBeInstanceOf(
        NoStorageAvailableError,
      );
      expect(await chosen(5 * MiB)).toBe(a);
    });

    it('parallel reservations never pass the daily cap together', async () => {
      const a = await account('a', 100 * MiB);
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => pool.reserve(3 * MiB)),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      expect(await stored(a)).toMatchObject({
        reservedBytes: 9 * MiB,
        dailyUploadedBytes: 9 * MiB,
      });
    });

    it('a reservation taken before UTC midnight and settled after it leaves the new day a whole cap, not more', async () => {
      const a = await account('a', 100 * MiB);
      now = new Date('2026-12-07T23:59:59.999Z');
      const released = await pool.reserve(4 * MiB);
      const committed = await pool.reserve(4 * MiB);
      now = new Date('2026-12-08T00:00:00.000Z');
      await repository.rollDailyWindow(now);
      await pool.release(released);
      await pool.commit(committed.accountId, committed.bytes, 3 * MiB);
      expect(await stored(a)).toMatchObject({
        dailyWindow: '2026-12-08',
        dailyUploadedBytes: 0,
        reservedBytes: 0,
      });
      await expect(pool.reserve(DAILY_CAP + 1)).rejects.toBeInstanceOf(
        NoStorageAvailableError,
      );
      expect(await chosen(DAILY_CAP)).toBe(a);
    });

    it('never counts today against a counter still holding an earlier day: such an account waits for the roll-over', async () => {
      const a = await account('a', 100 * MiB, {
        dailyWindow: '2026-12-06',
        dailyUploadedBytes: 0,
      });
      expect(await repository.reserve(MiB, now, DAILY_CAP)).toBeNull();
      await repository.rollDailyWindow(now);
      expect((await repository.reserve(MiB, now, DAILY_CAP))?._id).toBe(a);
    });
  });

  describe('accounts that must rest', () => {
    // Each state is set on the roomiest account; a small healthy one shows where the file goes instead.
    const resting: Array<[string, (id: string) => Promise<void>]> = [
      ['disabled', async (id) => void (await pool.setEnabled(id, false))],
      [
        'revoked (auth_revoked)',
        (id) =>
          pool.reportFailure(id, {
            kind: 'auth_revoked',
            message: 'invalid_grant',
          }),
      ],
      [
        'full (Drive said storageQuotaExceeded)',
        (id) =>
          pool.reportFailure(id, {
            kind: 'storage_full',
            message: 'storageQuotaExceeded',
          }),
      ],
      [
        'unhealthy (3 transient failures)',
        async (id) => {
          for (let i = 0; i < 3; i++)
            await pool.reportFailure(id, {
              kind: 'transient',
              message: 'socket hang up',
            });
        },
      ],
      [
        'rate-limited until 1 ms from now',
        (id) =>
          repository.markRateLimited(
            id,
            new Date(now.getTime() + 1),
            'User rate limit exceeded',
          ),
      ],
    ];

    it.each(resting)(
      'never chooses an account that is %s',
      async (_state, rest) => {
        const big = await account('big', 100 * MiB);
        const small = await account('small', 2 * MiB);
        await rest(big);
        expect(await chosen(MiB)).toBe(small);
        expect(await chosen(MiB)).toBe(small);
        await expect(pool.reserve(MiB)).rejects.toBeInstanceOf(
          NoStorageAvailableError,
        );
        expect(await stored(big)).toMatchObject({
          reservedBytes: 0,
          freeBytes: 100 * MiB,
        });
      },
    );

    const usable: Array<[string, (id: string) => Promise<void>]> = [
      [
        'enabled again',
        async (id) => {
          await pool.setEnabled(id, false);
          await pool.setEnabled(id, true);
        },
      ],
      [
        'degraded by 2 transient failures (one short of unhealthy)',
        async (id) => {
          for (let i = 0; i < 2; i++)
            await pool.reportFailure(id, {
              kind: 'transient',
              message: 'socket hang up',
            });
        },
      ],
      [
        'rate-limited until exactly now',
        (id) => repository.markRateLimited(id, now, 'User rate limit exceeded'),
      ],
      [
        'rate-limited until 1 ms ago',
        (id) =>
          repository.markRateLimited(
            id,
            new Date(now.getTime() - 1),
            'User rate limit exceeded',
          ),
      ],
    ];

    it.each(usable)('chooses an account that is %s', async (_state, rest) => {
      const big = await account('big', 100 * MiB);
      await account('small', 2 * MiB);
      await rest(big);
      expect(await chosen(MiB)).toBe(big);
    });

    it('takes a revoked account back once it succeeds again, and a full one once a refresh shows space', async () => {
      const revoked = await account('revoked', 100 * MiB);
      const full = await account('full', 50 * MiB);
      await pool.reportFailure(revoked, {
        kind: 'auth_revoked',
        message: 'invalid_grant',
      });
      await pool.reportFailure(full, {
        kind: 'storage_full',
        message: 'storageQuotaExceeded',
      });
      await expect(pool.reserve(1)).rejects.toBeInstanceOf(
        NoStorageAvailableError,
      );
      await pool.reportSuccess(revoked);
      expect(await chosen(1)).toBe(revoked);
      await repository.applyQuota(full, 50 * MiB, 0, now);
      expect(await chosen(1, [revoked])).toBe(full);
    });
  });

  describe('failover exclusions', () => {
    it('never gives back an excluded account, and an empty list (or an unknown id) excludes nothing', async () => {
      const a = await account('a', 30 * MiB);
      const b = await account('b', 20 * MiB);
      const c = await account('c', 10 * MiB);
      expect(await chosen(1, [a])).toBe(b);
      expect(await chosen(1, [a, b])).toBe(c);
      expect(await chosen(1, [b, a])).toBe(c);
      await expect(
        pool.reserve(1, { exclude: [a, b, c] }),
      ).rejects.toBeInstanceOf(NoStorageAvailableError);
      expect(await chosen(1, [])).toBe(a);
      expect(await chosen(1, ['no-such-account'])).toBe(a);
      expect(await chosen(1)).toBe(a);
    });
  });

  describe('order: most free space, then least recently used', () => {
    it('prefers more free space by a single byte over having rested longer', async () => {
      await account('rested', 10 * MiB, {
        lastUsedAt: new Date('2026-01-01T00:00:00Z'),
      });
      await account('busy', 10 * MiB + 1, {
        lastUsedAt: new Date(now.getTime() - 1),
      });
      expect(await chosen(1)).toBe('busy');
    });

    it('on equal free space, takes the account used longest ago; a never-used account before any used one', async () => {
      // Stored in the opposite order of the expected choice, so insertion order cannot pass for the rule.
      await account('recent', 10 * MiB, {
        lastUsedAt: new Date(now.getTime() - 1000),
      });
      await account('older', 10 * MiB, {
        lastUsedAt: new Date(now.getTime() - 1001),
      });
      const r = await pool.reserve(MiB);
      expect(r.accountId).toBe('older');
      await pool.release(r);
      expect(await stored('older')).toMatchObject({
        freeBytes: 10 * MiB,
        lastUsedAt: now,
      });

      await account('never', 10 * MiB, { lastUsedAt: null });
      expect(await chosen(1)).toBe('never');
    });

    it('takes turns between equally free accounts as each choice marks its account used', async () => {
      await account('b', 10 * MiB);
      await account('a', 10 * MiB, {
        lastUsedAt: new Date(now.getTime() - 60_000),
      });
      await account('c', 10 * MiB, {
        lastUsedAt: new Date(now.getTime() - 30_000),
      });
      const order: string[] = [];
      for (let i = 0; i < 6; i++) {
        now = new Date(now.getTime() + 1000);
        const r = await pool.reserve(MiB);
        order.push(r.accountId);
        await pool.release(r);
      }
      expect(order).toEqual(['b', 'a', 'c', 'b', 'a', 'c']);
    });
  });

  describe('concurrent reservations', () => {
    it('10 parallel reservations of a quarter of the free space each: exactly 4 succeed and the account is never over-committed', async () => {
      const a = await account('a', 4 * MiB);
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => pool.reserve(MiB)),
      );
      const ok = results.filter(
        (
          r,
        ): r is PromiseFulfilledResult<
          Awaited<ReturnType<typeof pool.reserve>>
        > => r.status === 'fulfilled',
      );
      const refused = results.filter(
        (r): r is PromiseRejectedResult => r.status === 'rejected',
      );
      expect(ok.map((r) => r.value.accountId)).toEqual([a, a, a, a]);
      expect(refused).toHaveLength(6);
      for (const r of refused)
        expect(r.reason).toBeInstanceOf(NoStorageAvailableError);
      expect(await stored(a)).toMatchObject({
        reservedBytes: 4 * MiB,
        freeBytes: 0,
      });
    });

    it('parallel reservations of an exact fit over two accounts fill both and no more', async () => {
      await account('a', 3 * MiB);
      await account('b', 3 * MiB + 1);
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => pool.reserve(MiB)),
      );
      const ok = results.filter(
        (
          r,
        ): r is PromiseFulfilledResult<
          Awaited<ReturnType<typeof pool.reserve>>
        > => r.status === 'fulfilled',
      );
      expect(ok).toHaveLength(6);
      expect(await stored('a')).toMatchObject({
        reservedBytes: 3 * MiB,
        freeBytes: 0,
      });
      expect(await stored('b')).toMatchObject({
        reservedBytes: 3 * MiB,
        freeBytes: 1,
      });
    });
  });
});
