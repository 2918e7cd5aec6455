import { BackupStore } from '@ddx/server-backup';
import { FileDoc } from '@ddx/server-database';
import { DriveAccountPool } from '@ddx/server-drive';
import { Logger } from '@nestjs/common';
import { Readable } from 'node:stream';

import { strictMock } from '../../testing/strict-mock';
import { FileSourceService } from './file-source.service';

const BYTES = Buffer.from('0123456789abcdefghij'); // 20 bytes

const FILE = {
  _id: 'f1',
  sizeBytes: BYTES.length,
  driveFileId: 'drive-f1',
  driveAccountId: 'acc1',
  backupStatus: 'completed',
  backupPath: '/backups/f1',
} as unknown as FileDoc;

async function read(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts).toString();
}

function setup() {
  const client = {
    download: jest.fn(async (_id: string, range?: { start: number; end: number }) => ({
      stream: Readable.from([range ? BYTES.subarray(range.start, range.end + 1) : BYTES]),
    })),
    getMetadata: jest.fn(async () => ({})),
  };
  const pool = strictMock<DriveAccountPool>('pool', { readerClient: jest.fn(async () => client) });
  const backup = strictMock<BackupStore>('backup', {
    stat: jest.fn(async () => ({ size: BYTES.length, lastModified: new Date(), isDirectory: false })),
    createReadStream: jest.fn(async (_p: string, range: { start?: number; end?: number }) =>
      Readable.from([BYTES.subarray(range.start ?? 0, (range.end ?? BYTES.length - 1) + 1)]),
    ),
  });
  return { service: new FileSourceService(pool, backup), client, pool, backup };
}

let warn: jest.SpyInstance;
let error: jest.SpyInstance;
beforeAll(() => {
  warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
});
beforeEach(() => {
  warn.mockClear();
  error.mockClear();
});

describe('FileSourceService at the edges of a range and of its sources', () => {
  it('stops reading a source that sends past the end of the range', async () => {
    const { service, client, backup } = setup();
    let produced = 0;
    const stream = Readable.from(
      (async function* () {
        yield BYTES.subarray(0, 8);
        for (let i = 0; i < 100; i++) {
          produced += 64 * 1024;
          yield Buffer.alloc(64 * 1024, 0x78);
        }
      })(),
    );
    client.download.mockResolvedValueOnce({ stream });
    expect(await read((await service.open(FILE, 0, 9))!.stream)).toBe('01234567xx');
    // Only what the stream read ahead, not the whole 6.4 MiB.
    expect(produced).toBeLessThan(64 * 1024 * 20);
    expect(stream.destroyed).toBe(true);
    expect(backup.createReadStream).not.toHaveBeenCalled();
  });

  it('takes only the last byte from the backup when Drive ends one byte short', async () => {
    const { service, client, backup } = setup();
    client.download.mockResolvedValueOnce({ stream: Readable.from([BYTES.subarray(0, 19)]) });
    expect(await read((await service.open(FILE, 0, 19))!.stream)).toBe(BYTES.toString());
    expect(backup.createReadStream).toHaveBeenCalledWith('/backups/f1', { start: 19, end: 19 });
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ fileId: 'f1', origin: 'drive', position: 19, err: expect.stringContaining('19') }));
  });

  it('logs why Drive could not serve before trying the backup', async () => {
    const { service, client } = setup();
    client.download.mockRejectedValueOnce(new Error('drive 403'));
    expect((await service.open(FILE, 0, 3))?.origin).toBe('backup');
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ fileId: 'f1', err: 'Error: drive 403' }));
  });

  it('logs an account that cannot serve, and nothing about Drive for a file without a Drive copy', async () => {
    const { service, pool } = setup();
    (pool.readerClient as jest.Mock).mockRejectedValueOnce(new Error('account disabled'));
    expect((await service.open(FILE, 0, 3))?.origin).toBe('backup');
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ fileId: 'f1', err: 'Error: account disabled' }));
    warn.mockClear();
    expect((await service.open({ ...FILE, driveFileId: null } as unknown as FileDoc, 0, 3))?.origin).toBe('backup');
    expect(warn).not.toHaveBeenCalled();
  });

  it('gives no source, and logs why, when the backup cannot be opened', async () => {
    const { service, client, backup } = setup();
    client.download.mockRejectedValueOnce(new Error('drive 403'));
    backup.createReadStream.mockRejectedValueOnce(new Error('webdav 503'));
    expect(await service.open(FILE, 0, 3)).toBeNull();
    expect(warn).toHaveBeenLastCalledWith(expect.objectContaining({ fileId: 'f1', err: 'Error: webdav 503' }));
  });

  it('logs a backup copy whose size no longer matches as an error', async () => {
    const { service, client, backup } = setup();
    client.download.mockRejectedValueOnce(new Error('drive 403'));
    backup.stat.mockResolvedValueOnce({ size: 7, lastModified: new Date(), isDirectory: false });
    expect(await service.open(FILE, 0, 3)).toBeNull();
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ fileId: 'f1', problem: 'size 7, expected 20' }));
  });

  it('answers HEAD with no when the backup cannot be checked or is not verified', async () => {
    const failing = setup();
    failing.client.getMetadata.mockRejectedValueOnce(new Error('drive 404'));
    failing.backup.stat.mockRejectedValueOnce(new Error('webdav 503'));
    await expect(failing.service.available(FILE)).resolves.toBe(false);

    const pending = setup();
    pending.client.getMetadata.mockRejectedValueOnce(new Error('drive 404'));
    await expect(pending.service.available({ ...FILE, backupStatus: 'pending' } as unknown as FileDoc)).resolves.toBe(false);
    expect(pending.backup.stat).not.toHaveBeenCalled();

    const noDrive = setup();
    await expect(noDrive.service.available({ ...FILE, driveFileId: null } as unknown as FileDoc)).resolves.toBe(true);
    expect(noDrive.client.getMetadata).not.toHaveBeenCalled();
  });
});
