import { InitiateUploadResponse, UploadServerMessage } from '@ddx/contracts';
import { FileRepository, UserStorageRepository } from '@ddx/server-database';
import { DriveAccountPool } from '@ddx/server-drive';
import { createHash, randomBytes } from 'node:crypto';

import { accountsJson, EmulatorAccount, EmulatorControl, RunningEmulator, startEmulator } from '../../testing/drive-emulator';
import { startApp } from '@ddx/local-services';

import { SettingsService } from '../settings/settings.service';
import { startTestApp, TestApp, testEnv } from '../../testing/test-app';
import { runUpload } from '../../testing/upload-client';

jest.setTimeout(120_000);
const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('upload pipeline: initiate + WebSocket stream into resumable Drive sessions', () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let accounts: EmulatorAccount[];
  let api: TestApp;

  beforeAll(async () => {
    emulator = await startEmulator();
    control = new EmulatorControl(emulator.url);
    accounts = [await control.addAccount({ limit: 2048 * MiB }), await control.addAccount({ limit: 1024 * MiB })];
    api = await startTestApp(testEnv('upload', { GDRIVE_API_ROOT: emulator.url, GDRIVE_ACCOUNTS_JSON: accountsJson(accounts) }));
  });

  afterAll(async () => {
    await api?.close();
    await emulator?.close();
  });

  afterEach(() => control.clearFaults());

  async function initiate(filename: string, size: number, headers: Record<string, string> = {}): Promise<{ status: number; body: InitiateUploadResponse & { error?: string } }> {
    const res = await fetch(`${api.url}/api/v1/upload/initiate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ filename, size, content_type: 'application/octet-stream' }),
    });
    return { status: res.status, body: (await res.json()) as InitiateUploadResponse & { error?: string } };
  }

  async function storedBytes(fileId: string): Promise<Buffer> {
    const file = await api.app.get(FileRepository).findById(fileId);
    if (!file?.driveFileId) throw new Error(`file ${fileId} has no Drive file (status ${file?.status})`);
    return control.fileContent(file.driveFileId);
  }

  async function reservedOnAccounts(): Promise<number> {
    return (await api.app.get(DriveAccountPool).list()).reduce((sum, a) => sum + a.reservedBytes, 0);
  }

  function last(messages: UploadServerMessage[]) {
    return messages[messages.length - 1];
  }

  it.each([
    ['empty', 0],
    ['one byte', 1],
    ['exactly 4 MiB', 4 * MiB],
    ['13 MiB + 7 bytes', 13 * MiB + 7],
  ])('round trip: %s file arrives byte-identical, progress only grows', async (_label, size) => {
    const data = randomBytes(size);
    const { status, body } = await initiate(`file-${size}.bin`, size);
    expect(status).toBe(201);
    expect(body).toMatchObject({ upload_url: `/ws_api/upload/${body.file_id}`, chunk_size: 4 * MiB, filename: `file-${size}.bin` });
    expect(JSON.stringify(body)).not.toMatch(/upload_id|googleapis|127\.0\.0\.1/);

    const run = await runUpload(api.url, body.file_id, body.upload_token, data);
    expect(run.messages[0]).toEqual({ type: 'ready', offset: 0, chunk_size: 4 * MiB, size });
    expect(last(run.messages)).toEqual({ type: 'success', value: `/api/v1/download/stream/${body.file_id}`, file_id: body.file_id });
    expect(run.closeCode).toBe(1000);
    const offsets = run.messages.filter((m): m is Extract<UploadServerMessage, { type: 'progress' }> => m.type === 'progress').map((m) => m.offset);
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]).toBeGreaterThanOrEqual(offsets[i - 1] as number);
    expect(offsets[offsets.length - 1]).toBe(size);

    expect(sha256(await storedBytes(body.file_id))).toBe(sha256(data));
    const file = await api.app.get(FileRepository).findById(body.file_id);
    expect(file).toMatchObject({ status: 'completed', md5: createHash('md5').update(data).digest('hex'), sizeBytes: size });
    expect(await reservedOnAccounts()).toBe(0);
  });

  it('resume: socket dropped after 2 chunks, mid Drive request → reconnect resends at most one frame → finishes', async () => {
    const data = randomBytes(13 * MiB + 5);
    const { body } = await initiate('resume.bin', data.length);
    const first = await runUpload(api.url, body.file_id, body.upload_token, data, { sendOnlyFrames: 2 });
    expect(first.messages.some((m) => m.type === 'success')).toBe(false);
    // One Drive request spans the whole file: the drop cut it after 8 MiB.
    expect(first.messages.some((m) => m.type === 'progress')).toBe(false);

    const second = await runUpload(api.url, body.file_id, body.upload_token, data);
    const ready = second.messages[0] as Extract<UploadServerMessage, { type: 'ready' }>;
    expect(ready.type).toBe('ready');
    expect([4 * MiB, 8 * MiB]).toContain(ready.offset);
    expect(last(second.messages)).toMatchObject({ type: 'success' });
    expect(sha256(await storedBytes(body.file_id))).toBe(sha256(data));
  });

  it('resume: a drop with frames in flight resumes from what Drive committed, never skipping a byte', async () => {
    const data = randomBytes(17 * MiB + 3);
    const { body } = await initiate('inflight.bin', data.length);
    await runUpload(api.url, body.file_id, body.upload_token, data, { dropAfterFrames: 1 });
    const second = await runUpload(api.url, body.file_id, body.upload_token, data);
    const ready = second.messages[0] as Extract<UploadServerMessage, { type: 'ready' }>;
    expect(ready.type).toBe('ready');
    expect(ready.offset % (4 * MiB)).toBe(0);
    expect(ready.offset).toBeGreaterThanOrEqual(4 * MiB);
    expect(last(second.messages)).toMatchObject({ type: 'success' });
    expect(sha256(await storedBytes(body.file_id))).toBe(sha256(data));
  });

  it('Drive 503 on a chunk → retried → correct bytes', async () => {
    const data = randomBytes(9 * MiB);
    const { body } = await initiate('503.bin', data.length);
    await control.addFault({ kind: 'server_error', status: 503, route: 'upload.resumable.chunk', count: 1 });
    const run = await runUpload(api.url, body.file_id, body.upload_token, data);
    expect(last(run.messages)).toMatchObject({ type: 'success' });
    expect((await control.faults()).length).toBe(0);
    expect(sha256(await storedBytes(body.file_id))).toBe(sha256(data));
  });

  it('connection dropped mid-chunk → status query → resumed from the committed offset', async () => {
    const data = randomBytes(12 * MiB);
    const { body } = await initiate('drop.bin', data.length);
    await control.addFault({ kind: 'drop_request', afterBytes: MiB + 300 * 1024, route: 'upload.resumable.chunk', count: 1 });
    const run = await runUpload(api.url, body.file_id, body.upload_token, data);
    expect(run.messages.filter((m) => m.type === 'error')).toEqual([]);
    expect(last(run.messages)).toMatchObject({ type: 'success' });
    expect(sha256(await storedBytes(body.file_id))).toBe(sha256(data));
  });

  it('failover: the first account answers storageQuotaExceeded → the upload lands on the other account', async () => {
    const data = randomBytes(5 * MiB);
    const { body } = await initiate('failover.bin', data.length);
    const before = await api.app.get(FileRepository).findById(body.file_id);
    const holder = accounts.find((a) => a.email === (before as unknown as { driveAccountId: string }).driveAccountId) ?? null;
    const pool = api.app.get(DriveAccountPool);
    const holderView = await pool.get(before?.driveAccountId as string);
    await control.addFault({ kind: 'storage_quota', account: holderView?.email, route: 'upload.resumable.chunk', count: 1 });
    const run = await runUpload(api.url, body.file_id, body.upload_token, data);
    expect(run.messages.filter((m) => m.type === 'error')).toEqual([]);
    expect(last(run.messages)).toMatchObject({ type: 'success' });
    const after = await api.app.get(FileRepository).findById(body.file_id);
    expect(after?.driveAccountId).not.toBe(before?.driveAccountId);
    expect(holder).toBeNull();
    expect(sha256(await storedBytes(body.file_id))).toBe(sha256(data));
    // The refusing account is skipped until a refresh, and nothing stays reserved.
    expect((await pool.get(before?.driveAccountId as string))?.fullUntilRefresh).toBe(true);
    expect(await reservedOnAccounts()).toBe(0);
    await pool.refreshAccount(before?.driveAccountId as string);
  });

  it.each([404, 410])('Drive forgets the session in the middle of a long request (%i): a new session, the client rewound to 0, the file arrives whole with no error', async (status) => {
    const data = randomBytes(10 * MiB + 11);
    const { body } = await initiate(`lost-session-${status}.bin`, data.length);
    await control.clearStats();
    await control.addFault({ kind: 'lose_session', route: 'upload.resumable.chunk', count: 1, status });
    const run = await runUpload(api.url, body.file_id, body.upload_token, data);
    expect((await control.stats()).byRoute['upload.resumable.chunk']?.statuses[String(status)]).toBe(1);
    expect(run.messages.filter((m) => m.type === 'rewind')).toEqual([{ type: 'rewind', offset: 0, reason: 'SESSION_RESTARTED' }]);
    expect(run.messages.some((m) => m.type === 'error')).toBe(false);
    expect(last(run.messages)).toMatchObject({ type: 'success' });
    expect(sha256(await storedBytes(body.file_id))).toBe(sha256(data));
    expect(await api.app.get(FileRepository).findById(body.file_id)).toMatchObject({ status: 'completed', md5: createHash('md5').update(data).digest('hex') });
    expect(await reservedOnAccounts()).toBe(0);
  });

  it('a long Drive request cut in its middle: Drive keeps a prefix, the client is rewound to the last hashed frame at or before it, and nothing is sent twice to Drive', async () => {
    const data = randomBytes(12 * MiB + 5);
    const { body } = await initiate('cut-request.bin', data.length);
    await control.clearStats();
    await control.addFault({ kind: 'drop_request', route: 'upload.resumable.chunk', afterBytes: 6 * MiB + 1000, count: 1 });
    const run = await runUpload(api.url, body.file_id, body.upload_token, data);
    const rewinds = run.messages.filter((m): m is Extract<UploadServerMessage, { type: 'rewind' }> => m.type === 'rewind');
    expect(rewinds).toHaveLength(1);
    expect(rewinds[0]).toMatchObject({ reason: 'STORAGE_RETRY' });
    expect(rewinds[0]?.offset).toBeLessThanOrEqual(6 * MiB);
    expect(rewinds[0]!.offset % (4 * MiB)).toBe(0);
    expect(last(run.messages)).toMatchObject({ type: 'success' });
    expect(sha256(await storedBytes(body.file_id))).toBe(sha256(data));
    // Drive kept the 256 KiB-aligned 6 MiB: the retry sends only what follows it.
    const chunk = (await control.stats()).byRoute['upload.resumable.chunk'];
    expect(chunk?.bytesIn).toBeLessThanOrEqual(6 * MiB + 1000 + (data.length - 6 * MiB));
  });

  it('Drive commits less of a long request than it received (308 with a shorter range): the rest is sent again from a hashed frame, the file arrives whole', async () => {
    const data = randomBytes(9 * MiB + 77);
    const { body } = await initiate('short-commit.bin', data.length);
    await control.addFault({ kind: 'short_commit', route: 'upload.resumable.chunk', afterBytes: 5 * MiB + 100, count: 1 });
    // One request carries the whole file; Drive keeps its first 5 MiB. The last hashed frame at or
    // before that ends at 4 MiB: the client resends from there, the fifth MiB only for the hash.
    const run = await runUpload(api.url, body.file_id, body.upload_token, data);
    const rewinds = run.messages.filter((m) => m.type === 'rewind');
    expect(rewinds).toEqual([{ type: 'rewind', offset: 4 * MiB, reason: 'STORAGE_RETRY' }]);
    expect(last(run.messages)).toMatchObject({ type: 'success' });
    expect(sha256(await storedBytes(body.file_id))).toBe(sha256(data));
    expect(await api.app.get(FileRepository).findById(body.file_id)).toMatchObject({ status: 'completed', md5: createHash('md5').update(data).digest('hex') });
  });

  it('refuses a socket ticket for a wrong token before any byte is read', async () => {
    const { body } = await initiate('token.bin', 10);
    const run = await runUpload(api.url, body.file_id, 'not-the-token', Buffer.alloc(10));
    expect(run.refused).toEqual({ statusCode: 401, error: 'UPLOAD_TOKEN_INVALID', message: expect.any(String) });
    expect(run.messages).toEqual([]);
  });

  it('refuses a frame that does not start where expected, keeping the committed offset', async () => {
    const data = randomBytes(10 * MiB);
    const { body } = await initiate('bad-chunk.bin', data.length);
    const run = await runUpload(api.url, body.file_id, body.upload_token, data, { mangle: (f, i) => (i === 1 ? f.subarray(0, MiB) : f) });
    expect(last(run.messages)).toMatchObject({ type: 'error', code: 'BAD_CHUNK' });
    expect(run.closeCode).toBe(1008);
    const resumed = await runUpload(api.url, body.file_id, body.upload_token, data);
    // Nothing of the bad frame reached Drive; the good one may have.
    expect(resumed.messages[0]).toMatchObject({ type: 'ready' });
    expect([0, 4 * MiB]).toContain((resumed.messages[0] as { offset: number }).offset);
    expect(last(resumed.messages)).toMatchObject({ type: 'success' });
    expect(sha256(await storedBytes(body.file_id))).toBe(sha256(data));
  });

  it('refuses more bytes than declared', async () => {
    const data = randomBytes(3 * MiB);
    const { body } = await initiate('short.bin', 2 * MiB);
    const run = await runUpload(api.url, body.file_id, body.upload_token, data);
    expect(last(run.messages)).toMatchObject({ type: 'error', code: 'BAD_CHUNK' });
    expect((await api.app.get(FileRepository).findById(body.file_id))?.status).toBe('pending');
  });

  it('refuses a second concurrent socket for the same file', async () => {
    const data = randomBytes(8 * MiB);
    const { body } = await initiate('twice.bin', data.length);
    await control.addFault({ kind: 'delay', delayMs: 5000, route: 'upload.resumable.chunk', count: 1 });
    const firstRun = runUpload(api.url, body.file_id, body.upload_token, data);
    await new Promise((r) => setTimeout(r, 400));
    const second = await runUpload(api.url, body.file_id, body.upload_token, data);
    expect(second.messages).toEqual([{ type: 'error', code: 'UPLOAD_IN_PROGRESS', value: expect.any(String) }]);
    expect(second.closeCode).toBe(1008);
    expect(last((await firstRun).messages)).toMatchObject({ type: 'success' });
  });

  it('refuses blocked types and oversize files with their codes, reserving nothing', async () => {
    const before = await reservedOnAccounts();
    expect((await initiate('setup.EXE', 100)).body).toMatchObject({ statusCode: 400, error: 'TYPE_BLOCKED' });
    expect((await initiate('x.bin', 3 * 1024 * MiB)).body).toMatchObject({ statusCode: 413, error: 'FILE_TOO_LARGE' });
    expect((await initiate('x.bin', -1)).body).toMatchObject({ statusCode: 400, error: 'VALIDATION' });
    expect(await reservedOnAccounts()).toBe(before);
  });

  it('blocks scripts and executables by the name as stored (bidi, zero-width, case, trailing dots and spaces); look-alikes pass', async () => {
    const before = await reservedOnAccounts();
    for (const name of ['invoice\u202Efdp.exe', 'photo\u202Egpj.js', 'a.exe\u200B', 'evil.EXE.', 'a.js ', 'run.hta', 'x.VBE', 'x.wsf', 'x.cpl', 'x.msp', 'x.jse']) {
      const { status, body } = await initiate(name, 10);
      expect({ name, status, error: body.error }).toEqual({ name, status: 400, error: 'TYPE_BLOCKED' });
    }
    expect(await reservedOnAccounts()).toBe(before);
    for (const [name, stored] of [
      ['data.json', 'data.json'],
      ['report\u202E.pdf', 'report.pdf'],
      ['\u2066notes\u2069.txt', 'notes.txt'],
    ]) {
      const { status, body } = await initiate(name as string, 10);
      expect({ name, status, filename: body.filename }).toEqual({ name, status: 201, filename: stored });
      await fetch(`${api.url}/api/v1/upload/cancel/${body.file_id}`, { method: 'POST', headers: { 'X-Upload-Token': body.upload_token } });
    }
  });

  it('cancel over the socket and over HTTP releases the reservation', async () => {
    const data = randomBytes(6 * MiB);
    const before = await reservedOnAccounts();
    const { body } = await initiate('cancel.bin', data.length);
    expect(await reservedOnAccounts()).toBe(before + 6 * MiB);
    const res = await fetch(`${api.url}/api/v1/upload/cancel/${body.file_id}`, { method: 'POST', headers: { 'X-Upload-Token': 'wrong' } });
    expect(res.status).toBe(403);
    const ok = await fetch(`${api.url}/api/v1/upload/cancel/${body.file_id}`, { method: 'POST', headers: { 'X-Upload-Token': body.upload_token } });
    expect(ok.status).toBe(204);
    expect((await api.app.get(FileRepository).findById(body.file_id))?.status).toBe('cancelled');
    expect(await reservedOnAccounts()).toBe(before);

    const big = randomBytes(24 * MiB);
    const second = await initiate('cancel-ws.bin', big.length);
    const run = await runUpload(api.url, second.body.file_id, second.body.upload_token, big, { cancelAfterFrames: 1 });
    expect(run.messages[run.messages.length - 1]).toMatchObject({ type: 'error', code: 'CANCELLED' });
    expect((await api.app.get(FileRepository).findById(second.body.file_id))?.status).toBe('cancelled');
    expect(await reservedOnAccounts()).toBe(before);
    const again = await runUpload(api.url, second.body.file_id, second.body.upload_token, data);
    expect(again.refused).toMatchObject({ statusCode: 401, error: 'UPLOAD_TOKEN_INVALID' });
  });

  async function signUp(email: string): Promise<{ id: string; auth: Record<string, string> }> {
    const password = 'correct horse battery staple';
    const reg = await fetch(`${api.url}/api/v1/auth/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
    expect(reg.status).toBe(201);
    const tok = await fetch(`${api.url}/api/v1/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: email, password }) });
    const { access_token } = (await tok.json()) as { access_token: string };
    const auth = { Authorization: `Bearer ${access_token}` };
    // Registration answers a message only; the account id comes from the profile.
    const { id } = (await (await fetch(`${api.url}/api/v1/auth/users/me`, { headers: auth })).json()) as { id: string };
    return { id, auth };
  }

  it("parallel initiations cannot pass a user's storage quota, and what was refused holds nothing", async () => {
    const user = await signUp('quota@example.com');
    await api.app.get(UserStorageRepository).setQuota(user.id, 10 * MiB);
    const before = await reservedOnAccounts();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => initiate(`q${i}.bin`, 3 * MiB, user.auth)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(3);
    for (const r of refused) expect(r.body).toMatchObject({ statusCode: 403, error: 'QUOTA_EXCEEDED', message: expect.stringContaining('storage') });
    expect(await reservedOnAccounts()).toBe(before + 9 * MiB);
    expect(await api.app.get(UserStorageRepository).get(user.id)).toMatchObject({ quota: 10 * MiB, reserved: 9 * MiB, free: MiB });

    const info = await (await fetch(`${api.url}/api/v1/upload/quota-info`, { headers: user.auth })).json();
    expect(info).toMatchObject({ scope: 'user', storage_quota_bytes: 10 * MiB, storage_remaining_bytes: MiB, daily_used_bytes: 9 * MiB });

    // Completing one turns its reservation into usage; history lists the user's files newest first.
    const done = results.find((r) => r.status === 201)!.body;
    const run = await runUpload(api.url, done.file_id, done.upload_token, randomBytes(3 * MiB));
    expect(last(run.messages)).toMatchObject({ type: 'success' });
    expect(await api.app.get(UserStorageRepository).get(user.id)).toMatchObject({ used: 3 * MiB, reserved: 6 * MiB, free: MiB });
    const history = (await (await fetch(`${api.url}/api/v1/files/me/history?page=1&limit=2`, { headers: user.auth })).json()) as { total: number; items: Array<Record<string, unknown>> };
    expect(history.total).toBe(3);
    expect(history.items).toHaveLength(2);
    const all = JSON.stringify(history);
    expect(all).not.toMatch(/quota@example\.com|driveFileId|driveAccountId|"ip"|127\.0\.0\.1/);
    expect((await fetch(`${api.url}/api/v1/files/me/history`)).status).toBe(401);
  });

  it('anonymous daily limit per client IP, given back when an upload is cancelled', async () => {
    const settings = api.app.get(SettingsService);
    await settings.update({ anonymousDailyBytes: 10 * MiB }, null);
    try {
      const ip = { 'X-Forwarded-For': '203.0.113.77' };
      const a = await initiate('d1.bin', 4 * MiB, ip);
      const b = await initiate('d2.bin', 4 * MiB, ip);
      expect([a.status, b.status]).toEqual([201, 201]);
      const c = await initiate('d3.bin', 4 * MiB, ip);
      expect(c.body).toMatchObject({ statusCode: 403, error: 'QUOTA_EXCEEDED', message: expect.stringContaining('Daily upload limit') });
      // Another client is not affected.
      expect((await initiate('other.bin', 4 * MiB, { 'X-Forwarded-For': '203.0.113.78' })).status).toBe(201);
      await fetch(`${api.url}/api/v1/upload/cancel/${a.body.file_id}`, { method: 'POST', headers: { 'X-Upload-Token': a.body.upload_token } });
      expect((await initiate('d4.bin', 4 * MiB, ip)).status).toBe(201);
    } finally {
      await settings.update({ anonymousDailyBytes: 2 * 1024 * MiB }, null);
    }
  });

  it('maintenance mode refuses new uploads with 503 MAINTENANCE', async () => {
    const settings = api.app.get(SettingsService);
    await settings.update({ maintenanceMode: true }, null);
    try {
      expect((await initiate('m.bin', 10)).body).toMatchObject({ statusCode: 503, error: 'MAINTENANCE' });
    } finally {
      await settings.update({ maintenanceMode: false }, null);
    }
  });

  it('an unfinished upload expires after uploadSessionTtlHours, as set', async () => {
    const settings = api.app.get(SettingsService);
    await settings.update({ uploadSessionTtlHours: 3 }, null);
    try {
      const before = Date.now();
      const { status, body } = await initiate('ttl.bin', 10);
      expect(status).toBe(201);
      const file = await api.app.get(FileRepository).findById(body.file_id);
      const ttl = (file?.expiresAt as Date).getTime() - before;
      expect(ttl).toBeGreaterThanOrEqual(3 * 3_600_000);
      expect(ttl).toBeLessThan(3 * 3_600_000 + 60_000);
      const cancelled = await fetch(`${api.url}/api/v1/upload/cancel/${body.file_id}`, { method: 'POST', headers: { 'X-Upload-Token': body.upload_token } });
      expect(cancelled.status).toBe(204);
    } finally {
      await settings.update({ uploadSessionTtlHours: 24 }, null);
    }
  });

  it('batch: entries answer in request order; one refused file refuses the batch and reserves nothing', async () => {
    const post = (files: unknown[]) =>
      fetch(`${api.url}/api/v1/batch/initiate`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ files }) });
    const ok = await post([
      { filename: 'b.txt', size: 5, content_type: 'text/plain' },
      { filename: 'a.txt', size: 7, content_type: 'text/plain' },
    ]);
    expect(ok.status).toBe(201);
    const batch = (await ok.json()) as { batch_id: string; files: InitiateUploadResponse[] };
    expect(batch.files.map((f) => f.filename)).toEqual(['b.txt', 'a.txt']);
    const run = await runUpload(api.url, batch.files[1]!.file_id, batch.files[1]!.upload_token, Buffer.from('1234567'));
    expect(last(run.messages)).toMatchObject({ type: 'success' });
    expect((await api.app.get(FileRepository).findById(batch.files[1]!.file_id))?.batchId).toBe(batch.batch_id);

    const before = await reservedOnAccounts();
    const refused = await post([
      { filename: 'fine.txt', size: 5, content_type: 'text/plain' },
      { filename: 'virus.exe', size: 5, content_type: 'application/octet-stream' },
    ]);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'TYPE_BLOCKED' });
    expect(await reservedOnAccounts()).toBe(before);
  });

  it('expiry: the worker process ends stale uploads as EXPIRED and frees what they held', async () => {
    const { body } = await initiate('stale.bin', 5 * MiB);
    const before = await reservedOnAccounts();
    const files = api.app.get(FileRepository) as unknown as { model: { updateOne(f: object, u: object): { exec(): Promise<unknown> } } };
    await files.model.updateOne({ _id: body.file_id }, { $set: { expiresAt: new Date(Date.now() - 1000) } }).exec();
    const worker = await startApp('worker', {
      NODE_ENV: 'test',
      MONGO_URL: api.env.MONGO_URL,
      REDIS_URL: api.env.REDIS_URL,
      REDIS_PREFIX: api.env.REDIS_PREFIX,
      GDRIVE_API_ROOT: emulator.url,
      UPLOAD_EXPIRY_SWEEP_MS: '1000',
    });
    try {
      const deadline = Date.now() + 20_000;
      let status = 'pending';
      while (Date.now() < deadline && status !== 'failed') {
        await new Promise((r) => setTimeout(r, 300));
        status = (await api.app.get(FileRepository).findById(body.file_id))?.status ?? 'missing';
      }
      expect(await api.app.get(FileRepository).findById(body.file_id)).toMatchObject({ status: 'failed', failureReason: 'EXPIRED' });
      expect(await reservedOnAccounts()).toBe(before - 5 * MiB);
      const run = await runUpload(api.url, body.file_id, body.upload_token, randomBytes(5 * MiB));
      expect(run.refused).toMatchObject({ statusCode: 401, error: 'UPLOAD_TOKEN_INVALID' });
    } finally {
      await worker.stop();
    }
  });
});
