import { FileMeta, InitiateUploadResponse } from '@ddx/contracts';
import { RunningApp, startApp } from '@ddx/local-services';
import { testWebdav } from '@ddx/local-services/testing';
import { FileDoc, FileRepository } from '@ddx/server-database';
import { DriveAccountPool, DriveClient } from '@ddx/server-drive';
import { BackupQueue } from '@ddx/server-queue';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { SettingsService } from '../settings/settings.service';
import { accountsJson, EmulatorControl, RunningEmulator, startEmulator } from '../../testing/drive-emulator';
import { startTestApp, TestApp, testEnv } from '../../testing/test-app';
import { runUpload } from '../../testing/upload-client';
import { readZip, zipEntryMethods } from '../../testing/zip-reader';

jest.setTimeout(120_000);
const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('downloads, previews and batches (Drive emulator + Apache WebDAV + worker)', () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let api: TestApp;
  let worker: RunningApp;
  const webdav = testWebdav('download');

  beforeAll(async () => {
    emulator = await startEmulator();
    control = new EmulatorControl(emulator.url);
    const accounts = [await control.addAccount({ limit: 1024 * MiB })];
    const env = testEnv('download', {
      GDRIVE_API_ROOT: emulator.url,
      GDRIVE_ACCOUNTS_JSON: accountsJson(accounts),
      WEBDAV_URL: webdav.url,
      WEBDAV_USERNAME: webdav.username,
      WEBDAV_PASSWORD: webdav.password,
      WEBDAV_PREFIX: webdav.prefix,
      BACKUP_SWEEP_MS: '1000',
    });
    api = await startTestApp(env);
    worker = await startApp('worker', env);
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await emulator?.close();
  });

  afterEach(() => control.clearFaults());

  const files = () => api.app.get(FileRepository);

  async function upload(filename: string, data: Buffer, contentType = 'application/octet-stream', headers: Record<string, string> = {}): Promise<string> {
    const res = await fetch(`${api.url}/api/v1/upload/initiate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ filename, size: data.length, content_type: contentType }),
    });
    const init = (await res.json()) as InitiateUploadResponse;
    const run = await runUpload(api.url, init.file_id, init.upload_token, data);
    expect(run.messages[run.messages.length - 1]).toMatchObject({ type: 'success' });
    return init.file_id;
  }

  async function backedUp(id: string, timeoutMs = 30_000): Promise<FileDoc> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = await files().findById(id);
      if (f?.backupStatus === 'completed' || Date.now() > deadline) return f as FileDoc;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function get(id: string, headers: Record<string, string> = {}, path = 'download/stream') {
    const res = await fetch(`${api.url}/api/v1/${path}/${id}`, { headers });
    return { res, body: Buffer.from(await res.arrayBuffer()) };
  }

  it('backs every upload up to WebDAV: same bytes, odd names intact', async () => {
    const data = randomBytes(6 * MiB + 11);
    const name = 'naïve résumé #1 ?%20 100%.bin';
    const id = await upload(name, data);
    const f = await backedUp(id);
    expect(f).toMatchObject({ backupStatus: 'completed', backupError: null });
    expect(f.backupPath).toContain(id);
    const onDisk = join(webdav.rootDir, f.backupPath as string);
    expect(existsSync(onDisk)).toBe(true);
    expect(sha256(readFileSync(onDisk))).toBe(sha256(data));
    // '?' is reserved on some file systems and becomes '_'; the rest survives.
    expect(f.filename).toBe('naïve résumé #1 _%20 100%.bin');
    const { res } = await get(id);
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(f.filename)}`);
  });

  it('serves the whole file and every kind of range byte-exact; 416 and 304 behave', async () => {
    const data = randomBytes(5 * MiB + 3);
    const id = await upload('ranges.bin', data);
    const whole = await get(id);
    expect(whole.res.status).toBe(200);
    expect(whole.res.headers.get('content-length')).toBe(String(data.length));
    expect(whole.res.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(whole.res.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(whole.res.headers.get('server-timing')).toMatch(/^lookup;dur=\d+\.\d, source;dur=\d+\.\d;desc="drive"$/);
    expect(sha256(whole.body)).toBe(sha256(data));
    const n = data.length;
    for (const [range, from, to] of [
      ['bytes=0-0', 0, 0],
      [`bytes=${n - 1}-${n - 1}`, n - 1, n - 1],
      ['bytes=1000-2000000', 1000, 2000000],
      [`bytes=${n - 700}-`, n - 700, n - 1],
      ['bytes=-513', n - 513, n - 1],
    ] as const) {
      const r = await get(id, { Range: range });
      expect(r.res.status).toBe(206);
      expect(r.res.headers.get('content-range')).toBe(`bytes ${from}-${to}/${n}`);
      expect(r.body.equals(data.subarray(from, to + 1))).toBe(true);
    }
    const bad = await get(id, { Range: `bytes=${n}-` });
    expect(bad.res.status).toBe(416);
    expect(bad.res.headers.get('content-range')).toBe(`bytes */${n}`);
    const etag = whole.res.headers.get('etag') as string;
    expect(etag).toBe(`"${createHash('md5').update(data).digest('hex')}"`);
    expect((await get(id, { 'If-None-Match': etag })).res.status).toBe(304);
    const head = await fetch(`${api.url}/api/v1/download/stream/${id}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(n));
  });

  it('falls back to the WebDAV copy: account disabled, Drive file gone, Drive 500', async () => {
    const data = randomBytes(3 * MiB + 9);
    const id = await upload('fallback.bin', data);
    const f = await backedUp(id);
    const pool = api.app.get(DriveAccountPool) as DriveAccountPool<DriveClient>;

    await pool.setEnabled(f.driveAccountId as string, false);
    let r = await get(id);
    expect(r.res.headers.get('x-served-from')).toBe('backup');
    expect(r.res.headers.get('server-timing')).toMatch(/source;dur=\d+\.\d;desc="backup"$/);
    expect(sha256(r.body)).toBe(sha256(data));
    await pool.setEnabled(f.driveAccountId as string, true);

    await control.addFault({ kind: 'server_error', status: 500, route: 'files.download', count: 1 });
    r = await get(id, { Range: 'bytes=10-' });
    expect(r.res.headers.get('x-served-from')).toBe('backup');
    expect(r.body.equals(data.subarray(10))).toBe(true);

    await (await pool.client(f.driveAccountId as string)).deleteFile(f.driveFileId as string);
    r = await get(id);
    expect(r.res.status).toBe(200);
    expect(r.res.headers.get('x-served-from')).toBe('backup');
    expect(sha256(r.body)).toBe(sha256(data));
  });

  it('a Drive stream cut mid-way continues from WebDAV at the exact byte; without a copy the download aborts cleanly', async () => {
    const data = randomBytes(7 * MiB);
    const id = await upload('midstream.bin', data);
    await backedUp(id);
    await control.addFault({ kind: 'drop_response', afterBytes: 2 * MiB + 12345, route: 'files.download', count: 1 });
    const r = await get(id);
    expect(r.res.headers.get('x-served-from')).toBe('drive');
    expect(r.body.length).toBe(data.length);
    expect(sha256(r.body)).toBe(sha256(data));

    const lone = randomBytes(5 * MiB);
    const loneId = await upload('no-copy.bin', lone);
    await backedUp(loneId);
    await files().setBackup(loneId, { backupStatus: 'failed', backupPath: null });
    await control.addFault({ kind: 'drop_response', afterBytes: MiB, route: 'files.download', count: 1 });
    const res = await fetch(`${api.url}/api/v1/download/stream/${loneId}`);
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow();
  });

  it('previews: PNG inline with a sandbox CSP; HTML and SVG never inline', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6300010000050001' + '0d0a2db40000000049454e44ae426082', 'hex');
    const pngId = await upload('dot.png', png, 'image/png');
    const meta = (await (await fetch(`${api.url}/api/v1/preview/meta/${pngId}`)).json()) as { preview_type: string };
    expect(meta.preview_type).toBe('image');
    const p = await get(pngId, {}, 'preview/stream');
    expect(p.res.headers.get('content-type')).toBe('image/png');
    expect(p.res.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(p.res.headers.get('content-security-policy')).toBe('sandbox');
    expect(p.body.equals(png)).toBe(true);

    for (const [name, type] of [
      ['page.html', 'text/html'],
      ['logo.svg', 'image/svg+xml'],
    ] as const) {
      const id = await upload(name, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), type);
      const r = await get(id, {}, 'preview/stream');
      expect(r.res.headers.get('content-type')).toBe('application/octet-stream');
      expect(r.res.headers.get('content-disposition')).toMatch(/^attachment;/);
      expect(r.res.headers.get('content-security-policy')).toBe('sandbox');
      expect(((await (await fetch(`${api.url}/api/v1/preview/meta/${id}`)).json()) as { preview_type: string }).preview_type).toBe('none');
    }
  });

  it('downloads: active declared types are served as application/octet-stream attachments; passive types keep theirs', async () => {
    const served = async (name: string, declared: string) => {
      const r = await get(await upload(name, Buffer.from('<script>alert(document.domain)</script>'), declared));
      expect(r.res.status).toBe(200);
      expect(r.res.headers.get('content-disposition')).toMatch(/^attachment;/);
      expect(r.res.headers.get('x-content-type-options')).toBe('nosniff');
      return r.res.headers.get('content-type');
    };
    for (const declared of ['text/javascript', 'text/html', 'image/svg+xml', 'application/xhtml+xml', 'Text/HTML; charset=utf-8']) {
      expect({ declared, served: await served('payload.bin', declared) }).toEqual({ declared, served: 'application/octet-stream' });
    }
    for (const [name, declared, expected] of [
      ['dot.png', 'image/png', 'image/png'],
      ['clip.mp4', 'video/mp4', 'video/mp4'],
      ['doc.pdf', 'application/pdf', 'application/pdf'],
      ['notes.txt', 'text/plain', 'text/plain; charset=utf-8'],
      ['shout.png', 'IMAGE/PNG; x=y', 'image/png'],
    ] as const) {
      expect({ declared, served: await served(name, declared) }).toEqual({ declared, served: expected });
    }
  });

  it('batch ZIP: three files, two with the same name, unpack to the right bytes', async () => {
    const res = await fetch(`${api.url}/api/v1/batch/initiate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        files: [
          { filename: 'same.txt', size: 1000, content_type: 'text/plain' },
          { filename: 'same.txt', size: 2000, content_type: 'text/plain' },
          { filename: 'photo.jpg', size: 3 * MiB, content_type: 'image/jpeg' },
        ],
      }),
    });
    const batch = (await res.json()) as { batch_id: string; files: InitiateUploadResponse[] };
    const datas = [randomBytes(1000), randomBytes(2000), randomBytes(3 * MiB)];
    for (let i = 0; i < 3; i++) await runUpload(api.url, batch.files[i]!.file_id, batch.files[i]!.upload_token, datas[i] as Buffer);

    const view = (await (await fetch(`${api.url}/api/v1/batch/${batch.batch_id}`)).json()) as { files: FileMeta[]; total_size: number };
    expect(view.files.map((f) => f.filename)).toEqual(['same.txt', 'same.txt', 'photo.jpg']);
    expect(view.total_size).toBe(3000 + 3 * MiB);
    const zipRes = await fetch(`${api.url}/api/v1/batch/download-zip/${batch.batch_id}`);
    expect(zipRes.headers.get('content-type')).toBe('application/zip');
    const zipBytes = Buffer.from(await zipRes.arrayBuffer());
    // Stored, never deflated, text included: the server spends no CPU compressing.
    expect(Object.fromEntries(zipEntryMethods(zipBytes))).toEqual({ 'same.txt': 0, 'same (1).txt': 0, 'photo.jpg': 0 });
    const entries = readZip(zipBytes);
    expect([...entries.keys()].sort()).toEqual(['photo.jpg', 'same (1).txt', 'same.txt']);
    expect(entries.get('same.txt')?.equals(datas[0] as Buffer)).toBe(true);
    expect(entries.get('same (1).txt')?.equals(datas[1] as Buffer)).toBe(true);
    expect(entries.get('photo.jpg')?.equals(datas[2] as Buffer)).toBe(true);
    expect((await fetch(`${api.url}/api/v1/batch/${randomUUIDish()}`)).status).toBe(404);
  });

  it('batch ZIP streams are capped per client and in all; a finished or aborted stream frees its slot', async () => {
    const res = await fetch(`${api.url}/api/v1/batch/initiate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ files: [{ filename: 'big.bin', size: 20 * MiB, content_type: 'application/octet-stream' }] }),
    });
    const batch = (await res.json()) as { batch_id: string; files: InitiateUploadResponse[] };
    const data = randomBytes(20 * MiB);
    await runUpload(api.url, batch.files[0]!.file_id, batch.files[0]!.upload_token, data);
    const url = `${api.url}/api/v1/batch/download-zip/${batch.batch_id}`;
    const settings = api.app.get(SettingsService);
    const open: AbortController[] = [];
    // Only the headers are read: with 20 MiB behind them the server's stream stays open, holding its slot.
    const start = async () => {
      const abort = new AbortController();
      open.push(abort);
      const r = await fetch(url, { signal: abort.signal });
      return { r, abort };
    };
    const startWhenFree = async () => {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const s = await start();
        if (s.r.status !== 429 || Date.now() > deadline) return s;
        await s.r.text();
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      await settings.update({ zipStreamsPerClient: 2, zipStreamsTotal: 20 }, null);
      const a = await start();
      const b = await start();
      expect([a.r.status, b.r.status]).toEqual([200, 200]);
      const refused = await start();
      expect(refused.r.status).toBe(429);
      expect(refused.r.headers.get('retry-after')).toBeTruthy();
      expect(await refused.r.json()).toMatchObject({ statusCode: 429, error: 'TOO_MANY_ZIP_DOWNLOADS', message: expect.stringContaining('already downloading 2 ZIP') });

      // One finishes: a new one gets its slot.
      expect(readZip(Buffer.from(await a.r.arrayBuffer())).get('big.bin')?.equals(data)).toBe(true);
      const c = await startWhenFree();
      expect(c.r.status).toBe(200);
      expect((await start()).r.status).toBe(429);

      // One client walks away mid-stream: its slot is freed too.
      b.abort.abort();
      const d = await startWhenFree();
      expect(d.r.status).toBe(200);
      expect((await start()).r.status).toBe(429);
      c.abort.abort();
      d.abort.abort();

      // The cap for everyone together.
      await settings.update({ zipStreamsPerClient: 5, zipStreamsTotal: 1 }, null);
      const e = await startWhenFree();
      expect(e.r.status).toBe(200);
      const full = await start();
      expect(full.r.status).toBe(429);
      expect(await full.r.json()).toMatchObject({ error: 'TOO_MANY_ZIP_DOWNLOADS', message: expect.stringContaining('Too many ZIP downloads') });
    } finally {
      for (const abort of open) abort.abort();
      await settings.update({ zipStreamsPerClient: 2, zipStreamsTotal: 20 }, null);
    }
  });

  it('public metadata has no PII; deleted, quarantined and banned-owner files answer 404', async () => {
    const email = `owner-${Date.now()}@example.com`;
    const password = 'correct horse battery staple';
    await fetch(`${api.url}/api/v1/auth/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
    const tok = (await (await fetch(`${api.url}/api/v1/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: email, password }) })).json()) as { access_token: string };
    const auth = { Authorization: `Bearer ${tok.access_token}` };
    // Registration answers a message only; the account id comes from the profile.
    const reg = (await (await fetch(`${api.url}/api/v1/auth/users/me`, { headers: auth })).json()) as { id: string };
    const id = await upload('mine.txt', Buffer.from('hello'), 'text/plain', auth);
    for (const path of [`files/${id}/meta`, `files/${id}`]) {
      const text = await (await fetch(`${api.url}/api/v1/${path}`)).text();
      expect(JSON.parse(text)).toMatchObject({ file_id: id, filename: 'mine.txt', size: 5, preview_type: 'text' });
      expect(text).not.toMatch(new RegExp(`${email}|driveFileId|drive_file|backup|"ip"|127\\.0\\.0\\.1|${reg.id}`));
    }
    const connection = api.app.get<Connection>(getConnectionToken());
    // The owner's file shares a batch with an anonymous one: a ban hides only the owner's.
    const anon = await upload('anon.txt', Buffer.from('anon'), 'text/plain');
    const batchId = randomUUID();
    await connection.collection('files').updateMany({ _id: { $in: [id, anon] } as never }, { $set: { batchId } });
    const batchNames = async () => ((await (await fetch(`${api.url}/api/v1/batch/${batchId}`)).json()) as { files: FileMeta[] }).files.map((f) => f.filename).sort();
    expect(await batchNames()).toEqual(['anon.txt', 'mine.txt']);

    await connection.collection('users').updateOne({ _id: new Types.ObjectId(reg.id) }, { $set: { status: 'banned' } });
    expect((await get(id)).res.status).toBe(404);
    expect(await batchNames()).toEqual(['anon.txt']);
    await connection.collection('users').updateOne({ _id: new Types.ObjectId(reg.id) }, { $set: { status: 'active' } });
    expect((await get(id)).res.status).toBe(200);
    expect(await batchNames()).toEqual(['anon.txt', 'mine.txt']);

    const q = await upload('q.bin', randomBytes(10));
    await connection.collection('files').updateOne({ _id: q as never }, { $set: { quarantined: true } });
    expect((await get(q)).res.status).toBe(404);
    expect((await fetch(`${api.url}/api/v1/files/${q}/meta`)).status).toBe(404);
  });

  async function signedIn(label: string): Promise<Record<string, string>> {
    const email = `${label}-${Date.now()}@example.com`;
    const password = 'correct horse battery staple';
    await fetch(`${api.url}/api/v1/auth/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
    const tok = (await (await fetch(`${api.url}/api/v1/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: email, password }) })).json()) as { access_token: string };
    return { Authorization: `Bearer ${tok.access_token}` };
  }

  async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('a file deleted while its first backup is copying keeps no WebDAV copy', async () => {
    const auth = await signedIn('racer');
    // The backup's Drive read waits 3 s, so the file is deleted mid-copy; the purge's Drive delete waits 8 s,
    // so the copy finishes (and must clean up after itself) before the purge reaches WebDAV.
    await control.addFault({ kind: 'delay', delayMs: 3000, route: 'files.download', count: 1 });
    await control.addFault({ kind: 'delay', delayMs: 8000, route: 'files.delete', count: 1 });
    const id = await upload('racing.bin', randomBytes(MiB + 5), 'application/octet-stream', auth);
    const dir = join(webdav.rootDir, webdav.prefix, id);
    await until('the backup to start', async () => (await files().findById(id))?.backupStatus === 'in_progress', 10_000);
    expect((await fetch(`${api.url}/api/v1/files/${id}`, { method: 'DELETE', headers: auth })).status).toBe(204);

    const backups = api.app.get(BackupQueue);
    await until('the backup job to finish', async () => !(await backups.hasJob(id)));
    expect((await files().findById(id))?.purgedAt ?? null).toBeNull();
    expect(existsSync(dir)).toBe(false);
    await until('the purge', async () => Boolean((await files().findById(id))?.purgedAt));
    expect(existsSync(dir)).toBe(false);
  });

  it("the purge removes a deleted file's WebDAV folder even when no backup path is recorded", async () => {
    const auth = await signedIn('unrecorded');
    const id = await upload('unrecorded.bin', randomBytes(1000), 'application/octet-stream', auth);
    const f = await backedUp(id);
    const dir = join(webdav.rootDir, webdav.prefix, id);
    expect(existsSync(join(webdav.rootDir, f.backupPath as string))).toBe(true);
    await files().setBackup(id, { backupStatus: 'failed', backupPath: null });

    expect((await fetch(`${api.url}/api/v1/files/${id}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    await until('the purge', async () => Boolean((await files().findById(id))?.purgedAt));
    expect(existsSync(dir)).toBe(false);
  });

  it("deleting a file stops its link at once; the worker removes both copies and gives the quota back", async () => {
    const email = `deleter-${Date.now()}@example.com`;
    const password = 'correct horse battery staple';
    await fetch(`${api.url}/api/v1/auth/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
    const tok = (await (await fetch(`${api.url}/api/v1/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: email, password }) })).json()) as { access_token: string };
    const auth = { Authorization: `Bearer ${tok.access_token}` };
    const data = randomBytes(2 * MiB);
    const id = await upload('gone.bin', data, 'application/octet-stream', auth);
    const f = await backedUp(id);
    const pool = api.app.get(DriveAccountPool) as DriveAccountPool<DriveClient>;
    const usageBefore = (await pool.get(f.driveAccountId as string))?.quotaUsageBytes as number;

    expect((await fetch(`${api.url}/api/v1/files/${id}`, { method: 'DELETE' })).status).toBe(401);
    expect((await fetch(`${api.url}/api/v1/files/${id}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect((await get(id)).res.status).toBe(404);

    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !(await files().findById(id))?.purgedAt) await new Promise((r) => setTimeout(r, 200));
    expect((await files().findById(id))?.purgedAt).toBeTruthy();
    await expect((await pool.client(f.driveAccountId as string)).getMetadata(f.driveFileId as string)).rejects.toMatchObject({ kind: 'not_found' });
    expect(existsSync(join(webdav.rootDir, f.backupPath as string))).toBe(false);
    expect((await pool.get(f.driveAccountId as string))?.quotaUsageBytes).toBe(usageBefore - data.length);
  });
});

function randomUUIDish(): string {
  return '00000000-0000-4000-8000-000000000000';
}
