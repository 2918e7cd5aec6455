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

/** A stream of `data` in chunks of `chunk` bytes that fails after `failAfter` bytes, if given. */
function source(data: Buffer, chunk = 4, failAfter?: number): Readable {
  return Readable.from(
    (async function* () {
      for (let i = 0; i < data.length; i += chunk) {
        if (failAfter !== undefined && i >= failAfter) throw new Error('connection reset');
        yield data.subarray(i, i + chunk);
      }
    })(),
  );
}

async function read(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts).toString();
}

function setup(opts: { drive?: 'ok' | 'throws' | 'no-client' | { failAfter: number }; backup?: 'ok' | 'none' | 'short' | { failAfter: number }; backupStatThrows?: boolean } = {}) {
  const drive = opts.drive ?? 'ok';
  const client = {
    download: jest.fn(async (_id: string, range?: { start: number; end: number }) => {
      if (drive === 'throws') throw new Error('drive 403');
      const slice = range ? BYTES.subarray(range.start, range.end + 1) : BYTES;
      return { stream: source(slice, 4, typeof drive === 'object' ? drive.failAfter : undefined) };
    }),
    getMetadata: jest.fn(async () => {
      if (drive === 'throws') throw new Error('drive 404');
      return {};
    }),
  };
  const pool = strictMock<DriveAccountPool>('pool', {
    readerClient: jest.fn(async () => {
      if (drive === 'no-client') throw new Error('account disabled');
      return client;
    }),
  });
  const backupKind = opts.backup ?? 'ok';
  const backup =
    backupKind === 'none'
      ? null
      : strictMock<BackupStore>('backup', {
          stat: jest.fn(async () => {
            if (opts.backupStatThrows) throw new Error('stat failed');
            return { size: backupKind === 'short' ? BYTES.length - 1 : BYTES.length };
          }),
          createReadStream: jest.fn(async (_p: string, range: { start?: number; end?: number }) =>
            source(BYTES.subarray(range.start ?? 0, (range.end ?? BYTES.length - 1) + 1), 3, typeof backupKind === 'object' ? backupKind.failAfter : undefined),
          ),
        });
  return { service: new FileSourceService(pool, backup), client, pool, backup };
}

beforeAll(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
beforeAll(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));

