import { DailyUsageRepository, FileRepository, SecretBox, UserStorageRepository } from '@ddx/server-database';
import { DriveAccountPool } from '@ddx/server-drive';
import { UploadLedger } from '@ddx/server-uploads';

import { strictMock } from '../../testing/strict-mock';
import { SettingsService } from '../settings/settings.service';
import { UploadPolicy } from './upload-policy';
import { UploadService } from './upload.service';
import { UPLOAD_SETTINGS_DEFAULTS, UploadSettings } from './upload-settings';

const ANON = { userId: null, ip: '203.0.113.7' };
const USER = { userId: 'u1', ip: '203.0.113.7' };

const LIMITS: Partial<UploadSettings> = {
  anonymousMaxFileBytes: 1000,
  userMaxFileBytes: 3000,
  absoluteMaxFileBytes: 2000,
  anonymousDailyBytes: 5000,
  userDailyBytes: 5000,
  maxFilesPerBatch: 3,
};

/**
 * The service with its repositories strictly mocked. The daily counter and
 * the storage ledger are small in-memory stand-ins with the same
 * conditional semantics as the real ones (upload-limits.int.spec.ts checks
 * those against FerretDB).
 */
function setup(overrides: Partial<UploadSettings> = {}, ledger = { dailyUsed: 0, free: 10_000 }) {
  const settings = { ...UPLOAD_SETTINGS_DEFAULTS, ...LIMITS, ...overrides } as UploadSettings;
  const settingsService = strictMock<SettingsService>('settings', { getAll: jest.fn(async () => settings) });
  const policy = new UploadPolicy(settingsService);
  const daily = strictMock<DailyUsageRepository>('daily', {
    tryConsume: jest.fn(async (_k: string, bytes: number, limit: number) => {
      if (ledger.dailyUsed + bytes > limit) return false;
      ledger.dailyUsed += bytes;
      return true;
    }),
    used: jest.fn(async () => ledger.dailyUsed),
    giveBack: jest.fn(async (_k: string, bytes: number) => void (ledger.dailyUsed -= bytes)),
  });
  const userStorage = strictMock<UserStorageRepository>('userStorage', {
    reserve: jest.fn(async (_u: string, bytes: number) => {
      if (ledger.free < bytes) return false;
      ledger.free -= bytes;
      return true;
    }),
    get: jest.fn(async () => ({ quota: 10_000, used: 0, reserved: 0, free: ledger.free })),
    release: jest.fn(async (_u: string, bytes: number) => void (ledger.free += bytes)),
  });
  const pool = strictMock<DriveAccountPool>('pool', {
    openSession: jest.fn(async (s: { size: number }) => ({
      reservation: { accountId: 'acc1', bytes: s.size, folderId: null },
      session: { accountId: 'acc1', uri: 'https://drive.example/session' },
    })) as never,
    release: jest.fn(async () => undefined),
  });
  const files = strictMock<FileRepository>('files', { create: jest.fn(async () => undefined) });
  const secrets = strictMock<SecretBox>('secrets', { seal: jest.fn(() => 'sealed') });
  const releaser = strictMock<UploadLedger>('releaser', { end: jest.fn(async () => true) });
  // The hourly allowance and in-progress cap are not under test here: always admitted.
  const admission = strictMock<{ admit(...a: unknown[]): Promise<{ release(): Promise<void> }> }>('admission', {
    admit: jest.fn(async () => ({ release: async () => undefined })),
  });
  // Built positionally rather than through Nest: the limits need no module wiring.
  const Service = UploadService as unknown as new (...deps: unknown[]) => UploadService;
  const service = new Service(policy, files, daily, userStorage, pool, secrets, releaser, admission);
  return { service, ledger, files, pool, daily, userStorage, releaser };
}

const spec = (size: number, filename = 'a.bin') => ({ filename, size, content_type: 'application/octet-stream' });

