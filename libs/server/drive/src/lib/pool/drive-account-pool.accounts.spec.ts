import { driveAccount } from '../../testing/drive-account.fixture';
import { strictMock } from '../../testing/strict-mock';
import type { DriveCredential } from '../drive-credential';
import { DriveError } from '../drive-error';
import type { DriveAbout } from '../drive-types';
import { DriveAccountNotFoundError, DriveAccountPool, type DriveAccountAccess, type Sealer } from './drive-account-pool';
import type { DriveAccountRepository } from './drive-account.repository';
import { UNLIMITED_QUOTA_BYTES } from './drive-account.schema';

// Adding, refreshing and importing accounts: what admins see must never carry
// the sealed credential, a failed live check must not add an account, and a
// refresh failure is recorded on the account instead of thrown.

const NOW = new Date('2026-12-07T12:00:00.000Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CREDENTIAL: DriveCredential = { kind: 'service_account', json: { client_email: 'sa@example.com', private_key: 'key' } };

function about(overrides: Partial<DriveAbout> = {}): DriveAbout {
  return { limit: 100, usage: 40, usageInDrive: 40, usageInDriveTrash: 0, email: 'main@example.com', ...overrides };
}

function setup(repo: Partial<DriveAccountRepository>, client: Partial<Record<keyof DriveAccountAccess, jest.Mock>> = {}, folderName?: string) {
  const sealJson = jest.fn((_value: unknown, id?: string) => `sealed:${id}`);
  const openJson = jest.fn().mockReturnValue(CREDENTIAL);
  const driveClient = strictMock<DriveAccountAccess>('client', client);
  const clientFactory = jest.fn().mockReturnValue(driveClient);
  const pool = new DriveAccountPool<DriveAccountAccess>(strictMock<DriveAccountRepository>('repository', repo), strictMock<Sealer>('sealer', { sealJson, openJson }), clientFactory, {
    folderName,
    now: () => NOW,
  });
  return { pool, sealJson, clientFactory };
}

describe('DriveAccountPool.addAccount', () => {
  it('checks the credential live, creates the upload folder and stores the credential sealed to the new id', async () => {
    const insert = jest.fn(async (doc: object) => driveAccount(doc));
    const ensureFolder = jest.fn().mockResolvedValue('folder-x');
    const { pool, sealJson, clientFactory } = setup({ insert }, { about: jest.fn().mockResolvedValue(about()), ensureFolder });
    const view = await pool.addAccount({ label: 'Team', credential: CREDENTIAL });
    expect(clientFactory).toHaveBeenCalledWith(CREDENTIAL);
    expect(ensureFolder).toHaveBeenCalledWith('DirectDriveX');
    const [doc, at] = insert.mock.calls[0] as unknown as [Record<string, unknown>, Date];
    expect(doc['_id']).toMatch(UUID);
    expect(sealJson).toHaveBeenCalledWith(CREDENTIAL, doc['_id']);
    expect(doc).toEqual({
      _id: doc['_id'],
      label: 'Team',
      email: 'main@example.com',
      kind: 'service_account',
      credentialSealed: `sealed:${doc['_id']}`,
      folderId: 'folder-x',
      quotaLimitBytes: 100,
      quotaUsageBytes: 40,
    });
    expect(at).toBe(NOW);
    expect(view).not.toHaveProperty('credentialSealed');
    expect(view).toMatchObject({ _id: doc['_id'], label: 'Team' });
  });

  it('labels an account by its address, else generically; an account without a limit is unlimited', async () => {
    const insert = jest.fn(async (doc: object) => driveAccount(doc));
    const aboutMock = jest.fn().mockResolvedValueOnce(about({ limit: null })).mockResolvedValueOnce(about({ email: null }));
    const { pool } = setup({ insert }, { about: aboutMock, ensureFolder: jest.fn().mockResolvedValue('f') }, 'Uploads');
    await pool.addAccount({ credential: CREDENTIAL });
    expect(insert.mock.calls[0][0]).toMatchObject({ label: 'main@example.com', quotaLimitBytes: UNLIMITED_QUOTA_BYTES });
    await pool.addAccount({ credential: CREDENTIAL });
    const second = insert.mock.calls[1][0] as { _id: string };
    expect(second).toMatchObject({ label: 'Drive account', email: `${second._id}@unknown` });
  });

  it('uses the configured folder name', async () => {
    const ensureFolder = jest.fn().mockResolvedValue('f');
    const { pool } = setup({ insert: jest.fn(async (doc: object) => driveAccount(doc)) }, { about: jest.fn().mockResolvedValue(about()), ensureFolder }, 'Uploads');
    await pool.addAccount({ credential: CREDENTIAL });
    expect(ensureFolder).toHaveBeenCalledWith('Uploads');
  });

  it('adds nothing when the live check fails', async () => {
    const { pool } = setup({}, { about: jest.fn().mockRejectedValue(new Error('invalid_grant')) });
    await expect(pool.addAccount({ credential: CREDENTIAL })).rejects.toThrow('invalid_grant');
  });
});

describe('DriveAccountPool.refreshAccount', () => {
  it("stores Drive's quota numbers and answers the account without its secret", async () => {
    const applyQuota = jest.fn().mockResolvedValue(true);
    const findById = jest.fn().mockResolvedValue(driveAccount());
    const { pool } = setup({ findById, applyQuota }, { about: jest.fn().mockResolvedValue(about({ limit: 1000, usage: 250 })) });
    const view = await pool.refreshAccount('acc-1');
    expect(applyQuota).toHaveBeenCalledWith('acc-1', 1000, 250, NOW);
    expect(view).toEqual(Object.fromEntries(Object.entries(driveAccount()).filter(([k]) => k !== 'credentialSealed')));
  });

  it('stores an unlimited account as 1 PiB', async () => {
    const applyQuota = jest.fn().mockResolvedValue(true);
    const { pool } = setup({ findById: jest.fn().mockResolvedValue(driveAccount()), applyQuota }, { about: jest.fn().mockResolvedValue(about({ limit: null, usage: 5 })) });
    await pool.refreshAccount('acc-1');
    expect(applyQuota).toHaveBeenCalledWith('acc-1', UNLIMITED_QUOTA_BYTES, 5, NOW);
  });

  it('records what Drive said instead of throwing, with its kind and Retry-After', async () => {
    const markRateLimited = jest.fn().mockResolvedValue(undefined);
    const findById = jest.fn().mockResolvedValue(driveAccount());
    const limited = new DriveError({ kind: 'rate_limited', operation: 'about', status: 429, reason: 'rateLimitExceeded', retryAfterMs: 600_000, message: 'slow down' });
    const { pool } = setup({ findById, markRateLimited }, { about: jest.fn().mockRejectedValue(limited) });
    await expect(pool.refreshAccount('acc-1')).resolves.toMatchObject({ _id: 'acc-1' });
    expect(markRateLimited).toHaveBeenCalledWith('acc-1', new Date(NOW.getTime() + 600_000), 'slow down');
  });

  it('records an error without a kind as transient, and a thrown non-error by its text', async () => {
    const markFailure = jest.fn().mockResolvedValue(undefined);
    const findById = jest.fn().mockResolvedValue(driveAccount({ consecutiveFailures: 0 }));
    const aboutMock = jest.fn().mockRejectedValueOnce(new Error('socket closed')).mockRejectedValueOnce('odd');
    const { pool } = setup({ findById, markFailure }, { about: aboutMock });
    await pool.refreshAccount('acc-1');
    await pool.refreshAccount('acc-1');
    expect(markFailure.mock.calls).toEqual([
      ['acc-1', 'degraded', 'socket closed', NOW],
      ['acc-1', 'degraded', 'odd', NOW],
    ]);
  });

  it('answers null for an account that does not exist, recording nothing', async () => {
    const findById = jest.fn().mockResolvedValue(null);
    const { pool } = setup({ findById });
    await expect(pool.refreshAccount('gone')).resolves.toBeNull();
    expect(findById).toHaveBeenCalledTimes(1);
  });

  it('answers null for an account removed during the refresh', async () => {
    const findById = jest.fn().mockResolvedValueOnce(driveAccount()).mockResolvedValueOnce(null);
    const { pool } = setup({ findById, applyQuota: jest.fn().mockResolvedValue(false) }, { about: jest.fn().mockResolvedValue(about()) });
    await expect(pool.refreshAccount('acc-1')).resolves.toBeNull();
  });

  it('refreshAll refreshes every account in turn and leaves out the ones gone meanwhile', async () => {
    const list = jest.fn().mockResolvedValue([driveAccount({ _id: 'a' }), driveAccount({ _id: 'b' })]);
    const findById = jest.fn((id: string) => Promise.resolve(id === 'a' ? driveAccount({ _id: 'a' }) : null));
    const applyQuota = jest.fn().mockResolvedValue(true);
    const { pool } = setup({ list, findById, applyQuota }, { about: jest.fn().mockResolvedValue(about()) });
    const views = await pool.refreshAll();
    expect(views.map((v) => v._id)).toEqual(['a']);
    expect(views[0]).not.toHaveProperty('credentialSealed');
  });
});

describe('DriveAccountPool admin operations', () => {
  it('list and get never show the sealed credential', async () => {
    const { pool } = setup({ list: jest.fn().mockResolvedValue([driveAccount()]), findById: jest.fn().mockResolvedValueOnce(driveAccount()).mockResolvedValueOnce(null) });
    const [listed] = await pool.list();
    expect(listed).not.toHaveProperty('credentialSealed');
    expect(listed).toMatchObject({ _id: 'acc-1', email: 'main@example.com' });
    const got = await pool.get('acc-1');
    expect(got).not.toHaveProperty('credentialSealed');
    expect(got).toMatchObject({ _id: 'acc-1' });
    await expect(pool.get('gone')).resolves.toBeNull();
  });

  it('setEnabled answers the updated account, or names a missing one', async () => {
    const update = jest.fn().mockResolvedValueOnce(driveAccount({ enabled: false })).mockResolvedValueOnce(null);
    const { pool } = setup({ update });
    const view = await pool.setEnabled('acc-1', false);
    expect(update).toHaveBeenCalledWith('acc-1', { enabled: false });
    expect(view).toMatchObject({ enabled: false });
    expect(view).not.toHaveProperty('credentialSealed');
    await expect(pool.setEnabled('gone', true)).rejects.toThrow(DriveAccountNotFoundError);
  });

  it('remove names a missing account', async () => {
    const remove = jest.fn().mockResolvedValueOnce(true).mockResolvedValueOnce(false);
    const { pool } = setup({ remove });
    await expect(pool.remove('acc-1')).resolves.toBeUndefined();
    await expect(pool.remove('gone')).rejects.toThrow('Drive account gone does not exist');
  });
});

describe('DriveAccountPool.importFromEnv', () => {
  const env = [
    { label: 'one', credential: CREDENTIAL },
    { label: 'two', credential: CREDENTIAL },
    { label: 'three', credential: CREDENTIAL },
  ];

  it('imports nothing when no account is declared, without asking the database', async () => {
    const { pool } = setup({});
    await expect(pool.importFromEnv([])).resolves.toEqual({ imported: 0, failed: [] });
  });

  it('imports nothing into a pool that already has accounts', async () => {
    const { pool, clientFactory } = setup({ count: jest.fn().mockResolvedValue(1) });
    await expect(pool.importFromEnv(env)).resolves.toEqual({ imported: 0, failed: [] });
    expect(clientFactory).not.toHaveBeenCalled();
  });

  it('imports into an empty pool; skips one another replica imported first; reports one that fails its check', async () => {
    const duplicate = Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
    const insert = jest
      .fn()
      .mockImplementationOnce(async (doc: object) => driveAccount(doc))
      .mockRejectedValueOnce(duplicate);
    const aboutMock = jest.fn().mockResolvedValueOnce(about()).mockResolvedValueOnce(about()).mockRejectedValueOnce(new Error('invalid_grant'));
    const { pool } = setup({ count: jest.fn().mockResolvedValue(0), insert }, { about: aboutMock, ensureFolder: jest.fn().mockResolvedValue('f') });
    await expect(pool.importFromEnv(env)).resolves.toEqual({ imported: 1, failed: [{ label: 'three', reason: 'invalid_grant' }] });
  });

  it('reports a failure thrown as a non-error by its text', async () => {
    const { pool } = setup({ count: jest.fn().mockResolvedValue(0) }, { about: jest.fn().mockRejectedValue('quota service down') });
    await expect(pool.importFromEnv([{ credential: CREDENTIAL }])).resolves.toEqual({ imported: 0, failed: [{ label: undefined, reason: 'quota service down' }] });
  });
});
