import { InitiateUploadResponse } from '@ddx/contracts';
import { RunningApp, startApp } from '@ddx/local-services';
import { testWebdav } from '@ddx/local-services/testing';
import { FileDoc, FileRepository } from '@ddx/server-database';
import { openQueue, QueueName } from '@ddx/server-queue';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { accountsJson, EmulatorControl, RunningEmulator, startEmulator } from '../../testing/drive-emulator';
import { TcpSwitch } from '../../testing/tcp-switch';
import { startTestApp, TestApp, testEnv } from '../../testing/test-app';
import { runUpload } from '../../testing/upload-client';

jest.setTimeout(150_000);
const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('backup worker: copies to WebDAV, verified, retried, recovered', () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let api: TestApp;
  let env: Record<string, string>;
  let davSwitch: TcpSwitch;
  const webdav = testWebdav('backupworker');
  const workers: RunningApp[] = [];

  beforeAll(async () => {
    emulator = await startEmulator();
    control = new EmulatorControl(emulator.url);
    davSwitch = await TcpSwitch.start(Number(new URL(webdav.url).port));
    env = testEnv('backupworker', {
      GDRIVE_API_ROOT: emulator.url,
      GDRIVE_ACCOUNTS_JSON: accountsJson([await control.addAccount({ limit: 1024 * MiB })]),
      // Everything reaches WebDAV through the switch, so a test can take it "down".
      WEBDAV_URL: `http://127.0.0.1:${davSwitch.port}`,
      WEBDAV_USERNAME: webdav.username,
      WEBDAV_PASSWORD: webdav.password,
      WEBDAV_PREFIX: webdav.prefix,
      BACKUP_SWEEP_MS: '1000',
    });
    api = await startTestApp(env);
  });

  afterEach(async () => {
    davSwitch.set(true);
    await control.clearFaults();
    for (const w of workers.splice(0)) await w.stop();
  });

  afterAll(async () => {
    await api?.close();
    await davSwitch?.close();
    await emulator?.close();
  });

  const files = () => api.app.get(FileRepository);
  const worker = async (overrides: Record<string, string> = {}) => {
    const w = await startApp('worker', { ...env, ...overrides });
    workers.push(w);
    return w;
  };

  async function upload(name: string, data: Buffer): Promise<string> {
    const res = await fetch(`${api.url}/api/v1/upload/initiate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ filename: name, size: data.length, content_type: 'application/octet-stream' }),
    });
    const init = (await res.json()) as InitiateUploadResponse;
    const run = await runUpload(api.url, init.file_id, init.upload_token, data);
    expect(run.messages[run.messages.length - 1]).toMatchObject({ type: 'success' });
    return init.file_id;
  }

  async function until(id: string, pred: (f: FileDoc) => boolean, timeoutMs = 40_000): Promise<FileDoc> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = (await files().findById(id)) as FileDoc;
      if (pred(f) || Date.now() > deadline) return f;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  function copyOnDisk(f: FileDoc): Buffer | null {
    const path = join(webdav.rootDir, f.backupPath ?? '/nope');
    return existsSync(path) ? readFileSync(path) : null;
  }

  it('WebDAV down for the first attempts → retried → completed with the right bytes', async () => {
    davSwitch.set(false);
    await worker();
    const data = randomBytes(3 * MiB + 1);
    const id = await upload('retry.bin', data);
    const failing = await until(id, (f) => !!f.backupError);
    expect(failing.backupStatus).toBe('queued');
    expect(failing.backupError).toBeTruthy();
    davSwitch.set(true);
    const done = await until(id, (f) => f.backupStatus === 'completed');
    expect(done).toMatchObject({ backupStatus: 'completed', backupError: null });
    expect(done.backupAttempts).toBeGreaterThanOrEqual(2);
    expect(sha256(copyOnDisk(done) as Buffer)).toBe(sha256(data));
  });

  it('WebDAV down for good → failed, with the error and attempts recorded', async () => {
    davSwitch.set(false);
    await worker({ BACKUP_MAX_ATTEMPTS: '2' });
    const id = await upload('never.bin', randomBytes(MiB));
    const f = await until(id, (x) => x.backupStatus === 'failed');
    expect(f.backupStatus).toBe('failed');
    expect(f.backupError).toMatch(/\w+/);
    expect(f.backupAttempts).toBe(2);
  });

  it('Drive 5xx while reading the file → retried → completed', async () => {
    await control.addFault({ kind: 'server_error', status: 503, route: 'files.download', count: 2 });
    await worker();
    const data = randomBytes(2 * MiB);
    const id = await upload('drive503.bin', data);
    const f = await until(id, (x) => x.backupStatus === 'completed');
    expect(f.backupStatus).toBe('completed');
    expect(sha256(copyOnDisk(f) as Buffer)).toBe(sha256(data));
  });

  it('a worker killed mid-copy: the job runs again and the final copy is whole', async () => {
    // Slow the Drive read so the kill lands while the copy is in progress.
    await control.addFault({ kind: 'delay', delayMs: 4000, route: 'files.download', count: 1 });
    const first = await worker();
    const data = randomBytes(4 * MiB + 7);
    const id = await upload('killed.bin', data);
    await until(id, (f) => f.backupStatus === 'in_progress');
    first.process.killNow();
    await first.process.waitForExit();
    expect((await files().findById(id))?.backupStatus).toBe('in_progress');
    await worker();
    const f = await until(id, (x) => x.backupStatus === 'completed', 60_000);
    expect(f.backupStatus).toBe('completed');
    expect(sha256(copyOnDisk(f) as Buffer)).toBe(sha256(data));
  });

  it('a completed file whose job was lost is picked up by the sweeper', async () => {
    // No worker while the file completes: the job sits in Redis; then it is "lost".
    const data = randomBytes(MiB + 5);
    const id = await upload('lost.bin', data);
    const queue = openQueue(QueueName.backup, env);
    await (await queue.getJob(id))?.remove();
    await queue.close();
    await files().setBackup(id, { backupStatus: 'none' });
    await worker();
    const f = await until(id, (x) => x.backupStatus === 'completed');
    expect(f.backupStatus).toBe('completed');
    expect(sha256(copyOnDisk(f) as Buffer)).toBe(sha256(data));
  });
});
