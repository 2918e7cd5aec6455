import { ApiRoutes, ErrorCode, InitiateUploadResponse, LiveEvent } from '@ddx/contracts';
import { DriveEmulatorService, freePort, repoRoot, RunningApp, startApp, startDriveEmulator } from '@ddx/local-services';
import { isolatedNames, testServices } from '@ddx/local-services/testing';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

// Test-only: the protocol client the api's own tests use.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { runUpload, runUploadRetryingLock } from '../../api/src/testing/upload-client';
import { header, HttpResult, send } from './support/http-client';
import { AccessLogEntry, NginxInstance, startNginx } from './support/nginx-instance';

/**
 * The production Nginx configuration (nginx/nginx.conf.template + nginx/directdrivex/)
 * run by Debian's nginx in front of two real api processes (dist/apps/api/main.js, the
 * same file the api image runs), serving the real SPA build. Only the addresses differ
 * from production: listen port, upstream servers, web root, runtime directory.
 */
describe('nginx in front of two api replicas and the built SPA', () => {
  const webRoot = join(repoRoot(), 'dist', 'apps', 'web', 'browser');
  let logDir: string;
  let apis: RunningApp[] = [];
  let apiLogs: string[] = [];
  let nginx: NginxInstance;
  let drive: DriveEmulatorService;
  let apiEnv: Record<string, string>;
  const ADMIN = { email: 'root@example.com', password: 'Sup3r-admin-pass-for-deploy' };

  beforeAll(async () => {
    if (!existsSync(join(webRoot, 'index.html'))) throw new Error(`${webRoot}/index.html is missing: run \`npx nx build web\` first`);
    logDir = mkdtempSync(join(tmpdir(), 'ddx-deploy-api-'));
    // One database and Redis prefix for both replicas, as in production.
    const names = isolatedNames('deploy');
    drive = await startDriveEmulator({ dataDir: join(logDir, 'gdrive') });
    const account = (await (
      await fetch(`${drive.url}/__emulator/accounts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ limit: 1024 ** 3 }) })
    ).json()) as { credentials: { oauth: { client_id: string; client_secret: string; refresh_token: string } } };
    const env = {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      MONGO_URL: names.mongoUrl,
      REDIS_URL: testServices().redisUrl,
      REDIS_PREFIX: names.redisPrefix,
      // nginx is the only proxy whose X-Forwarded-* the api believes.
      TRUSTED_PROXIES: '127.0.0.1',
      GDRIVE_API_ROOT: drive.apiRoot,
      GDRIVE_ACCOUNTS_JSON: JSON.stringify([account.credentials.oauth]),
      SUPERADMIN_EMAIL: ADMIN.email,
      SUPERADMIN_PASSWORD: ADMIN.password,
      AUTH_LOGIN_MAX_FAILURES_PER_IP: '3',
    };
    apiEnv = env;
    apiLogs = [join(logDir, 'api-1.log'), join(logDir, 'api-2.log')];
    apis = await Promise.all(apiLogs.map((log) => startApp('api', env, { log })));
    nginx = await startNginx({ api: apis.map((a) => new URL(a.url as string).host), webRoot, port: await freePort() });
  });

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all(apis.map((a) => a.stop()));
    await drive?.stop();
    if (logDir) rmSync(logDir, { recursive: true, force: true });
  });

  function logLines(entries: AccessLogEntry[], requestId: string): AccessLogEntry[] {
    return entries.filter((e) => e.request_id === requestId);
  }

  async function accessLogFor(requestId: string): Promise<AccessLogEntry> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = logLines(nginx.accessLog(), requestId)[0];
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no access log line for ${requestId}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('accepts the rendered configuration without warnings', () => {
    expect(nginx.configTestOutput).toContain('test is successful');
    expect(nginx.configTestOutput).not.toMatch(/\[(warn|emerg|alert|crit)\]/);
  });

  describe('SPA', () => {
    it('answers a deep client-side route with index.html (history fallback), never cached', async () => {
      const res = await send(`${nginx.url}/download/${randomUUID()}/some/deep/route`, { headers: { Accept: 'text/html' } });
      expect(res.status).toBe(200);
      expect(res.text).toContain('<app-root>');
      expect(header(res, 'content-type')).toContain('text/html');
      expect(header(res, 'cache-control')).toBe('no-cache');

      const home = await send(`${nginx.url}/`);
      expect(home.status).toBe(200);
      expect(home.text).toContain('<app-root>');
      expect(header(home, 'cache-control')).toBe('no-cache');
    });

    it('serves content-hashed build output for a year (immutable, gzip), and 404s a missing one', async () => {
      const hashed = readdirSync(webRoot).filter((f) => /-[A-Z0-9]{8}\.(js|css)$/.test(f));
      expect(hashed.length).toBeGreaterThan(0);
      const script = hashed.find((f) => f.startsWith('main-')) as string;
      expect(script).toBeDefined();

      const res = await send(`${nginx.url}/${script}`, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(res.status).toBe(200);
      expect(header(res, 'cache-control')).toBe('public, max-age=31536000, immutable');
      expect(header(res, 'content-type')).toContain('javascript');
      expect(header(res, 'content-encoding')).toBe('gzip');

      for (const file of hashed) {
        const r = await send(`${nginx.url}/${file}`);
        expect({ file, status: r.status, cache: header(r, 'cache-control') }).toEqual({
          file,
          status: 200,
          cache: 'public, max-age=31536000, immutable',
        });
      }

      // A browser must never cache index.html under a script's name for a year.
      const missing = await send(`${nginx.url}/main-ZZZZ9999.js`);
      expect(missing.status).toBe(404);
      expect(missing.text).not.toContain('<app-root>');
    });

    it('sends the security headers; HSTS only over TLS (not here)', async () => {
      const res = await send(`${nginx.url}/files`, { headers: { Accept: 'text/html' } });
      const csp = header(res, 'content-security-policy');
      const directives = Object.fromEntries(
        csp
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .map(([name, ...values]) => [name, values]),
      );
      expect(directives['default-src']).toEqual(["'self'"]);
      expect(directives['script-src']).toEqual(["'self'"]);
      expect(directives['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
      expect(directives['connect-src']).toEqual(["'self'", `ws://${new URL(nginx.url).host}`, `wss://${new URL(nginx.url).host}`]);
      expect(directives['frame-ancestors']).toEqual(["'none'"]);
      expect(directives['object-src']).toEqual(["'none'"]);
      expect(header(res, 'x-content-type-options')).toBe('nosniff');
      expect(header(res, 'x-frame-options')).toBe('DENY');
      expect(header(res, 'referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(header(res, 'strict-transport-security')).toBe('');
      expect(header(res, 'server')).toBe('nginx'); // no version (server_tokens off)
    });

    it('serves an index.html that works under that CSP: no inline script or event handler', async () => {
      const res = await send(`${nginx.url}/`);
      // Angular's async-stylesheet trick (onload="this.media='all'") would be blocked by
      // script-src 'self'; nginx serves the stylesheet as a plain one instead.
      expect(res.text).not.toMatch(/\son[a-z]+\s*=/i);
      const inlineScripts = [...res.text.matchAll(/<script\b([^>]*)>/gi)].filter((m) => !/\ssrc=/.test(m[1] ?? ''));
      expect(inlineScripts).toEqual([]);
      for (const link of res.text.match(/<link\b[^>]*rel="stylesheet"[^>]*>/gi) ?? []) {
        expect(link).not.toMatch(/media="print"/);
      }
    });
  });

  describe('api', () => {
    it('proxies /api/v1/health to a healthy api', async () => {
      const res = await send(`${nginx.url}${ApiRoutes.health}`);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toEqual({ status: 'ok', mongo: 'up', redis: 'up' });
    });

    it('balances requests over both replicas, and the request id reaches the api', async () => {
      const ids = Array.from({ length: 10 }, (_, i) => `lb-${randomUUID()}-${i}`);
      for (const id of ids) {
        const res = await send(`${nginx.url}/api/v1/deploy-e2e-probe`, { headers: { 'X-Request-Id': id } });
        // The api's own 404 (its error shape), carrying the id nginx passed on.
        expect({ status: res.status, error: (JSON.parse(res.text) as { error: string }).error, id: header(res, 'x-request-id') }).toEqual({
          status: 404,
          error: 'NOT_FOUND',
          id,
        });
      }
      // Each api process logs the requests it served, with their ids.
      const served = await waitFor(() => {
        const counts = apiLogs.map((log) => ids.filter((id) => readFileSync(log, 'utf8').includes(`"id":"${id}"`)).length);
        return (counts[0] ?? 0) + (counts[1] ?? 0) === ids.length ? counts : undefined;
      });
      expect(served[0]).toBeGreaterThan(0);
      expect(served[1]).toBeGreaterThan(0);

      // nginx's access log agrees: both upstream addresses answered.
      const upstreams = new Set(nginx.accessLog().filter((e) => ids.includes(e.request_id)).map((e) => e.upstream));
      expect([...upstreams].sort()).toEqual(apis.map((a) => new URL(a.url as string).host).sort());
    });

    it('logs paths without query strings (upload and reset tokens stay out of the logs)', async () => {
      const id = `q-${randomUUID()}`;
      await send(`${nginx.url}/api/v1/deploy-e2e-probe?token=super-secret-token`, { headers: { 'X-Request-Id': id } });
      const entry = await accessLogFor(id);
      expect(entry.path).toBe('/api/v1/deploy-e2e-probe');
      expect(readFileSync(join(nginx.dir, 'access.log'), 'utf8')).not.toContain('super-secret-token');
    });

    it.each([
      ['user sign-in', ApiRoutes.auth.token, '127.0.0.21'],
      ['admin sign-in', ApiRoutes.adminAuth.token, '127.0.0.22'],
      ['registration', ApiRoutes.auth.register, '127.0.0.23'],
      ['forgot password', ApiRoutes.auth.forgotPassword, '127.0.0.24'],
      ['reset password', ApiRoutes.auth.resetPassword, '127.0.0.25'],
    ])('rate-limits %s per client address with a JSON 429 (%s)', async (_name, path, client) => {
      const burst = await Promise.all(
        Array.from({ length: 30 }, () =>
          send(`${nginx.url}${path}`, {
            method: 'POST',
            localAddress: client,
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ email: 'someone@example.com', password: 'not-the-password' }),
          }),
        ),
      );
      // nginx's own 429s carry no X-Request-Id (the api sets one on everything it answers).
      const limited = burst.filter((r) => r.status === 429 && !header(r, 'x-request-id'));
      const reachedApi = burst.filter((r) => header(r, 'x-request-id'));
      expect(limited.length).toBeGreaterThanOrEqual(15);
      expect(reachedApi.length).toBeGreaterThanOrEqual(1);
      expect(limited.length + reachedApi.length).toBe(burst.length);
      const first = limited[0] as HttpResult;
      expect(header(first, 'content-type')).toBe('application/json');
      expect(header(first, 'retry-after')).toBe('60');
      expect(JSON.parse(first.text)).toEqual({ statusCode: 429, error: 'RATE_LIMITED', message: expect.any(String) });

      // Another client is not affected by that burst.
      const other = await send(`${nginx.url}${path}`, {
        method: 'POST',
        localAddress: '127.0.0.99',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(header(other, 'x-request-id')).not.toBe('');
    });

    it.each([
      ['another case', '/api/v1/Auth/Token', '127.0.0.31'],
      ['a trailing slash', '/api/v1/auth/token/', '127.0.0.32'],
      ['another case and a trailing slash (admin)', '/api/v1/ADMIN/auth/TOKEN/', '127.0.0.33'],
      ['a doubled slash', '/api/v1/auth//forgot-password', '127.0.0.35'],
      ['an encoded letter', '/api/v1/auth/reset-passwor%64', '127.0.0.36'],
    ])('applies the sign-in limits to %s (%s), and the api does not route that spelling', async (_name, path, client) => {
      const burst = await Promise.all(
        Array.from({ length: 30 }, () =>
          send(`${nginx.url}${path}`, {
            method: 'POST',
            localAddress: client,
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ email: 'someone@example.com', password: 'not-the-password' }),
          }),
        ),
      );
      const limited = burst.filter((r) => r.status === 429 && !header(r, 'x-request-id'));
      expect(limited.length).toBeGreaterThanOrEqual(15);
      // What got through reached the api, which has exactly one spelling per route.
      const reachedApi = burst.filter((r) => header(r, 'x-request-id'));
      expect(reachedApi.map((r) => r.status)).toEqual(reachedApi.map(() => 404));
    });

    it('refuses request bodies over client_max_body_size with a JSON 413', async () => {
      const res = await send(`${nginx.url}/api/v1/deploy-e2e-probe`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.alloc(11 * 1024 * 1024, 0x20),
      });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.text)).toEqual({ statusCode: 413, error: 'PAYLOAD_TOO_LARGE', message: expect.any(String) });
    });
  });

  describe('WebSocket', () => {
    it('forwards a WebSocket upgrade on /ws_api/upload/:id to the api, whose upload gateway answers it', async () => {
      const id = `ws-${randomUUID()}`;
      const outcome = await websocketAttempt(`${nginx.url.replace('http', 'ws')}/ws_api/upload/${randomUUID()}?ticket=not-a-real-ticket`, id);
      // The handshake completed end to end (nginx relayed the Upgrade and the api's 101),
      // then the api's upload gateway refused the unknown ticket itself.
      expect(outcome.status).toBe(101);
      expect(JSON.parse(outcome.messages[0] ?? '{}')).toMatchObject({ type: 'error', code: ErrorCode.WS_TICKET_INVALID });
      expect(outcome.closeCode).toBe(1008);
      // nginx's access log names the replica that answered.
      const entry = await accessLogFor(id);
      expect(apis.map((a) => new URL(a.url as string).host)).toContain(entry.upstream);
      expect(entry.upstream_status).toBe('101');
      expect(readFileSync(join(nginx.dir, 'access.log'), 'utf8')).not.toContain('not-a-real-ticket');
    });

    it('forwards /ws_admin to an api replica', async () => {
      const id = `wsa-${randomUUID()}`;
      const outcome = await websocketAttempt(`${nginx.url.replace('http', 'ws')}/ws_admin?ticket=x`, id);
      const entry = await accessLogFor(id);
      expect(apis.map((a) => new URL(a.url as string).host)).toContain(entry.upstream);
      expect(entry.upstream_status).toBe(String(outcome.status));
    });
  });

  describe('product flows through nginx (real api replicas)', () => {
    const MiB = 1024 * 1024;
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

    async function initiate(size: number, name: string): Promise<InitiateUploadResponse> {
      const res = await fetch(`${nginx.url}/api/v1/upload/initiate`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ filename: name, size, content_type: 'application/octet-stream' }),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as InitiateUploadResponse;
    }

    it('upload: a multi-chunk file streams over /ws_api/upload/:id through nginx; acks and success arrive', async () => {
      const data = randomBytes(9 * MiB + 77);
      const up = await initiate(data.length, 'via-nginx.bin');
      const run = await runUpload(nginx.url, up.file_id, up.upload_token, data);
      expect(run.messages[0]).toMatchObject({ type: 'ready', offset: 0, chunk_size: 4 * MiB });
      // One `received` per 4 MiB frame as it passes on to Drive (the client's send window
      // moves with them), then what Drive stored, then success.
      const received = run.messages.flatMap((m) => (m.type === 'received' ? [m.offset] : []));
      expect(received).toEqual([4 * MiB, 8 * MiB, data.length]);
      expect(run.messages.filter((m) => m.type === 'progress').at(-1)).toMatchObject({ value: 100, offset: data.length });
      expect(run.messages[run.messages.length - 1]).toMatchObject({ type: 'success', file_id: up.file_id });
      const whole = await send(`${nginx.url}/api/v1/download/stream/${up.file_id}`);
      expect(whole.status).toBe(200);
      expect(sha(whole.body)).toBe(sha(data));
    });

    it('download: Range through nginx answers 206 with exactly the asked bytes', async () => {
      const data = randomBytes(5 * MiB);
      const up = await initiate(data.length, 'range.bin');
      await runUpload(nginx.url, up.file_id, up.upload_token, data);
      const res = await send(`${nginx.url}/api/v1/download/stream/${up.file_id}`, { headers: { Range: 'bytes=1048576-2097151' } });
      expect(res.status).toBe(206);
      expect(header(res, 'content-range')).toBe(`bytes 1048576-2097151/${data.length}`);
      expect(header(res, 'content-encoding')).toBe('');
      expect(res.body.equals(data.subarray(MiB, 2 * MiB))).toBe(true);
    });

    it('admin socket: /ws_admin through nginx receives live events of an upload', async () => {
      const login = await fetch(`${nginx.url}/api/v1/admin/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(ADMIN) });
      const token = ((await login.json()) as { access_token: string }).access_token;
      // The ticket is issued by whichever replica nginx picks and redeemed by whichever takes the upgrade.
      const issued = await fetch(`${nginx.url}${ApiRoutes.wsTickets.adminLive}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
      expect(issued.status).toBe(201);
      const { ticket } = (await issued.json()) as { ticket: string };
      const ws = new WebSocket(`${nginx.url.replace('http', 'ws')}/ws_admin?ticket=${encodeURIComponent(ticket)}`);
      const events: LiveEvent[] = [];
      ws.on('message', (raw) => events.push(JSON.parse(raw.toString()) as LiveEvent));
      await new Promise((r) => ws.once('open', r));
      const data = randomBytes(MiB);
      const up = await initiate(data.length, 'watched.bin');
      await runUpload(nginx.url, up.file_id, up.upload_token, data);
      const completed = await waitFor(() => events.find((e) => e.type === 'upload.completed' && e.fileId === up.file_id), 15_000);
      expect(completed).toMatchObject({ size: data.length });
      ws.close();
    });

    it('client address: the per-IP sign-in limit behind nginx counts each client separately', async () => {
      const attempt = (from: string) =>
        send(`${nginx.url}/api/v1/auth/token`, {
          method: 'POST',
          localAddress: from,
          headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '203.0.113.9' },
          body: JSON.stringify({ username: `nobody-${from}@example.com`, password: 'wrong password 123' }),
        });
      for (let i = 0; i < 3; i++) {
        const r = await attempt('127.0.0.211');
        expect({ i, status: r.status, body: r.status === 401 ? '' : r.text }).toEqual({ i, status: 401, body: '' });
      }
      const limited = await attempt('127.0.0.211');
      expect(limited.status).toBe(429);
      expect(JSON.parse(limited.body.toString())).toMatchObject({ error: 'RATE_LIMITED' });
      // Another client, and a forged X-Forwarded-For does not make clients share a bucket.
      expect((await attempt('127.0.0.212')).status).toBe(401);
    });

    it('upload: a client reconnects through nginx to the other replica and resumes from a saved checkpoint', async () => {
      const data = randomBytes(13 * MiB + 5);
      const up = await initiate(data.length, 'replica-switch.bin');
      const firstId = `up1-${randomUUID()}`;
      const first = await runUpload(nginx.url, up.file_id, up.upload_token, data, { sendOnlyFrames: 2, headers: { 'X-Request-Id': firstId } });
      const receivedBeforeCut = Math.max(...first.messages.flatMap((m) => (m.type === 'received' ? [m.offset] : [])));
      expect(receivedBeforeCut).toBe(8 * MiB);
      const served = (await accessLogFor(firstId)).upstream.split(', ').at(-1) as string;
      const index = apis.findIndex((a) => new URL(a.url as string).host === served);
      expect(index).toBeGreaterThanOrEqual(0);
      const port = new URL(apis[index]?.url as string).port;
      await apis[index]?.stop();
      try {
        // Like any client, it reconnects while the stopped replica's lock on the upload lasts
        // (UPLOAD_IN_PROGRESS: that replica may not have let go before it stopped).
        const second = await runUploadRetryingLock(nginx.url, up.file_id, up.upload_token, data);
        // The other replica resumes from the last hash checkpoint at or before what Drive holds:
        // a frame boundary no further than the first connection got (0 is allowed — the cut came
        // in the middle of the first Drive request; bytes Drive holds are then only hashed again).
        const ready = second.messages[0];
        expect(ready).toMatchObject({ type: 'ready', chunk_size: 4 * MiB });
        const resumedAt = (ready as { offset: number }).offset;
        expect(resumedAt).toBeLessThanOrEqual(receivedBeforeCut);
        expect(resumedAt % (4 * MiB)).toBe(0);
        const received = second.messages.flatMap((m) => (m.type === 'received' ? [m.offset] : []));
        expect(received.at(-1)).toBe(data.length);
        expect(received.every((offset, i) => offset > (received[i - 1] ?? resumedAt))).toBe(true);
        expect(second.messages[second.messages.length - 1]).toMatchObject({ type: 'success' });
        const whole = await send(`${nginx.url}/api/v1/download/stream/${up.file_id}`);
        expect(sha(whole.body)).toBe(sha(data));
      } finally {
        // Bring the replica back on its port for the tests after this one.
        apis[index] = await startApp('api', { ...apiEnv, PORT: port }, { log: apiLogs[index] });
      }
    });
  });

  // Runs last: it stops one replica.
  describe('rolling upgrade', () => {
    it('keeps answering while one replica is down: refused connections go to the other', async () => {
      const [, second] = apis;
      await second?.stop();
      const ids = Array.from({ length: 10 }, (_, i) => `down-${randomUUID()}-${i}`);
      for (const id of ids) {
        const res = await send(`${nginx.url}${ApiRoutes.health}`, { headers: { 'X-Request-Id': id } });
        expect({ id, status: res.status }).toEqual({ id, status: 200 });
      }
      const entries = await waitFor(() => {
        const found = nginx.accessLog().filter((e) => ids.includes(e.request_id));
        return found.length === ids.length ? found : undefined;
      });
      // Every answer came from the replica still running.
      const alive = new URL(apis[0]?.url as string).host;
      for (const e of entries) expect(e.upstream.split(', ').at(-1)).toBe(alive);
    });
  });

});

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface WebSocketOutcome {
  status: number;
  /** Text frames received before the close (when the handshake succeeded). */
  messages: string[];
  closeCode?: number;
}

/** Tries a WebSocket handshake; reports the HTTP status and, if it opened, what came and how it closed. */
function websocketAttempt(url: string, requestId: string): Promise<WebSocketOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { 'X-Request-Id': requestId }, handshakeTimeout: 10_000 });
    const messages: string[] = [];
    let opened = false;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`${url}: no outcome in time`));
    }, 20_000);
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      res.resume();
      resolve({ status: res.statusCode ?? 0, messages });
      ws.terminate();
    });
    ws.on('open', () => {
      opened = true;
    });
    ws.on('message', (data) => messages.push(String(data)));
    ws.on('close', (code) => {
      clearTimeout(timer);
      if (opened) resolve({ status: 101, messages, closeCode: code });
    });
    ws.on('error', (e) => {
      if (!opened) {
        clearTimeout(timer);
        reject(e);
      }
    });
  });
}
