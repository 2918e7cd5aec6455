import { FileDoc, FileRepository } from '@ddx/server-database';

import { DownloadService } from './download.service';

const ID = '6f1c2a8e-1b7d-4c55-9a0e-3f4b5c6d7e8f';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function service(findById: jest.Mock) {
  return new DownloadService({ findById } as unknown as FileRepository, null as never, null as never, null as never, null as never);
}

const completed = { _id: ID, status: 'completed', quarantined: false, ownerId: null, filename: 'a.txt', sizeBytes: 3 } as unknown as FileDoc;

describe('DownloadService.servable', () => {
  it('gives requests that arrive while a lookup is in flight that lookup, and reads again afterwards', async () => {
    const first = deferred<FileDoc | null>();
    const findById = jest.fn().mockReturnValueOnce(first.promise).mockResolvedValueOnce({ ...completed, status: 'deleted' });
    const downloads = service(findById);

    const waiting = Array.from({ length: 5 }, () => downloads.servable(ID));
    expect(findById).toHaveBeenCalledTimes(1);
    first.resolve(completed);
    for (const file of await Promise.all(waiting)) expect(file._id).toBe(ID);

    // The answer is not kept: the next request reads again and sees the delete.
    await expect(downloads.servable(ID)).rejects.toMatchObject({ status: 404 });
    expect(findById).toHaveBeenCalledTimes(2);
  });

  it('shares a failed lookup with the requests waiting on it, then forgets it', async () => {
    const first = deferred<FileDoc | null>();
    const findById = jest.fn().mockReturnValueOnce(first.promise).mockResolvedValueOnce(completed);
    const downloads = service(findById);
    const waiting = [downloads.servable(ID), downloads.servable(ID)];
    first.resolve(null);
    for (const r of await Promise.allSettled(waiting)) expect(r).toMatchObject({ status: 'rejected', reason: { status: 404 } });
    await expect(downloads.servable(ID)).resolves.toMatchObject({ _id: ID });
  });

  it('never reads for an id that is not a file id', async () => {
    const findById = jest.fn();
    await expect(service(findById).servable('../../etc/passwd')).rejects.toMatchObject({ status: 404 });
    expect(findById).not.toHaveBeenCalled();
  });
});

describe('DownloadService.servableFile: the owner check apart', () => {
  const owned = { ...completed, ownerId: '65a1b2c3d4e5f60718293a4b' } as unknown as FileDoc;

  function withUsers(findById: jest.Mock, banned: jest.Mock) {
    const connection = { collection: jest.fn(() => ({ find: jest.fn(() => ({ toArray: banned })) })) };
    return new DownloadService({ findById } as unknown as FileRepository, null as never, null as never, connection as never, null as never);
  }

  it('gives the file before the owner read has answered, and rejects the check with a 404 for a banned owner', async () => {
    const users = deferred<Array<{ _id: string }>>();
    const downloads = withUsers(jest.fn().mockResolvedValue(owned), jest.fn().mockReturnValue(users.promise));
    const { file, ownerAllowed } = await downloads.servableFile(ID);
    expect(file._id).toBe(ID);
    let settled = false;
    void ownerAllowed.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    users.resolve([{ _id: owned.ownerId as string }]);
    await expect(ownerAllowed).rejects.toMatchObject({ status: 404 });
  });

  it('servable waits for the owner check', async () => {
    const banned = jest.fn().mockResolvedValueOnce([{ _id: owned.ownerId }]).mockResolvedValueOnce([]);
    const downloads = withUsers(jest.fn().mockResolvedValue(owned), banned);
    await expect(downloads.servable(ID)).rejects.toMatchObject({ status: 404 });
    await expect(downloads.servable(ID)).resolves.toMatchObject({ _id: ID });
  });

  it('shares both reads with requests arriving before the owner read has answered, then reads again', async () => {
    const users = deferred<Array<{ _id: string }>>();
    const findById = jest.fn().mockResolvedValue(owned);
    const banned = jest.fn().mockReturnValueOnce(users.promise).mockResolvedValue([]);
    const downloads = withUsers(findById, banned);
    const first = await downloads.servableFile(ID);
    const second = await downloads.servableFile(ID);
    expect(second.ownerAllowed).toBe(first.ownerAllowed);
    expect(findById).toHaveBeenCalledTimes(1);
    users.resolve([]);
    await first.ownerAllowed;
    await new Promise((resolve) => setImmediate(resolve));
    await downloads.servableFile(ID);
    expect(findById).toHaveBeenCalledTimes(2);
    expect(banned).toHaveBeenCalledTimes(2);
  });

  it('needs no owner read for a file without an owner', async () => {
    const banned = jest.fn();
    const { ownerAllowed } = await withUsers(jest.fn().mockResolvedValue(completed), banned).servableFile(ID);
    await expect(ownerAllowed).resolves.toBeUndefined();
    expect(banned).not.toHaveBeenCalled();
  });
});
