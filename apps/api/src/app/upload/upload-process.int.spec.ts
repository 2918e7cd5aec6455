import { InitiateUploadResponse } from '@ddx/contracts';
import { RunningApp, startApp } from '@ddx/local-services';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { accountsJson, EmulatorControl, RunningEmulator, startEmulator } from '../../testing/drive-emulator';
import { testEnv } from '../../testing/test-app';
import { runUpload, runUploadRetryingLock } from '../../testing/upload-client';

jest.setTimeout(180_000);
const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Peak and current resident memory of a process, from /proc. */
function memory(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

describe('upload pipeline against real api processes', () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let env: Record<string, string>;
  let api: RunningApp | undefined;

  beforeAll(async () => {
    emulator = await startEmulator();
    control = new EmulatorControl(emulator.url);
    const accounts = [await control.addAccount({ limit: 4096 * MiB }), await control.addAccount({ limit: 4096 * MiB })];
    env = testEnv('upload-proc', { GDRIVE_API_ROOT: emulator.url, GDRIVE_ACCOUNTS_JSON: accountsJson(accounts)});
  });

  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });

  afterAll(() => emulator?.close());

  async function initiate(url: string, filename: string, size: number): Promise<InitiateUploadResponse> {
    const res = await fetch(`${url}/api/v1/upload/initiate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ filename, size, content_type: 'application/octet-stream' }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as InitiateUploadResponse;
  }

  it('the api process is killed in the middle of a long Drive request, socket open: the next one hashes what Drive kept, resends only the rest, and the MD5 is checked', async () => {
    api = await startApp('api', env);
    const data = randomBytes(14 * MiB + 321);
    const up = await initiate(api.url as string, 'crash-mid-request.bin', data.length);
    await control.clearStats();
    const dying = api;
    const first = await runUpload(dying.url as string, up.file_id, up.upload_token, data, { onFrameTaken: (n) => n === 2 && dying.process.killNow() });
    expect(first.messages.some((m) => m.type === 'progress')).toBe(false); // the one request never finished
    await dying.process.waitForExit();
    await new Promise((r) => setTimeout(r, 500)); // the emulator notices the cut request
    await control.clearStats();

    api = await startApp('api', env);
    const second = await runUploadRetryingLock(api.url as string, up.file_id, up.upload_token, data);
    // Only the request boundary at 0 was saved: the client starts there, and what Drive kept is hashed, not resent.
    expect(second.messages[0]).toMatchObject({ type: 'ready', offset: 0 });
    expect(second.messages[second.messages.length - 1]).toMatchObject({ type: 'success', file_id: up.file_id });
    const resent = (await control.stats()).byRoute['upload.resumable.chunk']?.bytesIn ?? 0;
    expect(resent).toBeGreaterThan(0);
    expect(resent).toBeLessThanOrEqual(data.length - 4 * MiB);
    const stored = (await (await fetch(`${emulator.url}__emulator/files`)).json()) as { files: Array<{ id: string; name: string }> };
    const file = stored.files.find((f) => f.name === 'crash-mid-request.bin');
    expect(sha256(await control.fileContent(file!.id))).toBe(sha256(data));
  });

  it('the api process is killed mid-upload; a new process resumes from Drive and finishes', async () => {
    api = await startApp('api', env);
    const data = randomBytes(14 * MiB + 123);
    const up = await initiate(api.url as string, 'restart.bin', data.length);
    const first = await runUpload(api.url as string, up.file_id, up.upload_token, data, { sendOnlyFrames: 2 });
    expect(first.messages.filter((m) => m.type === 'received').length).toBeGreaterThanOrEqual(2);
    api.process.killNow(); // no graceful shutdown: as after a crash
    await api.process.waitForExit();

    api = await startApp('api', env);
    // The dead process's lock on the upload expires by itself within seconds.
    const second = await runUploadRetryingLock(api.url as string, up.file_id, up.upload_token, data);
    // The closing socket saved the checkpoint nearest to what Drive kept, unless the kill came first.
    expect([0, 4 * MiB, 8 * MiB]).toContain((second.messages[0] as { offset: number }).offset);
    expect(second.messages[0]).toMatchObject({ type: 'ready' });
    const success = second.messages[second.messages.length - 1];
    expect(success).toMatchObject({ type: 'success', file_id: up.file_id });

    const stored = (await (await fetch(`${emulator.url}__emulator/files`)).json()) as { files: Array<{ id: string; name: string; size: string }> };
    const file = stored.files.find((f) => f.name === 'restart.bin');
    expect(file).toBeDefined();
    expect(sha256(await control.fileContent(file!.id))).toBe(sha256(data));
  });

  it('10 concurrent 20 MiB uploads complete byte-identical while the api memory stays bounded', async () => {
    api = await startApp('api', env);
    const url = api.url as string;
    const pid = api.process.pid as number;
    const sources = Array.from({ length: 10 }, () => randomBytes(20 * MiB));
    const ups = await Promise.all(sources.map((_, i) => initiate(url, `parallel-${i}.bin`, 20 * MiB)));
    const baseline = memory(pid);
    let peakDuring = 0;
    const sampler = setInterval(() => (peakDuring = Math.max(peakDuring, memory(pid).rssMiB)), 50);
    const runs = await Promise.all(ups.map((u, i) => runUpload(url, u.file_id, u.upload_token, sources[i] as Buffer)));
    clearInterval(sampler);
    for (const r of runs) expect(r.messages[r.messages.length - 1]).toMatchObject({ type: 'success' });

    const stored = (await (await fetch(`${emulator.url}__emulator/files`)).json()) as { files: Array<{ id: string; name: string }> };
    for (let i = 0; i < 10; i++) {
      const f = stored.files.find((x) => x.name === `parallel-${i}.bin`);
      expect(sha256(await control.fileContent(f!.id))).toBe(sha256(sources[i] as Buffer));
    }
    // 200 MiB went through. Whole-file buffering would need all of it on top of
    // the baseline; here each upload holds a few 4 MiB frames (the socket's, the
    // queue's, the PUT body's copy), whatever the file size.
    const growth = peakDuring - baseline.rssMiB;
    process.stdout.write(`10 x 20 MiB: api RSS baseline ${baseline.rssMiB.toFixed(0)} MiB, peak ${peakDuring.toFixed(0)} MiB (+${growth.toFixed(0)} MiB)\n`);
    // The data path's budget: three 4 MiB frames per upload in flight, plus 64 MiB for the process.
    expect(growth).toBeLessThan(10 * 3 * 4 + 64);
  });

  it('memory does not grow with file size: one 160 MiB upload', async () => {
    api = await startApp('api', env);
    const url = api.url as string;
    const pid = api.process.pid as number;
    const data = randomBytes(160 * MiB);
    const up = await initiate(url, 'large.bin', data.length);
    const baseline = memory(pid);
    let peakDuring = 0;
    const sampler = setInterval(() => (peakDuring = Math.max(peakDuring, memory(pid).rssMiB)), 50);
    const run = await runUpload(url, up.file_id, up.upload_token, data);
    clearInterval(sampler);
    expect(run.messages[run.messages.length - 1]).toMatchObject({ type: 'success' });
    const growth = peakDuring - baseline.rssMiB;
    process.stdout.write(`1 x 160 MiB: api RSS baseline ${baseline.rssMiB.toFixed(0)} MiB, peak ${peakDuring.toFixed(0)} MiB (+${growth.toFixed(0)} MiB)\n`);
    expect(growth).toBeLessThan(64);
  });

  it('a batch ZIP streams: memory does not grow with the batch size', async () => {
    api = await startApp('api', env);
    const url = api.url as string;
    const pid = api.process.pid as number;
    const sizes = [32 * MiB, 32 * MiB, 32 * MiB];
    const res = await fetch(`${url}/api/v1/batch/initiate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ files: sizes.map((size, i) => ({ filename: `part-${i}.bin`, size, content_type: 'application/octet-stream' })) }),
    });
    const batch = (await res.json()) as { batch_id: string; files: InitiateUploadResponse[] };
    for (let i = 0; i < sizes.length; i++) {
      const data = randomBytes(sizes[i] as number);
      const run = await runUpload(url, batch.files[i]!.file_id, batch.files[i]!.upload_token, data);
      expect(run.messages[run.messages.length - 1]).toMatchObject({ type: 'success' });
    }
    await new Promise((r) => setTimeout(r, 1000));
    const baseline = memory(pid);
    let peakDuring = 0;
    const sampler = setInterval(() => (peakDuring = Math.max(peakDuring, memory(pid).rssMiB)), 50);
    const zip = await fetch(`${url}/api/v1/batch/download-zip/${batch.batch_id}`);
    // Read the 96 MiB ZIP as a stream, keeping nothing: only its size is checked here
    // (download.int.spec.ts checks ZIP contents byte for byte).
    let total = 0;
    for await (const chunk of zip.body as unknown as AsyncIterable<Uint8Array>) total += chunk.length;
    clearInterval(sampler);
    expect(total).toBeGreaterThan(96 * MiB);
    const growth = peakDuring - baseline.rssMiB;
    process.stdout.write(`ZIP 3 x 32 MiB: api RSS baseline ${baseline.rssMiB.toFixed(0)} MiB, peak ${peakDuring.toFixed(0)} MiB (+${growth.toFixed(0)} MiB)\n`);
    // Building it in memory would take the whole 96 MiB.
    expect(growth).toBeLessThan(48);
  });
});
