import { ApiRoutes, InitiateUploadResponse, UploadServerMessage, WS_ADMIN_PATH } from '@ddx/contracts';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';

import { startTestApp, TestApp } from '../../testing/test-app';
import { runUpload, runUploadSocket, uploadSocketUrl, uploadTicket } from '../../testing/upload-client';
import { call } from '../auth/testing/http';
import { AdminWorld, MiB, TestUser } from '../admin/testing/admin-world';

jest.setTimeout(90_000);

/** An upload socket that sends nothing: it stays open until the server closes it. */
function holdSocket(url: string) {
  const ws = new WebSocket(url);
  const messages: UploadServerMessage[] = [];
  ws.on('message', (raw) => messages.push(JSON.parse(raw.toString()) as UploadServerMessage));
  ws.on('error', () => undefined);
  const closed = new Promise<{ code: number; at: number }>((r) => ws.on('close', (code) => r({ code, at: Date.now() })));
  const ready = new Promise<void>((resolve, reject) => {
    ws.on('message', () => (messages.some((m) => m.type === 'ready') ? resolve() : undefined));
    ws.on('close', () => reject(new Error(`closed before ready: ${JSON.stringify(messages)}`)));
  });
  return { ws, messages, closed, ready };
}

describe('WebSocket tickets, and sockets closed when an account loses its access', () => {
  let w: AdminWorld;
  /** A second api replica on the same MongoDB and Redis. */
  let replica: TestApp;
  const upgradeUrls: string[] = [];

  beforeAll(async () => {
    w = await AdminWorld.start('ws-tickets');
    replica = await startTestApp(w.env);
    for (const app of [w.api, replica]) app.app.getHttpServer().prependListener('upgrade', (req: IncomingMessage) => upgradeUrls.push(req.url ?? ''));
  });

  afterAll(async () => {
    await replica?.close();
    await w?.close();
  });

  async function initiate(size: number, token?: string): Promise<InitiateUploadResponse> {
    const res = await call<InitiateUploadResponse>(w.api.url, 'POST', '/api/v1/upload/initiate', { token, json: { filename: 'ticket.bin', size, content_type: 'application/octet-stream' } });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function ticketFor(init: InitiateUploadResponse, base = w.api.url): Promise<string> {
    const issued = await uploadTicket(base, init.file_id, init.upload_token);
    if (!('ticket' in issued)) throw new Error(`no ticket: ${JSON.stringify(issued.refused)}`);
    return issued.ticket;
  }

  it('a ticket opens its upload socket once; a reused, other-file or missing ticket is refused with WS_TICKET_INVALID', async () => {
    const data = randomBytes(5 * MiB);
    const init = await initiate(data.length);
    const other = await initiate(10);
    const ticket = await ticketFor(init);

    const first = await runUploadSocket(uploadSocketUrl(w.api.url, init.file_id, ticket), data, { sendOnlyFrames: 1 });
    expect(first.messages[0]).toMatchObject({ type: 'ready', offset: 0 });

    const reused = await runUploadSocket(uploadSocketUrl(w.api.url, init.file_id, ticket), data);
    expect(reused.messages).toEqual([{ type: 'error', code: 'WS_TICKET_INVALID', value: expect.stringMatching(/ticket/) }]);
    expect(reused.closeCode).toBe(1008);

    const otherTicket = await ticketFor(other);
    const wrongFile = await runUploadSocket(uploadSocketUrl(w.api.url, init.file_id, otherTicket), data);
    expect(wrongFile.messages).toEqual([{ type: 'error', code: 'WS_TICKET_INVALID', value: expect.any(String) }]);
    // Spent by the failed attempt: a ticket presented anywhere is gone.
    const thenRightFile = await runUploadSocket(uploadSocketUrl(w.api.url, other.file_id, otherTicket), Buffer.alloc(10));
    expect(thenRightFile.messages[0]).toMatchObject({ type: 'error', code: 'WS_TICKET_INVALID' });

    // The upload token itself no longer opens a socket.
    const legacy = await runUploadSocket(`${w.api.url.replace('http', 'ws')}/ws_api/upload/${init.file_id}?token=${encodeURIComponent(init.upload_token)}`, data);
    expect(legacy.messages).toEqual([{ type: 'error', code: 'WS_TICKET_INVALID', value: expect.any(String) }]);

    // Resuming takes a new ticket, and finishes the file.
    const resumed = await runUpload(w.api.url, init.file_id, init.upload_token, data);
    // From the checkpoint nearest to what Drive kept of the first socket's cut request: its one frame, or 0.
    expect(resumed.messages[0]).toEqual({ type: 'ready', offset: expect.any(Number), chunk_size: 4 * MiB, size: data.length });
    expect([0, 4 * MiB]).toContain((resumed.messages[0] as { offset: number }).offset);
    expect(resumed.messages[resumed.messages.length - 1]).toMatchObject({ type: 'success' });
    const stored = await w.download(init.file_id);
    expect(stored.status).toBe(200);
    expect(Buffer.from(await stored.arrayBuffer()).equals(data)).toBe(true);
  });

  it('never puts the upload token in an upgrade URL', async () => {
    const data = randomBytes(MiB);
    const init = await initiate(data.length);
    upgradeUrls.length = 0;
    const run = await runUpload(w.api.url, init.file_id, init.upload_token, data);
    expect(run.messages[run.messages.length - 1]).toMatchObject({ type: 'success' });
    expect(upgradeUrls).toHaveLength(1);
    expect(upgradeUrls[0]).toMatch(new RegExp(`^/ws_api/upload/${init.file_id}\\?ticket=[A-Za-z0-9_-]{43}$`));
    expect(upgradeUrls.join(' ')).not.toContain(init.upload_token);
  });

  it('the ticket route refuses a wrong or missing upload token and a bad file id with clear codes', async () => {
    const init = await initiate(10);
    const wrong = await call(w.api.url, 'POST', `/api/v1/upload/${init.file_id}/ticket`, { headers: { 'X-Upload-Token': 'nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ statusCode: 401, error: 'UPLOAD_TOKEN_INVALID', message: 'This upload link is not valid.' });
    const missing = await call(w.api.url, 'POST', `/api/v1/upload/${init.file_id}/ticket`);
    expect(missing.body.error).toBe('UPLOAD_TOKEN_INVALID');
    const badId = await call(w.api.url, 'POST', '/api/v1/upload/not-a-uuid/ticket', { headers: { 'X-Upload-Token': init.upload_token } });
    expect(badId.status).toBe(400);
    expect(badId.body.error).toBe('VALIDATION');
    const ok = await call<{ ticket: string; expires_in: number }>(w.api.url, 'POST', `/api/v1/upload/${init.file_id}/ticket`, { headers: { 'X-Upload-Token': init.upload_token } });
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual({ ticket: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expires_in: 30 });
    expect(ok.headers.get('cache-control')).toBe('no-store');
  });

  it('a ticket issued by one api replica opens the socket on another, and the upload resumes there', async () => {
    const data = randomBytes(9 * MiB);
    const init = await initiate(data.length);
    const first = await runUpload(w.api.url, init.file_id, init.upload_token, data, { sendOnlyFrames: 1 });
    expect(first.messages.filter((m) => m.type === 'received').length).toBeGreaterThanOrEqual(1);

    const ticket = await ticketFor(init, w.api.url);
    let second = await runUploadSocket(uploadSocketUrl(replica.url, init.file_id, ticket), data);
    for (let i = 0; second.messages[0]?.type === 'error' && (second.messages[0] as { code: string }).code === 'UPLOAD_IN_PROGRESS' && i < 20; i++) {
      second = await runUploadSocket(uploadSocketUrl(replica.url, init.file_id, await ticketFor(init, w.api.url)), data);
    }
    // The first replica saved the checkpoint nearest to what Drive kept of its cut request.
    expect(second.messages[0]).toEqual({ type: 'ready', offset: expect.any(Number), chunk_size: 4 * MiB, size: data.length });
    expect([0, 4 * MiB]).toContain((second.messages[0] as { offset: number }).offset);
    expect(second.messages[second.messages.length - 1]).toMatchObject({ type: 'success' });
  });

  it('tools/scripts/upload-file.mjs uploads through a ticket', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ddx-upload-file-')), 'plain.bin');
    writeFileSync(path, randomBytes(5 * MiB));
    upgradeUrls.length = 0;
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [join(__dirname, '../../../../../tools/scripts/upload-file.mjs'), path, '--url', w.api.url], (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(out).toMatchObject({ code: 0, stderr: '' });
    const fileId = /download\/stream\/([0-9a-f-]{36})/.exec(out.stdout)?.[1] as string;
    expect((await w.files.findById(fileId))?.status).toBe('completed');
    expect(upgradeUrls).toEqual([expect.stringMatching(/\?ticket=[A-Za-z0-9_-]{43}$/)]);
  });

  async function ownedUpload(user: TestUser, size: number) {
    return initiate(size, user.token);
  }

  it.each([
    ['ban', 'ACCOUNT_BANNED'],
    ['suspend', 'ACCOUNT_SUSPENDED'],
  ])("%s closes the owner's open upload socket on another replica within seconds, and resuming is refused", async (action, code) => {
    const user = await w.registerUser(action);
    const data = randomBytes(2 * MiB);
    const init = await ownedUpload(user, data.length);
    const stranger = await initiate(10);
    // The owner's socket is on the replica; the ban goes through the first api.
    const held = holdSocket(uploadSocketUrl(replica.url, init.file_id, await ticketFor(init)));
    const other = holdSocket(uploadSocketUrl(replica.url, stranger.file_id, await ticketFor(stranger)));
    await Promise.all([held.ready, other.ready]);

    const at = Date.now();
    const res = await w.req('POST', `/api/v1/admin/users/${user.id}/${action}`, w.adminToken, { reason: 'abuse' });
    expect(res.status).toBe(200);
    const closed = await Promise.race([held.closed, new Promise<{ code: number; at: number }>((r) => setTimeout(() => r({ code: -1, at: Date.now() }), 5000))]);
    expect(closed.code).toBe(1008);
    expect(closed.at - at).toBeLessThan(2000);
    expect(held.messages[held.messages.length - 1]).toEqual({ type: 'error', code, value: expect.any(String) });
    // Someone else's upload is untouched.
    expect(other.ws.readyState).toBe(WebSocket.OPEN);
    other.ws.close();

    const again = await uploadTicket(w.api.url, init.file_id, init.upload_token);
    expect(again).toEqual({ refused: { statusCode: 403, error: code, message: expect.any(String) } });
  });

  it('a ticket taken before a ban no longer opens the socket after it', async () => {
    const user = await w.registerUser('late');
    const init = await ownedUpload(user, 10);
    const ticket = await ticketFor(init);
    expect((await w.req('POST', `/api/v1/admin/users/${user.id}/ban`, w.adminToken, { reason: 'abuse' })).status).toBe(200);
    const run = await runUploadSocket(uploadSocketUrl(replica.url, init.file_id, ticket), Buffer.alloc(10));
    expect(run.messages).toEqual([{ type: 'error', code: 'ACCOUNT_BANNED', value: expect.any(String) }]);
    expect(run.closeCode).toBe(1008);
  });

  describe('admin live socket', () => {
    const adminSocket = (base: string, ticket: string | null) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}${WS_ADMIN_PATH}${ticket === null ? '' : `?ticket=${encodeURIComponent(ticket)}`}`);
      const events: Array<{ type: string }> = [];
      ws.on('message', (raw) => events.push(JSON.parse(raw.toString()) as { type: string }));
      ws.on('error', () => undefined);
      const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
      return { ws, events, closed };
    };

    it('opens with a ticket from POST /admin/live/ticket, once, on any replica; the URL never carries the admin token', async () => {
      const issued = await w.req<{ ticket: string; expires_in: number }>('POST', ApiRoutes.wsTickets.adminLive, w.adminToken);
      expect(issued.status).toBe(201);
      expect(issued.body.expires_in).toBe(30);
      upgradeUrls.length = 0;
      const live = adminSocket(replica.url, issued.body.ticket);
      for (let i = 0; i < 100 && !live.events.some((e) => e.type === 'system'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(live.events.some((e) => e.type === 'system')).toBe(true);
      expect(upgradeUrls).toEqual([`/ws_admin?ticket=${issued.body.ticket}`]);
      expect(upgradeUrls.join(' ')).not.toContain(w.adminToken);

      const reused = adminSocket(w.api.url, issued.body.ticket);
      expect(await reused.closed).toEqual({ code: 1008, reason: 'WS_TICKET_INVALID' });
      expect(reused.events).toEqual([]);
      const none = adminSocket(w.api.url, null);
      expect(await none.closed).toEqual({ code: 1008, reason: 'WS_TICKET_INVALID' });
      const legacy = new WebSocket(`${w.api.url.replace('http', 'ws')}/ws_admin?token=${encodeURIComponent(w.adminToken)}`);
      legacy.on('error', () => undefined);
      expect(await new Promise((r) => legacy.on('close', (code) => r(code)))).toBe(1008);
      live.ws.close();
    });

    it('refuses tickets to user tokens and to no token', async () => {
      const user = await w.registerUser('not-admin');
      const asUser = await w.req('POST', ApiRoutes.wsTickets.adminLive, user.token);
      expect(asUser.status).toBe(401);
      const anonymous = await w.req('POST', ApiRoutes.wsTickets.adminLive, undefined);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error).toBe('TOKEN_MISSING');
    });

    it('an upload ticket does not open the admin socket, nor an admin ticket an upload socket', async () => {
      const init = await initiate(10);
      const uploadOnly = adminSocket(w.api.url, await ticketFor(init));
      expect(await uploadOnly.closed).toEqual({ code: 1008, reason: 'WS_TICKET_INVALID' });
      const adminTicket = (await w.req<{ ticket: string }>('POST', ApiRoutes.wsTickets.adminLive, w.adminToken)).body.ticket;
      const run = await runUploadSocket(uploadSocketUrl(w.api.url, init.file_id, adminTicket), Buffer.alloc(10));
      expect(run.messages[0]).toMatchObject({ type: 'error', code: 'WS_TICKET_INVALID' });
    });
  });
});
