import { BackupStore } from '@ddx/server-backup';
import { AppConfig } from '@ddx/server-config';
import { FileDoc, FileRepository } from '@ddx/server-database';
import { DriveAccountPool } from '@ddx/server-drive';
import { BackupCopyJobData, LiveEventsPublisher } from '@ddx/server-queue';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

import { BackupProcessor } from './backup.processor';

const BYTES = Buffer.from('the bytes of a file that is being backed up');
const MD5 = createHash('md5').update(BYTES).digest('hex');

const FILE = {
  _id: 'f1',
  filename: 'report.pdf',
  status: 'completed',
  sizeBytes: BYTES.length,
  md5: MD5,
  driveFileId: 'drive-f1',
  driveAccountId: 'acc1',
} as unknown as FileDoc;

/** A stand-in whose unstubbed methods throw, so an unexpected call fails the test. */
function strict<T extends object>(name: string, stubs: Record<string, jest.Mock>): T & Record<string, jest.Mock> {
  return new Proxy(stubs, {
    get: (target, prop) =>
      prop in target ? target[prop as string] : prop === 'then' || typeof prop === 'symbol' ? undefined : () => { throw new Error(`unexpected ${name}.${String(prop)}()`); },
  }) as T & Record<string, jest.Mock>;
}

function setup(opts: { file?: Partial<FileDoc> | null; driveBytes?: Buffer; stored?: Buffer | null; recorded?: boolean; store?: boolean } = {}) {
  const file = opts.file === null ? null : ({ ...FILE, ...opts.file } as FileDoc);
  const files = strict<FileRepository>('files', {
    findById: jest.fn(async () => file),
    setBackup: jest.fn(async () => undefined),
    recordBackupCopy: jest.fn(async () => opts.recorded ?? true),
  });
  const put = jest.fn(async (_path: string, stream: Readable) => {
    for await (const _ of stream) void _;
  });
  const store = strict<BackupStore>('store', {
    backupPathFor: jest.fn((id: string, name: string) => `/backups/${id}/${name}`),
    stat: jest.fn(async () => (opts.stored ? { size: opts.stored.length } : null)),
    createReadStream: jest.fn(async () => Readable.from([opts.stored ?? Buffer.alloc(0)])),
    put,
    deleteDir: jest.fn(async () => undefined),
  });
  const client = { download: jest.fn(async () => ({ stream: Readable.from([opts.driveBytes ?? BYTES]) })) };
  const pool = strict<DriveAccountPool>('pool', { client: jest.fn(async () => client) });
  const events = strict<LiveEventsPublisher>('events', { publish: jest.fn() });
  const config = { BACKUP_MAX_ATTEMPTS: 3, BACKUP_CONCURRENCY: 1 } as unknown as AppConfig;
  const processor = new BackupProcessor(files, pool, config, events, opts.store === false ? null : store);
  return { processor, files, store, client, events };
}

const job = (attemptsMade = 0, attempts = 3) => ({ data: { fileId: 'f1' }, attemptsMade, opts: { attempts } }) as unknown as Job<BackupCopyJobData>;

beforeAll(() => {
  jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
});