describe('upload limits, on both sides of each edge', () => {
  it('accepts an anonymous file of exactly the per-file limit and refuses one byte more', async () => {
    const env = setup();
    await expect(env.service.initiate(spec(1000), ANON)).resolves.toMatchObject({ filename: 'a.bin' });
    await expect(env.service.initiate(spec(1001), ANON)).rejects.toMatchObject({ status: 413, code: 'FILE_TOO_LARGE' });
    expect(env.files.create).toHaveBeenCalledTimes(1);
  });

  it('caps a signed-in user at the absolute limit when it is below the user limit', async () => {
    const env = setup();
    await expect(env.service.initiate(spec(2000), USER)).resolves.toBeDefined();
    await expect(env.service.initiate(spec(2001), USER)).rejects.toMatchObject({ status: 413, code: 'FILE_TOO_LARGE', message: expect.stringContaining('limit per file') });
  });

  it('gives signed-in users their own per-file limit when it is below the absolute cap', async () => {
    const env = setup({ userMaxFileBytes: 1500, absoluteMaxFileBytes: 4000 });
    await expect(env.service.initiate(spec(1500), USER)).resolves.toBeDefined();
    await expect(env.service.initiate(spec(1501), USER)).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
    // …and anonymous callers theirs.
    await expect(env.service.initiate(spec(1001), ANON)).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
  });

  it('accepts uploads that fill the daily limit exactly and refuses the next byte, leaving nothing charged', async () => {
    const env = setup({ anonymousDailyBytes: 1500 }, { dailyUsed: 500, free: 10_000 });
    await expect(env.service.initiate(spec(1000), ANON)).resolves.toBeDefined();
    expect(env.ledger.dailyUsed).toBe(1500);
    await expect(env.service.initiate(spec(1), ANON)).rejects.toMatchObject({ status: 403, code: 'QUOTA_EXCEEDED', message: expect.stringContaining('Daily upload limit') });
    expect(env.daily.tryConsume).toHaveBeenLastCalledWith(expect.stringContaining('203.0.113.7'), 1, 1500);
    expect(env.ledger.dailyUsed).toBe(1500);
  });

  it('uses the user daily limit (not the anonymous one) for a signed-in user, keyed by the account', async () => {
    const env = setup({ anonymousDailyBytes: 100, userDailyBytes: 1200 });
    await expect(env.service.initiate(spec(1200), USER)).resolves.toBeDefined();
    expect(env.daily.tryConsume).toHaveBeenCalledWith(expect.stringContaining('u1'), 1200, 1200);
  });

  it('accepts a file that uses the storage quota to the last byte and refuses one byte more, giving the daily charge back', async () => {
    const env = setup({}, { dailyUsed: 0, free: 1800 });
    await expect(env.service.initiate(spec(1801), USER)).rejects.toMatchObject({ status: 403, code: 'QUOTA_EXCEEDED', message: expect.stringContaining('storage quota') });
    expect(env.ledger).toEqual({ dailyUsed: 0, free: 1800 });
    await expect(env.service.initiate(spec(1800), USER)).resolves.toBeDefined();
    expect(env.ledger).toEqual({ dailyUsed: 1800, free: 0 });
  });

  it('charges no storage quota to anonymous uploads', async () => {
    const env = setup({}, { dailyUsed: 0, free: 0 });
    await expect(env.service.initiate(spec(10), ANON)).resolves.toBeDefined();
    expect(env.userStorage.reserve).not.toHaveBeenCalled();
  });

  it('accepts a batch of exactly the file-count limit and refuses one file more before opening any', async () => {
    const env = setup();
    await expect(env.service.initiateBatch([spec(1), spec(1), spec(1)], ANON)).resolves.toMatchObject({ files: expect.any(Array) });
    expect(env.files.create).toHaveBeenCalledTimes(3);
    env.files.create.mockClear();
    await expect(env.service.initiateBatch([spec(1), spec(1), spec(1), spec(1)], ANON)).rejects.toMatchObject({ status: 400, message: 'A batch can hold at most 3 files.' });
    expect(env.files.create).not.toHaveBeenCalled();
  });

  it('refuses a whole batch when one file is over the per-file limit, opening none', async () => {
    const env = setup();
    await expect(env.service.initiateBatch([spec(1), spec(1001)], ANON)).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
    expect(env.pool.openSession).not.toHaveBeenCalled();
  });

  it('rolls back the files of a batch already opened when a later one hits the daily limit', async () => {
    const env = setup({ anonymousDailyBytes: 1000 });
    await expect(env.service.initiateBatch([spec(600), spec(600)], ANON)).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED' });
    expect(env.releaser.end).toHaveBeenCalledTimes(1);
    expect(env.releaser.end).toHaveBeenCalledWith(expect.any(String), 'cancelled', 'BATCH_ROLLED_BACK');
  });
});
