import { DailyUsageRepository, FileDoc, FileRepository, SecretBox, UserStorageRepository } from '@ddx/server-database';
import { DriveAccountPool } from '@ddx/server-drive';

import { UploadLedger } from './upload-ledger';

/** Strict mocks: any call not stubbed here fails the test. */
function strict<T extends object>(stubs: Partial<Record<keyof T, jest.Mock>>): T {
  return new Proxy(stubs, {
    get(target, prop) {
      if (prop in target) return (target as Record<string | symbol, unknown>)[prop];
      if (prop === 'then') return undefined;
      throw new Error(`unexpected call: ${String(prop)}`);
    },
  }) as unknown as T;
}

const file = (over: Partial<FileDoc> = {}): FileDoc =>
  ({
    _id: 'f1',
    ownerId: 'u1',
    sizeBytes: 100,
    driveAccountId: 'a1',
    driveSessionSealed: 'sealed',
    accountReservedBytes: 100,
    userReservedBytes: 100,
    dailyUsageKey: 'user:u1:2026-11-28',
    ...over,
  }) as FileDoc;

describe('UploadLedger', () => {
  it('completes once: commits the account and the owner, then tells listeners', async () => {
    const files = strict<FileRepository>({ complete: jest.fn().mockResolvedValue(file()) });
    const pool = strict<DriveAccountPool>({ commit: jest.fn().mockResolvedValue(undefined) });
    const storage = strict<UserStorageRepository>({ commit: jest.fn().mockResolvedValue(undefined) });
    const ledger = new UploadLedger(files, strict<DailyUsageRepository>({}), storage, pool, strict<SecretBox>({}));
    const heard: string[] = [];
    ledger.onFileCompleted((e) => void heard.push(`${e.fileId}:${e.md5}`));
    ledger.onFileCompleted(() => {
      throw new Error('listener down');
    });
    await ledger.complete('f1', { driveFileId: 'd1', md5: 'abc', sizeBytes: 90 });
    expect(pool.commit).toHaveBeenCalledWith('a1', 100, 90);
    expect(storage.commit).toHaveBeenCalledWith('u1', 100, 90);
    expect(heard).toEqual(['f1:abc']);
  });

  it('does nothing when the file was no longer active', async () => {
    const files = strict<FileRepository>({ complete: jest.fn().mockResolvedValue(null), end: jest.fn().mockResolvedValue(null) });
    const ledger = new UploadLedger(files, strict<DailyUsageRepository>({}), strict<UserStorageRepository>({}), strict<DriveAccountPool>({}), strict<SecretBox>({}));
    expect(await ledger.complete('f1', { driveFileId: 'd', md5: 'm', sizeBytes: 1 })).toBeNull();
    expect(await ledger.end('f1', 'cancelled', 'CANCELLED')).toBe(false);
  });

  it('ending gives back every charge even when Drive cannot cancel the session', async () => {
    const files = strict<FileRepository>({ end: jest.fn().mockResolvedValue(file()) });
    const client = { cancelSession: jest.fn().mockRejectedValue(new Error('Drive down')) };
    const pool = strict<DriveAccountPool>({ client: jest.fn().mockResolvedValue(client), release: jest.fn().mockResolvedValue(undefined) });
    const storage = strict<UserStorageRepository>({ release: jest.fn().mockResolvedValue(undefined) });
    const daily = strict<DailyUsageRepository>({ giveBack: jest.fn().mockResolvedValue(undefined) });
    const secrets = strict<SecretBox>({ open: jest.fn().mockReturnValue('https://session') });
    const warn = jest.fn();
    const ledger = new UploadLedger(files, daily, storage, pool, secrets, { warn });
    expect(await ledger.end('f1', 'failed', 'EXPIRED')).toBe(true);
    expect(client.cancelSession).toHaveBeenCalledWith('https://session');
    expect(pool.release).toHaveBeenCalledWith({ accountId: 'a1', bytes: 100 });
    expect(storage.release).toHaveBeenCalledWith('u1', 100);
    expect(daily.giveBack).toHaveBeenCalledWith('user:u1:2026-11-28', 100);
    expect(warn).toHaveBeenCalled();
  });

  it('expires stale uploads in batches and counts only those it ended', async () => {
    const stale = [file({ _id: 'a' }), file({ _id: 'b' })];
    const files = strict<FileRepository>({
      findExpired: jest.fn().mockResolvedValueOnce(stale).mockResolvedValueOnce([]),
      end: jest.fn().mockResolvedValueOnce(file({ _id: 'a', driveSessionSealed: null, ownerId: null, dailyUsageKey: null })).mockResolvedValueOnce(null),
    });
    const pool = strict<DriveAccountPool>({ release: jest.fn().mockResolvedValue(undefined) });
    const ledger = new UploadLedger(files, strict<DailyUsageRepository>({}), strict<UserStorageRepository>({}), pool, strict<SecretBox>({}));
    expect(await ledger.expireStale(new Date(), 2)).toBe(1);
    expect(pool.release).toHaveBeenCalledTimes(1);
  });
});
