import { driveAccount } from '../../testing/drive-account.fixture';
import { strictMock } from '../../testing/strict-mock';
import { DriveAccountPool, type DriveAccountAccess, type DriveFailure, type Sealer } from './drive-account-pool';
import type { DriveAccountRepository } from './drive-account.repository';
import type { DriveAccountDoc } from './drive-account.schema';

// What Drive said about an account decides whether, and until when, the next
// reservation skips it: rate-limited and capped accounts until a time, a full
// account until a refresh, a revoked one until an admin acts.

const NOW = new Date('2026-12-07T12:00:00.000Z');
const SECOND = 1000;

function setup(account: DriveAccountDoc | null, options: { unhealthyAfterFailures?: number; now?: Date } = {}) {
  const stubs = {
    findById: jest.fn().mockResolvedValue(account),
    markRateLimited: jest.fn().mockResolvedValue(undefined),
    markFull: jest.fn().mockResolvedValue(undefined),
    markFailure: jest.fn().mockResolvedValue(undefined),
  };
  const now = options.now ?? NOW;
  const pool = new DriveAccountPool<DriveAccountAccess>(
    strictMock<DriveAccountRepository>('repository', stubs),
    strictMock<Sealer>('sealer'),
    () => {
      throw new Error('no client expected');
    },
    { unhealthyAfterFailures: options.unhealthyAfterFailures, now: () => now },
  );
  return { pool, ...stubs };
}

const failure = (kind: DriveFailure['kind'], retryAfterMs?: number | null): DriveFailure => ({ kind, message: `Drive said ${kind}`, retryAfterMs });

describe('DriveAccountPool.reportFailure: rate limits back off exponentially', () => {
  it.each([
    [0, 30],
    [1, 60],
    [3, 240],
    [6, 1920],
    // 30 s · 2^7 is past the hour: capped
    [7, 3600],
    [40, 3600],
  ])('after %i earlier strikes the account rests %i s', async (strikes, seconds) => {
    const { pool, markRateLimited } = setup(driveAccount({ rateLimitStrikes: strikes }));
    await pool.reportFailure('acc-1', failure('rate_limited'));
    expect(markRateLimited).toHaveBeenCalledWith('acc-1', new Date(NOW.getTime() + seconds * SECOND), 'Drive said rate_limited');
  });

  it("waits as long as Drive's Retry-After when that is longer than the backoff, never shorter", async () => {
    const longer = setup(driveAccount({ rateLimitStrikes: 0 }));
    await longer.pool.reportFailure('acc-1', failure('rate_limited', 45 * SECOND));
    expect(longer.markRateLimited).toHaveBeenCalledWith('acc-1', new Date(NOW.getTime() + 45 * SECOND), expect.any(String));

    const shorter = setup(driveAccount({ rateLimitStrikes: 1 }));
    await shorter.pool.reportFailure('acc-1', failure('rate_limited', 5 * SECOND));
    expect(shorter.markRateLimited).toHaveBeenCalledWith('acc-1', new Date(NOW.getTime() + 60 * SECOND), expect.any(String));

    const none = setup(driveAccount({ rateLimitStrikes: 0 }));
    await none.pool.reportFailure('acc-1', failure('rate_limited', null));
    expect(none.markRateLimited).toHaveBeenCalledWith('acc-1', new Date(NOW.getTime() + 30 * SECOND), expect.any(String));
  });
});

describe('DriveAccountPool.reportFailure: the daily cap rests the account until the next UTC midnight', () => {
  it.each([
    ['2026-12-07T12:00:00.000Z', '2026-12-08T00:00:00.000Z'],
    ['2026-12-07T00:00:00.000Z', '2026-12-08T00:00:00.000Z'],
    ['2026-12-07T23:59:59.999Z', '2026-12-08T00:00:00.000Z'],
    ['2026-12-31T18:00:00.000Z', '2027-01-01T00:00:00.000Z'],
  ])('capped at %s, usable again at %s', async (at, until) => {
    const { pool, markRateLimited } = setup(driveAccount({ rateLimitStrikes: 5 }), { now: new Date(at) });
    await pool.reportFailure('acc-1', failure('daily_cap', 60 * SECOND));
    expect(markRateLimited).toHaveBeenCalledWith('acc-1', new Date(until), 'Drive said daily_cap');
  });
});

describe('DriveAccountPool.reportFailure: storage and credentials', () => {
  it('a full account is skipped until a refresh shows space', async () => {
    const { pool, markFull } = setup(driveAccount());
    await pool.reportFailure('acc-1', failure('storage_full'));
    expect(markFull).toHaveBeenCalledWith('acc-1', 'Drive said storage_full');
  });

  it('revoked credentials make the account unhealthy at the first failure', async () => {
    const { pool, markFailure } = setup(driveAccount({ consecutiveFailures: 0 }));
    await pool.reportFailure('acc-1', failure('auth_revoked'));
    expect(markFailure).toHaveBeenCalledWith('acc-1', 'unhealthy', 'Drive said auth_revoked', NOW);
  });
});

describe('DriveAccountPool.reportFailure: transient failures', () => {
  it.each([
    [0, 'degraded'],
    [1, 'degraded'],
    // this failure is the third in a row: the default threshold
    [2, 'unhealthy'],
    [5, 'unhealthy'],
  ])('after %i failures in a row the account becomes %s', async (earlier, health) => {
    const { pool, markFailure } = setup(driveAccount({ consecutiveFailures: earlier }));
    await pool.reportFailure('acc-1', failure('transient'));
    expect(markFailure).toHaveBeenCalledWith('acc-1', health, 'Drive said transient', NOW);
  });

  it('honours a configured threshold', async () => {
    const one = setup(driveAccount({ consecutiveFailures: 0 }), { unhealthyAfterFailures: 1 });
    await one.pool.reportFailure('acc-1', failure('transient'));
    expect(one.markFailure).toHaveBeenCalledWith('acc-1', 'unhealthy', expect.any(String), NOW);

    const five = setup(driveAccount({ consecutiveFailures: 3 }), { unhealthyAfterFailures: 5 });
    await five.pool.reportFailure('acc-1', failure('transient'));
    expect(five.markFailure).toHaveBeenCalledWith('acc-1', 'degraded', expect.any(String), NOW);
  });
});

describe('DriveAccountPool.reportFailure: what does not concern the account', () => {
  it.each(['not_found', 'bad_request'] as const)('%s leaves the account as it is', async (kind) => {
    // the strict repository fails on any write
    const { pool, findById } = setup(driveAccount());
    await expect(pool.reportFailure('acc-1', failure(kind))).resolves.toBeUndefined();
    expect(findById).toHaveBeenCalledWith('acc-1');
  });

  it('an account removed meanwhile is not written', async () => {
    const { pool, markFull } = setup(null);
    await expect(pool.reportFailure('gone', failure('storage_full'))).resolves.toBeUndefined();
    expect(markFull).not.toHaveBeenCalled();
  });
});
