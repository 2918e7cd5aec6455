import { InitiateUploadResponse } from '@ddx/contracts';
import { RunningApp, startApp } from '@ddx/local-services';
import { testServices } from '@ddx/local-services/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { join } from 'node:path';

import { accountsJson, EmulatorControl, RunningEmulator, startEmulator } from '../../testing/drive-emulator';
import { testEnv } from '../../testing/test-app';
import { runUpload } from '../../testing/upload-client';

jest.setTimeout(120_000);

/**
 * Malformed paths, escapes, headers, query strings and WebSocket frames sent
 * over raw TCP to every entry point of the built api process
 * (dist/apps/api/main.js, as production runs it). An exception that escapes
 * an entry point ends that process, which the check after every case notices:
 * each input must get its own 4xx (or a protocol close) and nothing else.
 */
describe('entry points under malformed input (built api process)', () => {
  const ADMIN = { email: 'fuzz-root@example.com', password: 'Fuzz-admin-pass-9s8d7f' };
  const METRICS_TOKEN = 'fuzz-metrics-token-0123456789';
  let emulator: RunningEmulator;
  let api: RunningApp;
  let host: string;
  let port: number;
  let webDir: string;
  let adminToken: string;
  let stored: { fileId: string; size: number };
  let start: () => Promise<void>;

  beforeAll(async () => {
    emulator = await startEmulator();
    const control = new EmulatorControl(emulator.url);
    webDir = mkdtempSync(join(testServices().dataDir, 'fuzz-web-'));
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><app-root></app-root>');
    writeFileSync(join(webDir, 'assets', 'app.js'), 'console.log(1);');
    const env = testEnv('fuzz', {
      GDRIVE_API_ROOT: emulator.url,
      GDRIVE_ACCOUNTS_JSON: accountsJson([await control.addAccount({ limit: 256 * 1024 * 1024 })]),
      SUPERADMIN_EMAIL: ADMIN.email,
      SUPERADMIN_PASSWORD: ADMIN.password,
      METRICS_TOKEN,
      WEB_DIST_DIR: webDir,
    });
    start = async () => {
      api = await startApp('api', env, { log: join(testServices().dataDir, `fuzz-api-${process.pid}-${Date.now()}.log`) });
      const url = new URL(api.url as string);
      host = url.hostname;
      port = Number(url.port);
    };
    await start();

    const login = await fetch(`${api.url}/api/v1/admin/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(ADMIN) });
    adminToken = ((await login.json()) as { access_token: string }).access_token;
    expect(adminToken).toBeTruthy();

    const data = randomBytes(64 * 1024);
    const up = await initiate(data.length);
    const run = await runUpload(api.url as string, up.file_id, up.upload_token, data);
    expect(run.messages[run.messages.length - 1]).toMatchObject({ type: 'success' });
    stored = { fileId: up.file_id, size: data.length };
  });

  afterAll(async () => {
    await api?.stop();
    await emulator?.close();
    if (webDir) rmSync(webDir, { recursive: true, force: true });
  });

  /** Still the same process, and still answering. A dead one is replaced first, so each case is judged on its own. */
  afterEach(async () => {
    const health = await fetch(`${api.url}/api/v1/health`).then(
      (r) => r.status,
      () => 0,
    );
    if (health !== 200) await Promise.race([api.process.waitForExit(), new Promise((r) => setTimeout(r, 3000))]);
    const running = api.process.running;
    const last = running ? '' : api.process.recentOutput().split('\n').filter((l) => /"level":"(fatal|error)"/.test(l)).slice(-1).join('\n').slice(0, 600);
    if (!running) await start();
    expect({ running, health, last }).toEqual({ running: true, health: 200, last: '' });
  });

  /** A single-use ticket that opens a WebSocket (`POST …/ticket`). */
  async function ticket(path: string, headers: Record<string, string>): Promise<string> {
    const res = await fetch(`${api.url}${path}`, { method: 'POST', headers });
    expect(res.status).toBe(201);
    return ((await res.json()) as { ticket: string }).ticket;
  }

  async function initiate(size: number): Promise<InitiateUploadResponse> {
    const res = await fetch(`${api.url}/api/v1/upload/initiate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ filename: `fuzz-${randomUUID()}.bin`, size, content_type: 'application/octet-stream' }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as InitiateUploadResponse;
  }

  // ------------------------------------------------------------ raw HTTP

  const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
  const upgradeHeaders = (extra = '') => `Host: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${KEY}\r\n${extra}`;
  const get = (target: string, headers = '') => `GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${headers}\r\n`;
  const upgrade = (target: string, extra = '') => `GET ${target} HTTP/1.1\r\n${upgradeHeaders(extra)}\r\n`;
  const post = (target: string, headers: string, body: string | Buffer) =>
    Buffer.concat([Buffer.from(`POST ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}\r\n`), Buffer.from(body)]);

  interface RawAnswer {
    status: number | null;
    text: string;
    /** The server closed the connection (rather than the test timing out). */
    closedByServer: boolean;
  }

  /** Writes `chunks` (each after the previous answer bytes, when `stepwise`), collects everything until the server closes or `waitMs`. */
  function rawExchange(chunks: Array<string | Buffer>, options: { waitMs?: number; reset?: boolean } = {}): Promise<RawAnswer> {
    return new Promise((resolve) => {
      const socket: Socket = connect(port, host);
      const received: Buffer[] = [];
      let closedByServer = false;
      const done = () => {
        clearTimeout(timer);
        const text = Buffer.concat(received).toString('latin1');
        const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
        resolve({ status: m ? Number(m[1]) : null, text, closedByServer });
      };
      const timer = setTimeout(() => {
        socket.destroy();
        done();
      }, options.waitMs ?? 5000);
      socket.on('data', (d) => received.push(d));
      socket.on('end', () => {
        closedByServer = true;
        socket.end();
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        closedByServer ||= !options.reset;
        done();
      });
      socket.on('connect', () => {
        for (const c of chunks) socket.write(c);
        if (options.reset) socket.resetAndDestroy();
      });
    });
  }

  const clientError = (status: number | null) => status !== null && status >= 400 && status < 500;

  describe('HTTP and upgrade requests: each gets a 4xx on its own socket', () => {
    const uuid = () => randomUUID();
    it.each<[string, () => string | Buffer]>([
      ['upload socket path: invalid percent-escape %FF', () => upgrade('/ws_api/upload/%FF')],
      ['upload socket path: truncated escape', () => upgrade('/ws_api/upload/%E0%A4%A')],
      ['upload socket path: lone %', () => upgrade('/ws_api/upload/%')],
      ['upload socket path: overlong UTF-8 escape', () => upgrade('/ws_api/upload/%C0%AF')],
      ['upload socket path: bad escape in an absolute-form target', () => upgrade('http://localhost/ws_api/upload/%FF')],
      ['upgrade: absolute-form target that is no URL', () => upgrade('http://[::1/ws_admin')],
      ['upgrade: asterisk target', () => upgrade('*')],
      ['upgrade: unknown WebSocket path', () => upgrade('/ws_nope')],
      ['upgrade: an HTTP route', () => upgrade('/api/v1/health')],
      ['upgrade: /ws_admin with a trailing slash', () => upgrade('/ws_admin/')],
      ['upgrade: upload socket without Sec-WebSocket-Key', () => `GET /ws_api/upload/${uuid()} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n`],
      ['upgrade: upload socket with a malformed Sec-WebSocket-Key', () => upgrade(`/ws_api/upload/${uuid()}?ticket=x`).replace(KEY, 'not*base64')],
      ['upgrade: /ws_admin with a malformed Sec-WebSocket-Key', () => upgrade('/ws_admin?ticket=x').replace(KEY, '%%%%')],
      ['upgrade: /ws_admin with WebSocket version 7', () => upgrade('/ws_admin').replace('Version: 13', 'Version: 7')],
      ['upgrade: /ws_admin asking for h2c', () => upgrade('/ws_admin').replace('Upgrade: websocket', 'Upgrade: h2c')],
      ['upgrade: POST to the upload socket', () => upgrade(`/ws_api/upload/${uuid()}`).replace('GET', 'POST')],
      ['upgrade: NUL byte in the path', () => upgrade('/ws_admin\u0000')],
      ['upgrade: very long path', () => upgrade(`/ws_api/upload/${'a'.repeat(20_000)}`)],
      ['download: invalid percent-escape in the id', () => get('/api/v1/download/stream/%FF')],
      ['download: truncated escape and bad query', () => get('/api/v1/download/stream/%E0%A4%A?a=%&token[]=x')],
      ['preview: lone % in the id', () => get('/api/v1/preview/%')],
      ['api: bad query strings', () => get('/api/v1/files?a=%&token[]=x&b[c][d][e]=1&__proto__[x]=1&page=%FF')],
      ['api: NUL byte in the path', () => get('/api/v1/health\u0000')],
      ['api: very long URL', () => get(`/api/v1/${'a'.repeat(70_000)}`)],
      ['api: overlong header', () => get('/api/v1/health', `X-Big: ${'b'.repeat(70_000)}\r\n`)],
      ['api: control character in a header', () => get('/api/v1/health', 'X-Bad: a\u0001b\r\n')],
      ['api: header without a colon', () => get('/api/v1/health', 'NoColonHere\r\n')],
      ['api: Content-Length and Transfer-Encoding together', () => post('/api/v1/auth/token', 'Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n', '0\r\n\r\n')],
      ['api: non-numeric Content-Length', () => `POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n`],
      ['api: unknown method', () => 'BREW /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n'],
      ['api: JSON in an unsupported charset', () => post('/api/v1/auth/token', 'Content-Type: application/json; charset=utf-7\r\n', '{}')],
      ['api: gzip body that is not gzip', () => post('/api/v1/auth/token', 'Content-Type: application/json\r\nContent-Encoding: gzip\r\n', 'not gzip at all')],
      ['api: body in an unsupported encoding', () => post('/api/v1/auth/token', 'Content-Type: application/json\r\nContent-Encoding: br\r\n', 'x')],
      ['api: malformed JSON', () => post('/api/v1/auth/token', 'Content-Type: application/json\r\n', '{"email":')],
      ['api: JSON that is not an object', () => post('/api/v1/auth/token', 'Content-Type: application/json\r\n', 'null')],
      ['api: deeply nested JSON', () => post('/api/v1/auth/token', 'Content-Type: application/json\r\n', `${'['.repeat(300_000)}${']'.repeat(300_000)}`)],
      ['api: invalid UTF-8 in a JSON body', () => post('/api/v1/auth/token', 'Content-Type: application/json\r\n', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]))],
      ['api: urlencoded body with bad escapes', () => post('/api/v1/auth/token', 'Content-Type: application/x-www-form-urlencoded\r\n', 'email=%&password=%FF&a[b]=c')],
      ['api: garbage Authorization, Cookie, Host and X-Forwarded-For', () => get('/api/v1/files', 'Authorization: Bearer %FF.%%.\u00ff\r\nCookie: a=%FF; ;=; b\r\nX-Forwarded-For: ::::, %FF, , 999.1.1.1\r\nX-Request-Id: \u00ff\u00fe\r\n').replace('Host: localhost', 'Host: [::1')],
      ['api: route in another case', () => get('/API/V1/HEALTH', 'Accept: application/json\r\n')],
      ['upload ticket: bad escape in the id and a garbage upload token', () => post('/api/v1/upload/%FF/ticket', 'X-Upload-Token: %FF\u00ff\r\n', '')],
      ['upload ticket: unknown upload with a bracketed query', () => post(`/api/v1/upload/${uuid()}/ticket?x[]=1`, `X-Upload-Token: ${'t'.repeat(10_000)}\r\n`, '')],
      ['admin live ticket: malformed bearer token', () => post('/api/v1/admin/live/ticket', 'Authorization: Bearer a.b.c\r\n', '')],
      ['verify e-mail: token of the wrong type', () => post('/api/v1/auth/verify-email', 'Content-Type: application/json\r\n', '{"token":["x"]}')],
      ['verify e-mail: malformed JSON', () => post('/api/v1/auth/verify-email', 'Content-Type: application/json\r\n', '{"token":')],
      ['google callback: forged state, garbage cookie', () => post('/api/v1/auth/google/callback', 'Content-Type: application/json\r\nCookie: ddx_gsi_%FF=%%; ddx_gsi_=\r\n', '{"code":"x","state":"%FF"}')],
      ['metrics: no token and a bad query', () => get('/metrics?x=%&y[]=1')],
      ['metrics: malformed Authorization', () => get('/metrics', `Authorization: Bearer ${'x'.repeat(10_000)} trailing\r\n`)],
      ['metrics: Authorization without a scheme', () => get('/metrics', 'Authorization: \u00ff\u00ff\r\n')],
      ['static files: invalid escape', () => get('/assets/%FF.js', 'Accept: application/json\r\n')],
      ['static files: encoded traversal', () => get('/assets/..%2f..%2f..%2fetc%2fpasswd', 'Accept: application/json\r\n')],
      ['static files: NUL byte escape', () => get('/assets/app.js%00.png', 'Accept: application/json\r\n')],
    ])('%s', async (_name, request) => {
      const answer = await rawExchange([request()]);
      expect({ status: answer.status, clientError: clientError(answer.status) }).toEqual({ status: answer.status, clientError: true });
      expect(answer.text).not.toMatch(/root:x:0:0|at \w+ \(|node_modules|URIError/);
    });

    it.each([
      ['a number beyond 2^53', 'bytes=99999999999999999999999-'],
      ['a zero-length suffix', 'bytes=-0'],
      ['a reversed range', 'bytes=5-1'],
      ['not a number', 'bytes=abc-def'],
      ['exponent and hex notation', 'bytes=1e3-0x20'],
      ['an unknown unit', 'pages=0-1'],
      ['negative numbers', 'bytes=--1--5'],
      ['a thousand ranges', `bytes=${Array.from({ length: 1000 }, (_, i) => `${i}-${i}`).join(',')}`],
      ['only commas', 'bytes=,,,,'],
    ])('download Range with %s: answered without a server error', async (_name, range) => {
      const answer = await rawExchange([get(`/api/v1/download/stream/${stored.fileId}`, `Range: ${range}\r\nIf-Range: %FF\r\nIf-None-Match: ${'"'.repeat(100)}\r\n`)]);
      expect(answer.status).not.toBeNull();
      expect([200, 206, 416]).toContain(answer.status);
    });

    it.each([
      ['/ws_admin', 'bad escapes and a bracketed key', '?ticket=%&ticket[]=x&a=%FF'],
      ['/ws_admin', 'a long run of truncated escapes', `?ticket=${'%E0%A4%A'.repeat(500)}`],
      ['/ws_api/upload/<id>', 'a repeated and a bracketed ticket', '?ticket=%E0%A4%A&ticket=second&ticket[]=1'],
      ['/ws_api/upload/<id>', 'a token and __proto__', '?token=%FF&__proto__[x]=1'],
    ])('upgrade of %s with %s in the query: refused on that socket', async (path, _label, query) => {
      const answer = await rawExchange([upgrade(`${path.replace('<id>', randomUUID())}${query}`)], { waitMs: 2000 });
      // Either a 4xx to the upgrade, or the socket opens and the server closes it at once (after an
      // error message on the upload socket): browsers show a close code, not a refused upgrade's status.
      const frames = answer.text.slice(answer.text.indexOf('\r\n\r\n') + 4);
      const closeFrame = frames.startsWith('\x88') || (frames.startsWith('\x81') && frames.includes('\x88'));
      expect({ status: answer.status, refused: clientError(answer.status) || (answer.status === 101 && closeFrame) }).toEqual({ status: answer.status, refused: true });
    });

    it('a client that resets the connection during an upgrade costs nothing but its socket', async () => {
      const admin = await ticket('/api/v1/admin/live/ticket', { Authorization: `Bearer ${adminToken}` });
      for (const target of ['/ws_admin?ticket=x', `/ws_admin?ticket=${encodeURIComponent(admin)}`, `/ws_api/upload/${randomUUID()}?ticket=x`, '/ws_api/upload/%FF']) {
        await rawExchange([upgrade(target)], { reset: true, waitMs: 500 });
      }
      // The admin socket checks its ticket asynchronously; give that time to finish on the reset socket.
      await new Promise((r) => setTimeout(r, 500));
    });
  });

  // ------------------------------------------------------------ WebSocket frames

  /** A client frame; masked unless told otherwise. */
  function frame(opcode: number, payload: Buffer, options: { mask?: boolean; fin?: boolean; rsv1?: boolean; length?: bigint } = {}): Buffer {
    const mask = options.mask ?? true;
    const first = ((options.fin ?? true) ? 0x80 : 0) | (options.rsv1 ? 0x40 : 0) | opcode;
    const length = options.length ?? BigInt(payload.length);
    let header: Buffer;
    if (length < 126n) header = Buffer.from([first, (mask ? 0x80 : 0) | Number(length)]);
    else if (length < 65536n) {
      header = Buffer.alloc(4);
      header.writeUInt8(first, 0);
      header.writeUInt8((mask ? 0x80 : 0) | 126, 1);
      header.writeUInt16BE(Number(length), 2);
    } else {
      header = Buffer.alloc(10);
      header.writeUInt8(first, 0);
      header.writeUInt8((mask ? 0x80 : 0) | 127, 1);
      header.writeBigUInt64BE(length, 2);
    }
    if (!mask) return Buffer.concat([header, payload]);
    const key = randomBytes(4);
    const masked = Buffer.from(payload.map((b, i) => b ^ (key[i % 4] as number)));
    return Buffer.concat([header, key, masked]);
  }

  const PROTOCOL_ERRORS: Array<[string, () => Buffer]> = [
    ['a reserved opcode', () => frame(0x3, Buffer.from('x'))],
    ['an unmasked client frame', () => frame(0x1, Buffer.from('{}'), { mask: false })],
    ['a frame claiming 2^63-1 bytes', () => frame(0x2, Buffer.alloc(0), { length: 2n ** 63n - 1n })],
    ['a frame over the size limit', () => frame(0x2, Buffer.alloc(0), { length: 64n * 1024n * 1024n })],
    ['a text frame with invalid UTF-8', () => frame(0x1, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))],
    ['a continuation frame without a first frame', () => frame(0x0, Buffer.from('x'))],
    ['a ping over 125 bytes', () => frame(0x9, Buffer.alloc(200, 1))],
    ['a fragmented ping', () => frame(0x9, Buffer.from('x'), { fin: false })],
    ['RSV1 without an extension', () => frame(0x1, Buffer.from('{}'), { rsv1: true })],
    ['a close frame with a 1-byte body', () => frame(0x8, Buffer.from([3]))],
    ['a close frame with a reserved code', () => frame(0x8, Buffer.from([0x03, 0xed]))],
  ];

  const APP_GARBAGE: Array<[string, () => Buffer]> = [
    ['invalid JSON', () => frame(0x1, Buffer.from('{"type":'))],
    ['JSON null', () => frame(0x1, Buffer.from('null'))],
    ['a JSON array', () => frame(0x1, Buffer.from('[1,2,3]'))],
    ['an unknown message type', () => frame(0x1, Buffer.from('{"type":{"nested":[1]},"__proto__":{"x":1}}'))],
    ['a huge number', () => frame(0x1, Buffer.from(`{"type":"cancel","offset":1e999}`.replace('cancel', 'nope')))],
    ['a resume without an offset', () => frame(0x1, Buffer.from('{"type":"resume"}'))],
    ['a resume with a string offset', () => frame(0x1, Buffer.from('{"type":"resume","offset":"0"}'))],
    ['a resume with a negative offset', () => frame(0x1, Buffer.from('{"type":"resume","offset":-1}'))],
  ];

  describe.each<[string, () => string | Promise<string>]>([
    ['/ws_admin without a token', () => '/ws_admin'],
    ['/ws_admin with a valid ticket', async () => `/ws_admin?ticket=${encodeURIComponent(await ticket('/api/v1/admin/live/ticket', { Authorization: `Bearer ${adminToken}` }))}`],
    ['an upload socket with a wrong ticket', () => `/ws_api/upload/${randomUUID()}?ticket=wrong`],
  ])('WebSocket frames on %s', (_socket, target) => {
    it.each(PROTOCOL_ERRORS)('%s closes that socket only', async (_name, bad) => {
      // Sent right behind the handshake: they reach the server while it is still deciding on the socket.
      const answer = await rawExchange([upgrade(await target()), bad()]);
      expect(answer.closedByServer).toBe(true);
      expect(answer.text).not.toMatch(/at \w+ \(|node_modules/);
    });

    it.each(APP_GARBAGE)('%s is survived', async (_name, bad) => {
      const answer = await rawExchange([upgrade(await target()), bad()], { waitMs: 1500 });
      expect(answer.status).toBe(101);
    });
  });

  describe('WebSocket frames on an upload socket with a valid ticket', () => {
    it.each([...PROTOCOL_ERRORS, ...APP_GARBAGE])('%s leaves the process intact', async (_name, bad) => {
      const up = await initiate(1024);
      const issued = await ticket(`/api/v1/upload/${up.file_id}/ticket`, { 'X-Upload-Token': up.upload_token });
      const answer = await rawExchange([upgrade(`/ws_api/upload/${up.file_id}?ticket=${encodeURIComponent(issued)}`), bad()], { waitMs: 1500 });
      expect(answer.status).toBe(101);
      expect(answer.text).not.toMatch(/at \w+ \(|node_modules/);
    });
  });
});
