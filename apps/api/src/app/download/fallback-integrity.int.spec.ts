import { DownloadErrorCode, InitiateUploadResponse } from '@ddx/contracts';
import { testWebdav } from '@ddx/local-services/testing';
import { BACKUP_STORE, BackupStore } from '@ddx/server-backup';
import { FileDoc, FileRepository } from '@ddx/server-database';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { accountsJson, EmulatorControl, RunningEmulator, startEmulator } from '../../testing/drive-emulator';
import { startTestApp, TestApp, testEnv } from '../../testing/test-app';
import { runUpload } from '../../testing/upload-client';

jest.setTimeout(120_000);
const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * The WebDAV fallback serves only a copy the worker verified (backupStatus `completed`).
 * Copies are put at the file's backup path by the test itself, so the only thing that
 * differs between cases is what the record says about them (no worker runs here).
 */
describe('backup fallback: only a verified copy is served when Drive fails', () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let api: TestApp;
  const webdav = testWebdav('fallbackintegrity');

  beforeAll(async () => {
    emulator = await startEmulator();
    control = new EmulatorControl(emulator.url);
    const accounts = [await control.addAccount({ limit: 1024 * MiB })];
    api = await startTestApp(
      testEnv('fallbackintegrity', {
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

  afterEach(() => control.clearFaults());

  const files = () => api.app.get(FileRepository);
  const store = () => api.app.get<BackupStore>(BACKUP_STORE);

  /** An uploaded file with a whole, correct copy at its backup path, recorded with `backupStatus`. */
  async function uploadWithCopy(name: string, data: Buffer, backupStatus: FileDoc['backupStatus']): Promise<FileDoc> {
    const res = await fetch(`${api.url}/api/v1/upload/initiate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ filename: name, size: data.length, content_type: 'application/octet-stream' }),
    });
    const init = (await res.json()) as InitiateUploadResponse;
    const run = await runUpload(api.url, init.file_id, init.upload_token, data);
    expect(run.messages[run.messages.length - 1]).toMatchObject({ type: 'success' });
    const path = store().backupPathFor(init.file_id, name);
    await store().put(path, Readable.from([data]), { size: data.length });
    await files().setBackup(init.file_id, { backupStatus, backupPath: path, backupError: null });
    return (await files().findById(init.file_id)) as FileDoc;
  }

  async function driveFails(): Promise<void> {
    await control.addFault({ kind: 'server_error', status: 503, route: 'files.download', count: -1 });
    await control.addFault({ kind: 'server_error', status: 503, route: 'files.get', count: -1 });
  }

  async function get(id: string, method = 'GET'): Promise<{ status: number; headers: Headers; body: Buffer | null; error: unknown }> {
    const res = await fetch(`${api.url}/api/v1/download/stream/${id}`, { method });
    try {
      return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()), error: null };
    } catch (error) {
      return { status: res.status, headers: res.headers, body: null, error };
    }
  }

  function expectUnavailable(r: { status: number; headers: Headers; body: Buffer | null }, data: Buffer): void {
    expect(r.status).toBe(503);
    expect(r.headers.get('x-served-from')).toBeNull();
    expect(JSON.parse((r.body as Buffer).toString())).toMatchObject({ statusCode: 503, error: DownloadErrorCode.FILE_UNAVAILABLE });
    expect((r.body as Buffer).includes(data.subarray(0, 64))).toBe(false);
  }

  it.each(['none', 'queued', 'in_progress', 'failed'] as const)('a copy whose backup is %s is never served when Drive fails (GET and HEAD answer 503)', async (status) => {
    const data = randomBytes(MiB + 3);
    const f = await uploadWithCopy(`unverified-${status}.bin`, data, status);
    await driveFails();
    expectUnavailable(await get(f._id), data);
    expect((await get(f._id, 'HEAD')).status).toBe(503);

    // The same copy, once verified, is served whole: what kept it back was only its status.
    await files().setBackup(f._id, { backupStatus: 'completed' });
    const served = await get(f._id);
    expect(served.status).toBe(200);
    expect(served.headers.get('x-served-from')).toBe('backup');
    expect(sha256(served.body as Buffer)).toBe(sha256(data));
  });

  it('while Drive works, the file comes from Drive whatever its backup status', async () => {
    const data = randomBytes(2 * MiB);
    const f = await uploadWithCopy('drive-first.bin', data, 'in_progress');
    const r = await get(f._id);
    expect(r.status).toBe(200);
    expect(r.headers.get('x-served-from')).toBe('drive');
    expect(sha256(r.body as Buffer)).toBe(sha256(data));
  });

  it('a verified copy that has since lost bytes is not served as the file (503, never a short or padded body)', async () => {
    const data = randomBytes(3 * MiB + 1);
    const f = await uploadWithCopy('shrunk.bin', data, 'completed');
    writeFileSync(join(webdav.rootDir, f.backupPath as string), data.subarray(0, 2 * MiB));
    await driveFails();
    expectUnavailable(await get(f._id), data);
    expect((await get(f._id, 'HEAD')).status).toBe(503);
  });

  it('a verified copy that has grown is not served as the file either', async () => {
    const data = randomBytes(MiB);
    const f = await uploadWithCopy('grown.bin', data, 'completed');
    writeFileSync(join(webdav.rootDir, f.backupPath as string), Buffer.concat([data, Buffer.from('tail')]));
    await driveFails();
    expectUnavailable(await get(f._id), data);
  });
});
