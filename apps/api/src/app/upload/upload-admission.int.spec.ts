import { InitiateUploadResponse } from '@ddx/contracts';
import { FileRepository } from '@ddx/server-database';
import { UploadLedger } from '@ddx/server-uploads';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';

import { RateLimiter } from '../auth';
import { SettingsService } from '../settings/settings.service';
import { accountsJson, EmulatorControl, RunningEmulator, startEmulator } from '../../testing/drive-emulator';
import { startTestApp, TestApp, testEnv } from '../../testing/test-app';
import { runUpload } from '../../testing/upload-client';
import { initiationPolicy } from './upload-admission';
import { UPLOAD_SETTINGS_DEFAULTS } from './upload-settings';

jest.setTimeout(120_000);
const MiB = 1024 * 1024;

interface Answer {
  status: number;
  headers: Headers;
  body: InitiateUploadResponse & { batch_id?: string; files?: InitiateUploadResponse[]; error?: string; message?: string };
}

/** Initiation limits against real Redis, FerretDB and the Drive emulator (through googleapis). */
describe('upload initiation limits: hourly allowance per client and per user, cap on uploads in progress', () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let api: TestApp;
  const ip = '127.0.0.1';

  beforeAll(async () => {
    emulator = await startEmulator();
    control = new EmulatorControl(emulator.url);
    const accounts = [await control.addAccount({ limit: 1024 * MiB })];
    api = await startTestApp(testEnv('uploadlimits', { GDRIVE_API_ROOT: emulator.url, GDRIVE_ACCOUNTS_JSON: accountsJson(accounts) }));
  });

  afterAll(async () => {
    await api?.close();
    await emulator?.close();
  });

  const settings = () => api.app.get(SettingsService);
  const connection = () => api.app.get<Connection>(getConnectionToken());
  const records = () => connection().collection('files').countDocuments({});
  const sessions = async () => (await control.sessions()).length;

  /** Every test starts with fresh allowances, nothing in progress, and the limits it sets. */
  async function fresh(limits: Partial<typeof UPLOAD_SETTINGS_DEFAULTS>, userIds: string[] = []): Promise<void> {
    const active = await connection()
      .collection<{ _id: string }>('files')
      .find({ status: { $in: ['pending', 'uploading'] } })
      .toArray();
    for (const f of active) await api.app.get(UploadLedger).end(f._id, 'cancelled', 'CANCELLED');
    const limiter = api.app.get(RateLimiter);
    const all = await settings().update(
      {
        uploadInitiationsPerHourPerClient: UPLOAD_SETTINGS_DEFAULTS.uploadInitiationsPerHourPerClient,
        uploadInitiationsPerHourPerUser: UPLOAD_SETTINGS_DEFAULTS.uploadInitiationsPerHourPerUser,
        maxUploadsInProgress: UPLOAD_SETTINGS_DEFAULTS.maxUploadsInProgress,
        ...limits,
      },
      null,
    );
    await limiter.reset(initiationPolicy(all, false), ip);
    for (const id of userIds) await limiter.reset(initiationPolicy(all, true), id);
  }

  async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(`${api.url}/api/v1/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
  }
  const initiate = (name: string, headers: Record<string, string> = {}, size = 0) => post('upload/initiate', { filename: name, size, content_type: 'application/octet-stream' }, headers);
  const batch = (names: string[], headers: Record<string, string> = {}) =>
    post('batch/initiate', { files: names.map((filename) => ({ filename, size: 0, content_type: 'application/octet-stream' })) }, headers);

  async function signUp(email: string): Promise<{ id: string; auth: Record<string, string> }> {
    const password = 'correct horse battery staple';
    await post('auth/register', { email, password });
    const { access_token } = (await post('auth/token', { username: email, password })).body as unknown as { access_token: string };
    const auth = { Authorization: `Bearer ${access_token}` };
    const { id } = (await (await fetch(`${api.url}/api/v1/auth/users/me`, { headers: auth })).json()) as { id: string };
    expect(id).toBeTruthy();
    return { id, auth };
  }

  it('anonymous: N initiations per hour per client go through, the N+1-th gets 429 and opens no Drive session and no record', async () => {
    await fresh({ uploadInitiationsPerHourPerClient: 3 });
    for (let i = 0; i < 3; i++) expect((await initiate(`ok-${i}.bin`)).status).toBe(201);
    const [recordsBefore, sessionsBefore] = [await records(), await sessions()];

    const refused = await initiate('one-too-many.bin');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ statusCode: 429, error: 'RATE_LIMITED', message: expect.stringMatching(/started 3 uploads in the last hour.*wait \d+ minutes?/) });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await batch(['b.bin'])).status).toBe(429);
    expect(await records()).toBe(recordsBefore);
    expect(await sessions()).toBe(sessionsBefore);
  });

  it('anonymous: a batch that would go past the allowance is refused whole and does not use it up', async () => {
    await fresh({ uploadInitiationsPerHourPerClient: 4 });
    expect((await batch(['a.bin', 'b.bin'])).status).toBe(201);
    const [recordsBefore, sessionsBefore] = [await records(), await sessions()];
    const refused = await batch(['c.bin', 'd.bin', 'e.bin']);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'RATE_LIMITED', message: expect.stringContaining('these 3 files') });
    expect(await records()).toBe(recordsBefore);
    expect(await sessions()).toBe(sessionsBefore);
    // The two files left in the allowance are still there.
    expect((await batch(['c.bin', 'd.bin'])).status).toBe(201);
    expect((await initiate('f.bin')).status).toBe(429);
  });

  it('signed in: the allowance is per user, apart from the anonymous one of the same IP', async () => {
    const alice = await signUp('alice@example.com');
    const bob = await signUp('bob@example.com');
    await fresh({ uploadInitiationsPerHourPerUser: 2, uploadInitiationsPerHourPerClient: 1 }, [alice.id, bob.id]);
    expect((await initiate('a1.bin', alice.auth)).status).toBe(201);
    expect((await initiate('a2.bin', alice.auth)).status).toBe(201);
    const recordsBefore = await records();
    const refused = await initiate('a3.bin', alice.auth);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'RATE_LIMITED', message: expect.stringContaining('started 2 uploads') });
    expect(await records()).toBe(recordsBefore);
    expect((await initiate('b1.bin', bob.auth)).status).toBe(201);
    expect((await initiate('anon.bin')).status).toBe(201);
  });

  it('in progress: the cap counts unfinished uploads, refuses the one past it with nothing opened, and frees on cancel and on completion', async () => {
    await fresh({ maxUploadsInProgress: 2 });
    const first = await initiate('first.bin', {}, 5);
    const second = await initiate('second.bin', {}, 5);
    expect([first.status, second.status]).toEqual([201, 201]);
    const [recordsBefore, sessionsBefore] = [await records(), await sessions()];

    const refused = await initiate('third.bin');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      statusCode: 429,
      error: 'TOO_MANY_UPLOADS_IN_PROGRESS',
      message: 'You have 2 unfinished uploads; at most 2 can be in progress at once. Finish or cancel one of them before starting another.',
    });
    expect(await records()).toBe(recordsBefore);
    expect(await sessions()).toBe(sessionsBefore);

    const cancel = await fetch(`${api.url}/api/v1/upload/cancel/${first.body.file_id}`, { method: 'POST', headers: { 'X-Upload-Token': first.body.upload_token } });
    expect(cancel.status).toBe(204);
    const third = await initiate('third.bin');
    expect(third.status).toBe(201);
    expect((await initiate('fourth.bin')).status).toBe(429);

    const run = await runUpload(api.url, second.body.file_id, second.body.upload_token, Buffer.from('12345'));
    expect(run.messages[run.messages.length - 1]).toMatchObject({ type: 'success' });
    expect((await api.app.get(FileRepository).findById(second.body.file_id))?.status).toBe('completed');
    expect((await initiate('fourth.bin')).status).toBe(201);

    // Two in progress again: a batch needs room for all of its files.
    await api.app.get(UploadLedger).end(third.body.file_id, 'cancelled', 'CANCELLED');
    expect((await batch(['x.bin', 'y.bin'])).body).toMatchObject({ error: 'TOO_MANY_UPLOADS_IN_PROGRESS', message: expect.stringContaining('before starting 2 more') });
    expect((await batch(['x.bin'])).status).toBe(201);
  });

  it('in progress: parallel initiations of one actor cannot pass the cap together', async () => {
    const carol = await signUp('carol@example.com');
    await fresh({ maxUploadsInProgress: 3 }, [carol.id]);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => initiate(`p${i}.bin`, carol.auth)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
    for (const a of answers.filter((x) => x.status !== 201)) expect(a.body).toMatchObject({ statusCode: 429, error: 'TOO_MANY_UPLOADS_IN_PROGRESS' });
    expect(await api.app.get(FileRepository).countInProgress({ ownerId: carol.id })).toBe(3);
  });
});
