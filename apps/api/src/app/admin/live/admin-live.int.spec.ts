import { ApiRoutes, InitiateUploadResponse, LiveEvent, WS_ADMIN_PATH } from '@ddx/contracts';
import { RunningApp, startApp } from '@ddx/local-services';
import { testWebdav } from '@ddx/local-services/testing';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';

import { accountsJson, EmulatorControl, RunningEmulator, startEmulator } from '../../../testing/drive-emulator';
import { startTestApp, TestApp, testEnv } from '../../../testing/test-app';
import { runUpload, uploadSocketUrl, uploadTicket } from '../../../testing/upload-client';

jest.setTimeout(90_000);
const MiB = 1024 * 1024;
const ADMIN = { email: 'root@example.com', password: 'Sup3r-admin-pass-for-tests' };

/** POST /admin/live/ticket: the ticket, or null when refused. */
async function adminTicket(url: string, token: string): Promise<string | null> {
  const res = await fetch(`${url}${ApiRoutes.wsTickets.adminLive}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  return res.status === 201 ? ((await res.json()) as { ticket: string }).ticket : null;
}

/** Collects events from an admin socket opened with `ticket` until `done` says enough. */
function listen(url: string, ticket: string) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${WS_ADMIN_PATH}?ticket=${encodeURIComponent(ticket)}`);
  const events: LiveEvent[] = [];
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  ws.on('message', (raw) => events.push(JSON.parse(raw.toString()) as LiveEvent));
  ws.on('error', () => undefined);
  const waitFor = async (pred: (e: LiveEvent) => boolean, timeoutMs = 30_000): Promise<LiveEvent> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = events.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no matching event; got: ${events.map((e) => e.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { ws, events, closed, waitFor };
}

describe('WS /ws_admin live events (api + worker + Redis pub/sub)', () => {
  let emulator: RunningEmulator;
  let api: TestApp;
  let worker: RunningApp;
  let adminToken: string;

  beforeAll(async () => {
    emulator = await startEmulator();
    const control = new EmulatorControl(emulator.url);
    const webdav = testWebdav('live');
    const env = testEnv('live', {
      GDRIVE_API_ROOT: emulator.url,
      GDRIVE_ACCOUNTS_JSON: accountsJson([await control.addAccount({ limit: 512 * MiB })]),
      WEBDAV_URL: webdav.url,
      WEBDAV_USERNAME: webdav.username,
      WEBDAV_PASSWORD: webdav.password,
      WEBDAV_PREFIX: webdav.prefix,
      SUPERADMIN_EMAIL: ADMIN.email,
      SUPERADMIN_PASSWORD: ADMIN.password,
    });
    api = await startTestApp(env);
    worker = await startApp('worker', env);
    const res = await fetch(`${api.url}/api/v1/admin/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(ADMIN) });
    adminToken = ((await res.json()) as { access_token: string }).access_token;
    expect(adminToken).toBeTruthy();
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await emulator?.close();
  });

  it('refuses a missing ticket with 1008 and a ticket to a user token', async () => {
    expect(await listen(api.url, '').closed).toBe(1008);
    const email = 'someone@example.com';
    const password = 'correct horse battery staple';
    await fetch(`${api.url}/api/v1/auth/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
    const tok = (await (await fetch(`${api.url}/api/v1/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: email, password }) })).json()) as { access_token: string };
    expect(await adminTicket(api.url, tok.access_token)).toBeNull();
    const s = listen(api.url, tok.access_token);
    expect(await s.closed).toBe(1008);
    expect(s.events).toEqual([]);
  });

  it('"Active uploads" counts streaming uploads only: a cancelled and an abandoned upload leave it at zero', async () => {
    const admin = listen(api.url, (await adminTicket(api.url, adminToken)) as string);
    const initiate = async (size: number) =>
      (await (
        await fetch(`${api.url}/api/v1/upload/initiate`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ filename: 'gone.bin', size, content_type: 'application/octet-stream' }),
        })
      ).json()) as InitiateUploadResponse;
    const systemAfter = (since: number, pred: (e: Extract<LiveEvent, { type: 'system' }>) => boolean) =>
      admin.waitFor((e) => e.type === 'system' && Date.parse(e.at) > since && pred(e)) as Promise<Extract<LiveEvent, { type: 'system' }>>;

    // A socket that is open and streaming counts.
    const held = await initiate(9 * MiB);
    const issued = await uploadTicket(api.url, held.file_id, held.upload_token);
    const ws = new WebSocket(uploadSocketUrl(api.url, held.file_id, 'ticket' in issued ? issued.ticket : ''));
    ws.on('error', () => undefined);
    await admin.waitFor((e) => e.type === 'upload.started' && e.fileId === held.file_id);
    expect((await systemAfter(Date.now(), () => true)).activeUploads).toBe(1);
    // Dropped and never resumed: the file stays `uploading` until it expires, but nothing streams.
    ws.terminate();
    expect(await admin.waitFor((e) => e.type === 'upload.disconnected' && e.fileId === held.file_id)).toMatchObject({ offset: 0 });

    const data = randomBytes(9 * MiB);
    const cancelled = await initiate(data.length);
    const run = await runUpload(api.url, cancelled.file_id, cancelled.upload_token, data, { cancelAfterFrames: 1 });
    expect(run.messages[run.messages.length - 1]).toMatchObject({ type: 'error', code: 'CANCELLED' });
    await admin.waitFor((e) => e.type === 'upload.cancelled' && e.fileId === cancelled.file_id);
    const abandoned = await initiate(data.length);
    await runUpload(api.url, abandoned.file_id, abandoned.upload_token, data, { dropAfterFrames: 1 });
    await admin.waitFor((e) => e.type === 'upload.disconnected' && e.fileId === abandoned.file_id);

    const settled = await systemAfter(Date.now(), () => true);
    expect(settled.activeUploads).toBe(0);
    admin.ws.close();
  });

  it("receives an upload's events end to end, the worker's backup and a system snapshot", async () => {
    const admin = listen(api.url, (await adminTicket(api.url, adminToken)) as string);
    const first = await admin.waitFor((e) => e.type === 'system');
    expect(first).toMatchObject({ type: 'system', api: { pid: process.pid } });

    const data = randomBytes(9 * MiB);
    const init = (await (
      await fetch(`${api.url}/api/v1/upload/initiate`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ filename: 'live.bin', size: data.length, content_type: 'application/octet-stream' }),
      })
    ).json()) as InitiateUploadResponse;
    await runUpload(api.url, init.file_id, init.upload_token, data);

    expect(await admin.waitFor((e) => e.type === 'upload.started' && e.fileId === init.file_id)).toMatchObject({ filename: 'live.bin', size: data.length });
    expect(await admin.waitFor((e) => e.type === 'upload.progress' && e.fileId === init.file_id)).toMatchObject({ size: data.length });
    expect(await admin.waitFor((e) => e.type === 'upload.completed' && e.fileId === init.file_id)).toMatchObject({ size: data.length });
    // Published by the separate worker process, delivered through Redis.
    expect(await admin.waitFor((e) => e.type === 'backup.completed' && e.fileId === init.file_id)).toMatchObject({ size: data.length });
    const heartbeat = await admin.waitFor((e) => e.type === 'worker.heartbeat');
    expect(heartbeat).toMatchObject({ pid: worker.process.pid });
    const snapshot = (await admin.waitFor((e) => e.type === 'system' && e.workers.length > 0)) as Extract<LiveEvent, { type: 'system' }>;
    expect(snapshot.workers[0]?.pid).toBe(worker.process.pid);
    expect(snapshot.mongoLatencyMs).not.toBeNull();
    expect(snapshot.queues['backup']).toBeDefined();

    // Logging out revokes the token; the next snapshot's re-check disconnects the socket opened with its ticket.
    await fetch(`${api.url}/api/v1/admin/auth/logout`, { method: 'POST', headers: { Authorization: `Bearer ${adminToken}` } });
    expect(await admin.closed).toBe(1008);
  });
});
