import { DownloadErrorCode, InitiateUploadResponse, UploadServerMessage } from '@ddx/contracts';
import { testWebdav } from '@ddx/local-services/testing';
import { BACKUP_STORE, BackupStore } from '@ddx/server-backup';
import { FileDoc, FileRepository } from '@ddx/server-database';
import { DriveAccountPool } from '@ddx/server-drive';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

import { accountsJson, EmulatorAccount, EmulatorControl, RunningEmulator, startEmulator } from '../../testing/drive-emulator';
import { startTestApp, TestApp, testEnv } from '../../testing/test-app';
import { runUpload } from '../../testing/upload-client';

jest.setTimeout(180_000);
const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Every 5xx shape Drive or Google's front end answers with: status × body. */
const SHAPES = ([500, 502, 503, 504] as const).flatMap((status) => (['json', 'html', 'empty'] as const).map((body) => [status, body] as const));

/**
 * What each path does with a transient Drive answer of every shape: uploads retry the
 * chunk (after asking Drive where it is), session starts move to another account,
 * downloads and HEAD fall back to the verified WebDAV copy, or answer 503 without one.
 */
describe('transient Drive errors of every shape, on every path', () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let accounts: EmulatorAccount[];
  let api: TestApp;
  const webdav = testWebdav('transientdrive');

  beforeAll(async () => {
    emulator = await startEmulator();
    control = new EmulatorControl(emulator.url);
    accounts = [await control.addAccount({ limit: 2048 * MiB }), await control.addAccount({ limit: 2048 * MiB })];
    api = await startTestApp(
      testEnv('transientdrive', {
        GDRIVE_API_ROOT: emulator.url,
        GDRIVE_ACCOUNTS_JSON: accountsJson(accounts),
        WEBDAV_URL: webdav.url,
        WEBDAV_USERNAME: webdav.username,
        WEBDAV_PASSWORD: webdav.password,
        WEBDAV_PREFIX: webdav.prefix,
      }),
    );
  });

  afterAll(async () => {
    await api?.close();
    await emulator?.close();
  });

  afterEach(async () => {
    await control.clearFaults();
    // One case's failures must not leave an account unhealthy for the next.
    const pool = api.app.get(DriveAccountPool);
    for (const a of await pool.list()) await pool.reportSuccess(a._id);
  });

  const files = () => api.app.get(FileRepository);
  const store = () => api.app.get<BackupStore>(BACKUP_STORE);
  const last = (messages: UploadServerMessage[]) => messages[messages.length - 1];

  async function initiate(name: string, size: number): Promise<InitiateUploadResponse> {
    const res = await fetch(`${api.url}/api/v1/upload/initiate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ filename: name, size, content_type: 'application/octet-stream' }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as InitiateUploadResponse;
  }

  async function uploaded(name: string, data: Buffer): Promise<FileDoc> {
    const up = await initiate(name, data.length);
    const run = await runUpload(api.url, up.file_id, up.upload_token, data);
    expect(last(run.messages)).toMatchObject({ type: 'success' });
    return (await files().findById(up.file_id)) as FileDoc;
  }

  async function withVerifiedCopy(f: FileDoc, data: Buffer): Promise<void> {
    const path = store().backupPathFor(f._id, f.filename);
    await store().put(path, Readable.from([data]), { size: data.length });
    await files().setBackup(f._id, { backupStatus: 'completed', backupPath: path, backupError: null });
  }

  async function stored(f: FileDoc): Promise<Buffer> {
    return control.fileContent((await files().findById(f._id))?.driveFileId as string);
  }

  it.each(SHAPES)('upload chunk PUT and the status query after it: %i with a %s body → retried, the file arrives whole', async (status, body) => {
    const data = randomBytes(9 * MiB + 5);
    const up = await initiate(`chunk-${status}-${body}.bin`, data.length);
    await control.addFault({ kind: 'server_error', status, body, route: 'upload.resumable.chunk', count: 1 });
    await control.addFault({ kind: 'server_error', status, body, route: 'upload.resumable.status', count: 1 });
    const run = await runUpload(api.url, up.file_id, up.upload_token, data);
    expect(last(run.messages)).toMatchObject({ type: 'success', file_id: up.file_id });
    expect(await control.faults()).toEqual([]);
    const f = (await files().findById(up.file_id)) as FileDoc;
    expect(f.status).toBe('completed');
    expect(sha256(await stored(f))).toBe(sha256(data));
  });

  it.each(SHAPES)('session start: %i with a %s body → the upload opens on the other account', async (status, body) => {
    await control.addFault({ kind: 'server_error', status, body, route: 'upload.resumable.initiate', count: 1 });
    const data = randomBytes(MiB);
    const f = await uploaded(`start-${status}-${body}.bin`, data);
    expect(await control.faults()).toEqual([]);
    const refused = (await api.app.get(DriveAccountPool).list()).filter((a) => a.consecutiveFailures > 0).map((a) => a._id);
    expect(refused).toHaveLength(1);
    expect(refused).not.toContain(f.driveAccountId);
    expect(sha256(await stored(f))).toBe(sha256(data));
  });

  describe('reads', () => {
    let data: Buffer;
    let withCopy: FileDoc;
    let withoutCopy: FileDoc;

    beforeAll(async () => {
      data = randomBytes(2 * MiB + 3);
      withCopy = await uploaded('read-with-copy.bin', data);
      await withVerifiedCopy(withCopy, data);
      withoutCopy = await uploaded('read-without-copy.bin', data);
    });

    const get = async (f: FileDoc, method = 'GET') => {
      const res = await fetch(`${api.url}/api/v1/download/stream/${f._id}`, { method });
      return { res, body: Buffer.from(await res.arrayBuffer()) };
    };

    it.each(SHAPES)('byte read: %i with a %s body → the verified copy is served; without one, 503 and Drive again next time', async (status, body) => {
      await control.addFault({ kind: 'server_error', status, body, route: 'files.download', count: 1 });
      const fromBackup = await get(withCopy);
      expect(fromBackup.res.status).toBe(200);
      expect(fromBackup.res.headers.get('x-served-from')).toBe('backup');
      expect(sha256(fromBackup.body)).toBe(sha256(data));

      await control.addFault({ kind: 'server_error', status, body, route: 'files.download', count: 1 });
      const none = await get(withoutCopy);
      expect(none.res.status).toBe(503);
      expect(JSON.parse(none.body.toString())).toMatchObject({ error: DownloadErrorCode.FILE_UNAVAILABLE });
      expect(none.body.toString()).not.toMatch(/<html|Server Error|internalError|backendError/i);
      const again = await get(withoutCopy);
      expect(again.res.headers.get('x-served-from')).toBe('drive');
      expect(sha256(again.body)).toBe(sha256(data));
    });

    it.each(SHAPES)('metadata read (HEAD): %i with a %s body → available through the verified copy; without one, 503', async (status, body) => {
      await control.addFault({ kind: 'server_error', status, body, route: 'files.get', count: 2 });
      expect((await get(withCopy, 'HEAD')).res.status).toBe(200);
      expect((await get(withoutCopy, 'HEAD')).res.status).toBe(503);
      expect((await get(withoutCopy, 'HEAD')).res.status).toBe(200);
    });
  });
});
