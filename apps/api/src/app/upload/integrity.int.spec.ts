import { InitiateUploadResponse, UploadErrorCode, UploadServerMessage } from '@ddx/contracts';
import { FileRepository } from '@ddx/server-database';
import { DriveAccountPool } from '@ddx/server-drive';
import { createHash, randomBytes } from 'node:crypto';

import { accountsJson, EmulatorControl, RunningEmulator, startEmulator } from '../../testing/drive-emulator';
import { startTestApp, TestApp, testEnv } from '../../testing/test-app';
import { runUpload } from '../../testing/upload-client';

jest.setTimeout(120_000);
const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/**
 * The end-of-upload check: what Drive says it stored is compared with the MD5 the api
 * computed over the bytes it streamed. Drive is made to report or hold other bytes.
 */
describe('upload integrity: Drive stores or reports bytes other than were sent', () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let api: TestApp;

  beforeAll(async () => {
    emulator = await startEmulator();
    control = new EmulatorControl(emulator.url);
    const accounts = [await control.addAccount({ limit: 1024 * MiB })];
    // 4 MiB Drive requests: every multi-frame upload here spans several, so each check also sees a file finished by its last request.
    api = await startTestApp(testEnv('integrity', { GDRIVE_API_ROOT: emulator.url, GDRIVE_ACCOUNTS_JSON: accountsJson(accounts), UPLOAD_REQUEST_MIB: '4' }));
  });

  afterAll(async () => {
    await api?.close();
    await emulator?.close();
  });

  afterEach(() => control.clearFaults());

  async function initiate(filename: string, size: number): Promise<InitiateUploadResponse> {
    const res = await fetch(`${api.url}/api/v1/upload/initiate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ filename, size, content_type: 'application/octet-stream' }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as InitiateUploadResponse;
  }

  async function driveFilesNamed(name: string): Promise<Array<{ id: string; md5Checksum: string }>> {
    const res = (await (await fetch(`${emulator.url}__emulator/files`)).json()) as { files: Array<{ id: string; name: string; md5Checksum: string }> };
    return res.files.filter((f) => f.name === name);
  }

  async function reservedOnAccounts(): Promise<number> {
    return (await api.app.get(DriveAccountPool).list()).reduce((sum, a) => sum + a.reservedBytes, 0);
  }

  const last = (messages: UploadServerMessage[]) => messages[messages.length - 1];

  /** What every detected mismatch must end in: the client told, nothing kept, nothing held. */
  async function expectChecksumMismatch(name: string, fileId: string, run: { messages: UploadServerMessage[]; closeCode: number }): Promise<void> {
    expect(last(run.messages)).toEqual({
      type: 'error',
      code: UploadErrorCode.CHECKSUM_MISMATCH,
      value: 'The stored file did not match what was sent. Please upload it again.',
    });
    expect(run.messages.some((m) => m.type === 'success')).toBe(false);
    expect(run.closeCode).toBe(1011);
    const file = await api.app.get(FileRepository).findById(fileId);
    expect(file).toMatchObject({ status: 'failed', failureReason: UploadErrorCode.CHECKSUM_MISMATCH });
    expect(file?.md5 ?? null).toBeNull();
    // The bad copy is not left on Drive to be served or backed up, and the space is given back.
    expect(await driveFilesNamed(name)).toEqual([]);
    expect(await reservedOnAccounts()).toBe(0);
  }

  it('Drive reports an md5Checksum that is not the MD5 of the streamed bytes → CHECKSUM_MISMATCH, upload failed', async () => {
    const data = randomBytes(9 * MiB + 11);
    const up = await initiate('wrong-md5.bin', data.length);
    await control.addFault({ kind: 'wrong_md5', route: 'upload.resumable.chunk' });
    const run = await runUpload(api.url, up.file_id, up.upload_token, data);
    expect(await control.faults()).toEqual([]);
    await expectChecksumMismatch('wrong-md5.bin', up.file_id, run);

    // Nothing is stuck: the same bytes uploaded again arrive whole.
    const again = await initiate('wrong-md5.bin', data.length);
    const retry = await runUpload(api.url, again.file_id, again.upload_token, data);
    expect(last(retry.messages)).toMatchObject({ type: 'success', file_id: again.file_id });
    expect(await api.app.get(FileRepository).findById(again.file_id)).toMatchObject({ status: 'completed', md5: md5(data) });
  });

  it("Drive stores a flipped byte and reports the stored bytes' MD5 → CHECKSUM_MISMATCH", async () => {
    const data = randomBytes(5 * MiB);
    const up = await initiate('corrupt-stored.bin', data.length);
    await control.addFault({ kind: 'corrupt_bytes', route: 'upload.resumable.chunk', offset: 4 * MiB + 17, md5Of: 'stored' });
    const run = await runUpload(api.url, up.file_id, up.upload_token, data);
    await expectChecksumMismatch('corrupt-stored.bin', up.file_id, run);
  });

  it("the final chunk's answer is lost and the status query brings a wrong md5Checksum: still CHECKSUM_MISMATCH", async () => {
    const data = randomBytes(5 * MiB);
    const up = await initiate('lost-answer.bin', data.length);
    await control.clearStats();
    // One fault per request: the first chunk marks the session, the final chunk's answer is cut.
    await control.addFault({ kind: 'wrong_md5', route: 'upload.resumable.chunk' });
    await control.addFault({ kind: 'drop_response', route: 'upload.resumable.chunk', afterBytes: 0 });
    const run = await runUpload(api.url, up.file_id, up.upload_token, data);
    expect(await control.faults()).toEqual([]);
    // One status query opens the socket; the second is the one that learns of the file.
    expect((await control.stats()).byRoute['upload.resumable.status']?.requests).toBe(2);
    await expectChecksumMismatch('lost-answer.bin', up.file_id, run);
  });

  it('a wrong md5Checksum on a one-frame upload is caught as well', async () => {
    const data = randomBytes(1000);
    const up = await initiate('small-wrong.bin', data.length);
    await control.addFault({ kind: 'wrong_md5' });
    const run = await runUpload(api.url, up.file_id, up.upload_token, data);
    await expectChecksumMismatch('small-wrong.bin', up.file_id, run);
  });

  it("bytes that rot on Drive while it reports the sent MD5 cannot be seen here: the record keeps the sender's MD5 for later checks", async () => {
    const data = randomBytes(3 * MiB);
    const up = await initiate('corrupt-sent.bin', data.length);
    await control.addFault({ kind: 'corrupt_bytes', route: 'upload.resumable.chunk', offset: 100 });
    const run = await runUpload(api.url, up.file_id, up.upload_token, data);
    expect(last(run.messages)).toMatchObject({ type: 'success' });
    const file = await api.app.get(FileRepository).findById(up.file_id);
    // The backup copy and downloads compare against this, so it must be the sender's MD5.
    expect(file).toMatchObject({ status: 'completed', md5: md5(data) });
    expect(md5(await control.fileContent(file?.driveFileId as string))).not.toBe(md5(data));
  });
});