describe('BackupProcessor: a copy counts only when the store holds it whole', () => {
  it('copies from Drive, checks the MD5 and records the copy', async () => {
    const { processor, files, store, events } = setup();
    await expect(processor.process(job())).resolves.toEqual({ status: 'copied', path: '/backups/f1/report.pdf' });
    expect(files.setBackup).toHaveBeenCalledWith('f1', { backupStatus: 'in_progress', backupError: null }, true);
    expect(store.put).toHaveBeenCalledWith('/backups/f1/report.pdf', expect.anything(), { size: BYTES.length });
    expect(files.recordBackupCopy).toHaveBeenCalledWith('f1', expect.objectContaining({ backupStatus: 'completed', backupPath: '/backups/f1/report.pdf', backupError: null }));
    expect(events.publish).toHaveBeenCalledWith({ type: 'backup.completed', fileId: 'f1', size: BYTES.length });
  });

  it('removes a copy whose MD5 differs from the upload and fails the attempt', async () => {
    const { processor, files, store } = setup({ driveBytes: Buffer.from('other bytes entirely') });
    await expect(processor.process(job())).rejects.toThrow(`expected ${MD5}`);
    expect(store.deleteDir).toHaveBeenCalledWith('/backups/f1');
    expect(files.recordBackupCopy).not.toHaveBeenCalled();
  });

  it('keeps a copy when the file has no MD5 to compare with', async () => {
    const { processor, store } = setup({ file: { md5: null } as Partial<FileDoc>, driveBytes: Buffer.from('x') });
    await expect(processor.process(job())).resolves.toMatchObject({ status: 'copied' });
    expect(store.deleteDir).not.toHaveBeenCalled();
  });

  it('removes the copy of a file deleted while it was being copied', async () => {
    const { processor, store, events } = setup({ recorded: false });
    await expect(processor.process(job())).resolves.toEqual({ status: 'skipped' });
    expect(store.deleteDir).toHaveBeenCalledWith('/backups/f1');
    expect(events.publish).not.toHaveBeenCalled();
  });

  it('does not upload again a copy an earlier attempt finished, but checks it byte for byte', async () => {
    const { processor, client } = setup({ stored: BYTES });
    await expect(processor.process(job())).resolves.toEqual({ status: 'already_there', path: '/backups/f1/report.pdf' });
    expect(client.download).not.toHaveBeenCalled();
  });

  it('uploads again over an earlier copy of the right size but other bytes, or of another size', async () => {
    const sameSize = Buffer.alloc(BYTES.length, 'x');
    for (const stored of [sameSize, BYTES.subarray(1)]) {
      const { processor, client } = setup({ stored });
      await expect(processor.process(job())).resolves.toMatchObject({ status: 'copied' });
      expect(client.download).toHaveBeenCalledTimes(1);
    }
  });

  it('removes an already-finished copy too when the file was deleted meanwhile', async () => {
    const { processor, store } = setup({ stored: BYTES, recorded: false });
    await expect(processor.process(job())).resolves.toEqual({ status: 'skipped' });
    expect(store.deleteDir).toHaveBeenCalledWith('/backups/f1');
  });

  it.each([
    ['a missing file', null],
    ['a file not completed', { status: 'uploading' }],
    ['a file without a Drive copy', { driveFileId: null }],
    ['a file without a Drive account', { driveAccountId: null }],
  ])('skips %s without touching the store', async (_what, file) => {
    const { processor, store } = setup({ file: file as Partial<FileDoc> | null });
    await expect(processor.process(job())).resolves.toEqual({ status: 'skipped' });
    expect(store.put).not.toHaveBeenCalled();
  });

  it('fails for good when backups are disabled', async () => {
    const { processor } = setup({ store: false });
    await expect(processor.process(job())).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it('turns the last allowed attempt into a final failure, and earlier ones into retries', async () => {
    const retry = setup({ driveBytes: Buffer.from('bad') });
    await expect(retry.processor.process(job(1))).rejects.not.toBeInstanceOf(UnrecoverableError);
    const last = setup({ driveBytes: Buffer.from('bad') });
    await expect(last.processor.process(job(2))).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(setup({ driveBytes: Buffer.from('bad') }).processor.process(job(2))).rejects.toThrow(/MD5/);
  });

  it('marks a failure final when attempts are used up, queued otherwise, and says so', async () => {
    const queued = setup();
    await queued.processor.onFailed(job(1, 3), new Error('network'));
    expect(queued.files.setBackup).toHaveBeenCalledWith('f1', { backupStatus: 'queued', backupError: 'network' });
    expect(queued.events.publish).toHaveBeenCalledWith({ type: 'backup.failed', fileId: 'f1', reason: 'network', final: false });
    const final = setup();
    await final.processor.onFailed(job(3, 3), new Error('x'.repeat(600)));
    expect(final.files.setBackup).toHaveBeenCalledWith('f1', { backupStatus: 'failed', backupError: 'x'.repeat(500) });
    expect(final.events.publish).toHaveBeenCalledWith(expect.objectContaining({ final: true, reason: 'x'.repeat(300) }));
    const unrecoverable = setup();
    await unrecoverable.processor.onFailed(job(0, 3), new UnrecoverableError('off'));
    expect(unrecoverable.files.setBackup).toHaveBeenCalledWith('f1', expect.objectContaining({ backupStatus: 'failed' }));
    await expect(unrecoverable.processor.onFailed(undefined, new Error('x'))).resolves.toBeUndefined();
  });
});
