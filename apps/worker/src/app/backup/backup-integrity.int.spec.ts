import { isolatedNames, testServices, testWebdav } from '@ddx/local-services/testing';
import { BACKUP_STORE, BackupStore } from '@ddx/server-backup';
import { ConfigModule, loadConfig } from '@ddx/server-config';
import { FileDoc, FileRepository } from '@ddx/server-database';
import { DriveAccountPool, DriveClient } from '@ddx/server-drive';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';

// Test-only: the Drive emulator runs in this process.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startEmulator, type RunningEmulator } from '../../../../gdrive-emulator/src/emulator';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { EmulatorControl } from '../../../../gdrive-emulator/src/testing/emulator-control';
import { WorkerModule } from '../worker.module';

jest.setTimeout(120_000);
const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/**
 * The worker's two MD5 checks, each made to see a mismatch: the bytes it read from Drive
 * against the MD5 recorded at upload, and a copy already at the backup path (an earlier
 * attempt's) against the same MD5. The worker runs in this process, on the source.
 */
describe('backup integrity: a copy is verified before it counts', () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let worker: INestApplicationContext;
  const webdav = testWebdav('backupintegrity');

  beforeAll(async () => {
    emulator = await startEmulator();
    control = new EmulatorControl(emulator.url);
    const account = await control.addAccount({ limit: 1024 * MiB });
    const oauth = account.credentials.oauth as NonNullable<typeof account.credentials.oauth>;
    const names = isolatedNames('backupintegrity');
    const env = loadConfig({
      NODE_ENV: 'test',
      MONGO_URL: names.mongoUrl,
      REDIS_URL: testServices().redisUrl,
      REDIS_PREFIX: names.redisPrefix,
      LOG_LEVEL: 'warn',
      GDRIVE_API_ROOT: emulator.url,
      GDRIVE_ACCOUNTS_JSON: JSON.stringify([{ label: 'drive-1', client_id: oauth.client_id, client_secret: oauth.client_secret, refresh_token: oauth.refresh_token }]),
      WEBDAV_URL: webdav.url,
      WEBDAV_USERNAME: webdav.username,
      WEBDAV_PASSWORD: webdav.password,
      WEBDAV_PREFIX: webdav.prefix,
      BACKUP_SWEEP_MS: '1000',
      BACKUP_MAX_ATTEMPTS: '2',
    });
    worker = await NestFactory.createApplicationContext(WorkerModule.register(ConfigModule.forRoot(env)), { logger: ['error'] });
    worker.enableShutdownHooks();
    await worker.init();
  });

  afterAll(async () => {
    await worker?.close();
    await emulator?.close();
  });

  beforeEach(() => control.clearStats());
  afterEach(() => control.clearFaults());

  const files = () => worker.get(FileRepository);
  const store = () => worker.get<BackupStore>(BACKUP_STORE);
  const driveReads = async () => (await control.stats()).byRoute['files.download']?.requests ?? 0;
  const onDisk = (path: string): Buffer | null => (existsSync(join(webdav.rootDir, path)) ? readFileSync(join(webdav.rootDir, path)) : null);

  /**
   * A completed upload as the api leaves it: the bytes on Drive (through whatever fault is
   * queued) and the MD5 of the bytes the user sent on record. `before` runs before the
   * record is completed, i.e. before the sweeper can queue its backup.
   */
  async function completedFile(name: string, data: Buffer, before?: (id: string, path: string) => Promise<void>): Promise<{ id: string; path: string }> {
    const pool = worker.get(DriveAccountPool) as DriveAccountPool<DriveClient>;
    const [account] = await pool.list();
    if (!account) throw new Error('the worker imported no Drive account');
    const stored = await (await pool.client(account._id)).uploadSmallFile({ name, body: data });
    const id = randomUUID();
    const path = store().backupPathFor(id, name);
    await files().create({
      _id: id,
      ownerId: null,
      filename: name,
      originalFilename: name,
      sizeBytes: data.length,
      contentType: 'application/octet-stream',
      batchId: null,
      ip: null,
      uploadTokenHash: null,
      driveAccountId: account._id,
      driveSessionSealed: null,
      accountReservedBytes: 0,
      userReservedBytes: 0,
      dailyUsageKey: null,
      expiresAt: null,
    });
    await before?.(id, path);
    await files().complete(id, { driveFileId: stored.id, md5: md5(data), sizeBytes: data.length }, new Date());
    return { id, path };
  }

  async function until(id: string, pred: (f: FileDoc) => boolean, timeoutMs = 40_000): Promise<FileDoc> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = (await files().findById(id)) as FileDoc;
      if (pred(f) || Date.now() > deadline) return f;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('Drive serves other bytes than were uploaded → the copy is refused and removed, retried, then failed with its reason', async () => {
    const data = randomBytes(2 * MiB + 5);
    // Drive keeps reporting the MD5 of what was sent; only hashing what is read shows the rot.
    await control.addFault({ kind: 'corrupt_bytes', route: 'upload.multipart', offset: MiB });
    const { id, path } = await completedFile('rotten.bin', data);
    const f = await until(id, (x) => x.backupStatus === 'failed');
    expect(f).toMatchObject({ backupStatus: 'failed', backupAttempts: 2, backupPath: null });
    expect(f.backupError).toMatch(new RegExp(`MD5 [0-9a-f]{32}, expected ${md5(data)}`));
    expect(await driveReads()).toBe(2);
    // No copy is left where a later attempt or the download fallback could take it as good.
    expect(onDisk(path)).toBeNull();
  });

  it('an altered copy already at the backup path is not taken as done: it is rewritten from Drive and verified', async () => {
    const data = randomBytes(3 * MiB);
    const altered = Buffer.from(data);
    altered[12345] = (altered[12345] as number) ^ 0xff;
    const { id, path } = await completedFile('altered.bin', data, async (_id, p) => {
      await store().put(p, Readable.from([altered]), { size: altered.length });
    });
    const f = await until(id, (x) => x.backupStatus === 'completed');
    expect(f).toMatchObject({ backupStatus: 'completed', backupPath: path, backupError: null });
    expect(await driveReads()).toBe(1);
    expect(md5(onDisk(path) as Buffer)).toBe(md5(data));
  });

  it('a copy of another size at the path is rewritten too', async () => {
    const data = randomBytes(MiB + 1);
    const { id, path } = await completedFile('short.bin', data, async (_id, p) => {
      await store().put(p, Readable.from([data.subarray(0, MiB)]), { size: MiB });
    });
    const f = await until(id, (x) => x.backupStatus === 'completed');
    expect(f.backupStatus).toBe('completed');
    expect(await driveReads()).toBe(1);
    expect(md5(onDisk(path) as Buffer)).toBe(md5(data));
  });

  it('an intact copy at the path is accepted without reading Drive again', async () => {
    const data = randomBytes(MiB);
    const { id, path } = await completedFile('intact.bin', data, async (_id, p) => {
      await store().put(p, Readable.from([data]), { size: data.length });
    });
    const f = await until(id, (x) => x.backupStatus === 'completed');
    expect(f).toMatchObject({ backupStatus: 'completed', backupPath: path });
    expect(await driveReads()).toBe(0);
    expect(md5(onDisk(path) as Buffer)).toBe(md5(data));
  });

  it.each(([500, 502, 503, 504] as const).flatMap((status) => (['json', 'html', 'empty'] as const).map((body) => [status, body] as const)))(
    'Drive answers the read with %i and a %s body → the attempt fails with its reason recorded, the retry copies the file whole',
    async (status, body) => {
      await control.addFault({ kind: 'server_error', status, body, route: 'files.download', count: 1 });
      const data = randomBytes(MiB + 7);
      const { id, path } = await completedFile(`read-${status}-${body}.bin`, data);
      // Between the attempts (2 s of backoff) the record says why the first one failed.
      const between = await until(id, (x) => !!x.backupError || x.backupStatus === 'completed');
      expect(between.backupStatus).toBe('queued');
      expect(between.backupError).toMatch(new RegExp(`^Drive download failed: ${status}${body === 'json' ? ' (internalError|backendError)' : '$'}`));
      const f = await until(id, (x) => x.backupStatus === 'completed');
      expect(f).toMatchObject({ backupStatus: 'completed', backupAttempts: 2, backupError: null });
      expect(await driveReads()).toBe(2);
      expect(md5(onDisk(path) as Buffer)).toBe(md5(data));
    },
  );
});
