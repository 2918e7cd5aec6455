import { InitiateUploadResponse, LiveEvent } from '@ddx/contracts';
import { RunningApp, startApp } from '@ddx/local-services';
import { testWebdav } from '@ddx/local-services/testing';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';

import { accountsJson, EmulatorControl, RunningEmulator, startEmulator } from '../../../testing/drive-emulator';
import { startTestApp, TestApp, testEnv } from '../../../testing/test-app';
import { runUpload } from '../../../testing/upload-client';

jest.setTimeout(90_000);
const MiB = 1024 * 1024;
const ADMIN = { email: 'root@example.com', password: 'Sup3r-admin-pass-for-tests' };

/** Collects events from an admin socket until `done` says enough. */
function listen(url: string, token: string) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws_admin?token=${encodeURIComponent(token)}`);
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

  it('refuses a missing token and a user token with 1008', async () => {
    expect(await listen(api.url, '').closed).toBe(1008);
    const email = 'someone@example.com';
    const password = 'correct horse battery staple';
    await fetch(`${api.url}/api/v1/auth/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
    const tok = (await (await fetch(`${api.url}/api/v1/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: email, password }) })).json()) as { access_token: string };
    const s = listen(api.url, tok.access_token);
    expect(await s.closed).toBe(1008);
    expect(s.events).toEqual([]);
  });

  it("receives an upload's events end to end, the worker's backup and a system snapshot", async () => {
    const admin = listen(api.url, adminToken);
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

    // Logging out revokes the token; the next snapshot's re-check disconnects the socket.
    await fetch(`${api.url}/api/v1/admin/auth/logout`, { method: 'POST', headers: { Authorization: `Bearer ${adminToken}` } });
    expect(await admin.closed).toBe(1008);
  });
});