describe('FileSourceService: Drive first, the verified backup otherwise', () => {
  it('serves the exact requested range from Drive when Drive answers', async () => {
    const { service, client } = setup();
    const opened = await service.open(FILE, 3, 12);
    expect(opened?.origin).toBe('drive');
    expect(await read(opened!.stream)).toBe('3456789abc');
    expect(client.download).toHaveBeenCalledWith('drive-f1', { start: 3, end: 12 });
  });

  it('serves the last byte alone, and a one-byte range at the start', async () => {
    const { service } = setup();
    expect(await read((await service.open(FILE, 19, 19))!.stream)).toBe('j');
    expect(await read((await service.open(FILE, 0, 0))!.stream)).toBe('0');
  });

  it('falls back to the backup when Drive refuses, or its account cannot serve', async () => {
    for (const drive of ['throws', 'no-client'] as const) {
      const { service } = setup({ drive });
      const opened = await service.open(FILE, 5, 9);
      expect(opened?.origin).toBe('backup');
      expect(await read(opened!.stream)).toBe('56789');
    }
  });

  it('does not ask Drive for a file that has no Drive copy', async () => {
    const { service, pool } = setup();
    const opened = await service.open({ ...FILE, driveFileId: null } as unknown as FileDoc, 0, 19);
    expect(opened?.origin).toBe('backup');
    expect(pool.readerClient).not.toHaveBeenCalled();
    const noAccount = await service.open({ ...FILE, driveAccountId: null } as unknown as FileDoc, 0, 1);
    expect(noAccount?.origin).toBe('backup');
  });

  it('refuses a backup copy whose size no longer matches, and one not yet verified or absent', async () => {
    expect(await setup({ drive: 'throws', backup: 'short' }).service.open(FILE, 0, 19)).toBeNull();
    expect(await setup({ drive: 'throws', backupStatThrows: true }).service.open(FILE, 0, 19)).toBeNull();
    expect(await setup({ drive: 'throws', backup: 'none' }).service.open(FILE, 0, 19)).toBeNull();
    expect(await setup({ drive: 'throws' }).service.open({ ...FILE, backupStatus: 'pending' } as unknown as FileDoc, 0, 19)).toBeNull();
    expect(await setup({ drive: 'throws' }).service.open({ ...FILE, backupPath: null } as unknown as FileDoc, 0, 19)).toBeNull();
  });

  it('continues from the exact next byte on the backup when Drive breaks mid-stream', async () => {
    const { service, backup } = setup({ drive: { failAfter: 8 } });
    const opened = await service.open(FILE, 0, 19);
    expect(opened?.origin).toBe('drive');
    expect(await read(opened!.stream)).toBe(BYTES.toString());
    expect(backup!.createReadStream).toHaveBeenCalledWith('/backups/f1', { start: 8, end: 19 });
  });

  it('continues a ranged read on the backup from where Drive stopped', async () => {
    const { service, backup } = setup({ drive: { failAfter: 4 } });
    expect(await read((await service.open(FILE, 2, 15))!.stream)).toBe('23456789abcdef');
    expect(backup!.createReadStream).toHaveBeenCalledWith('/backups/f1', { start: 6, end: 15 });
  });

  it('aborts the stream (never sends wrong bytes) when neither source can continue', async () => {
    const { service } = setup({ drive: { failAfter: 8 }, backup: { failAfter: 3 } });
    const opened = await service.open(FILE, 0, 19);
    await expect(read(opened!.stream)).rejects.toThrow('no source can continue file f1 from byte 11');
  });

  it('treats a source that ends early as broken', async () => {
    const { service, client, backup } = setup();
    client.download.mockResolvedValueOnce({ stream: source(BYTES.subarray(0, 10)) });
    expect(await read((await service.open(FILE, 0, 19))!.stream)).toBe(BYTES.toString());
    expect(backup!.createReadStream).toHaveBeenCalledWith('/backups/f1', { start: 10, end: 19 });
  });

  it('cuts a source that sends more than asked at the end of the range', async () => {
    const { service, client, backup } = setup();
    client.download.mockResolvedValueOnce({ stream: source(BYTES, 7) });
    expect(await read((await service.open(FILE, 0, 9))!.stream)).toBe('0123456789');
    expect(backup!.createReadStream).not.toHaveBeenCalled();
  });

  it('asks for the whole (empty) file without a range when it has no bytes', async () => {
    const empty = { ...FILE, sizeBytes: 0 } as unknown as FileDoc;
    const { service, client } = setup({ backup: 'none' });
    client.download.mockResolvedValueOnce({ stream: Readable.from([]) });
    await service.open(empty, 0, -1);
    expect(client.download).toHaveBeenCalledWith('drive-f1', undefined);
    const fromBackup = setup({ drive: 'throws' });
    fromBackup.backup!.stat.mockResolvedValueOnce({ size: 0 });
    await fromBackup.service.open(empty, 0, -1);
    expect(fromBackup.backup!.createReadStream).toHaveBeenCalledWith('/backups/f1', {});
  });

  it('answers HEAD from Drive metadata, else from a whole backup copy, else no', async () => {
    expect(await setup().service.available(FILE)).toBe(true);
    expect(await setup({ drive: 'throws' }).service.available(FILE)).toBe(true);
    expect(await setup({ drive: 'no-client' }).service.available(FILE)).toBe(true);
    expect(await setup({ drive: 'throws', backup: 'short' }).service.available(FILE)).toBe(false);
    expect(await setup({ drive: 'throws', backup: 'none' }).service.available(FILE)).toBe(false);
    const { service, backup } = setup();
    expect(await service.available(FILE)).toBe(true);
    expect(backup!.stat).not.toHaveBeenCalled();
  });
});
