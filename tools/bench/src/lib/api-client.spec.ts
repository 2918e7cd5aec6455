import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { WebSocket, WebSocketServer } from 'ws';

import { ApiClient } from './api-client';

const CHUNK = 1000;

/**
 * Plays the api for one upload: initiate, ticket, then the socket. It checks every
 * frame as the real server counts them (length, bytes at that offset), and lets the
 * test decide when to say `received`, `progress` and `rewind`.
 */
class FakeApi {
  readonly http: Server;
  readonly wss: WebSocketServer;
  ws?: WebSocket;
  /** Where the next frame starts, as the server counts; null while waiting for `resume` after a rewind. */
  at: number | null = 0;
  /** Everything the client sent, in order: texts, and frames as `frame@offset`. */
  readonly log: string[] = [];
  readonly problems: string[] = [];
  onFrame: (at: number) => void = () => undefined;

  constructor(readonly data: Buffer) {
    this.http = createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.statusCode = 201;
      if (req.url === '/api/v1/upload/initiate') res.end(JSON.stringify({ file_id: 'f1', upload_url: '/ws_api/upload/f1', upload_token: 'tok', chunk_size: CHUNK }));
      else if (req.url === '/api/v1/upload/f1/ticket') res.end(JSON.stringify({ ticket: 'tkt', expires_in: 30 }));
      else res.writeHead(404).end('{}');
    });
    this.wss = new WebSocketServer({ server: this.http });
    this.wss.on('connection', (ws) => {
      this.ws = ws;
      ws.on('message', (raw: Buffer, isBinary) => (isBinary ? this.frame(raw) : this.text(raw.toString())));
      this.say({ type: 'ready', offset: 0, chunk_size: CHUNK, size: data.length });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** Sends messages in one TCP write, so the client handles them back to back. */
  say(...msgs: object[]): void {
    const socket = (this.ws as unknown as { _socket: Socket })._socket;
    socket.cork();
    for (const m of msgs) this.ws?.send(JSON.stringify(m));
    process.nextTick(() => socket.uncork());
  }

  rewind(offset: number): void {
    this.at = null;
    this.say({ type: 'rewind', offset, reason: 'STORAGE_RETRY' });
  }

  finish(): void {
    this.say({ type: 'progress', value: 100, offset: this.data.length }, { type: 'success', value: '/api/v1/download/stream/f1', file_id: 'f1' });
    this.ws?.close(1000);
  }

  private text(t: string): void {
    this.log.push(t);
    const m = JSON.parse(t) as { type: string; offset: number };
    if (m.type === 'resume') this.at = m.offset;
  }

  private frame(raw: Buffer): void {
    if (this.at === null) return; // dropped until `resume`, as the server does
    const at = this.at;
    this.log.push(`frame@${at}`);
    const expected = this.data.subarray(at, Math.min(at + CHUNK, this.data.length));
    if (!raw.equals(expected)) this.problems.push(`frame at ${at}: ${raw.length} bytes that are not the file's bytes there`);
    this.at = at + raw.length;
    this.onFrame(this.at);
  }
}

/** Time for the client to do something it should not (a negative check). */
const settle = () => new Promise((r) => setTimeout(r, 100));
/** Waits until the client has sent `n` things (frames and texts). */
async function until(api: FakeApi, n: number): Promise<void> {
  for (const started = Date.now(); api.log.length < n; await new Promise((r) => setTimeout(r, 5))) {
    if (Date.now() - started > 3000) throw new Error(`the client sent ${api.log.length} things, not ${n}: ${api.log.join(' ')}`);
  }
  await settle();
}

describe('ApiClient.upload (upload protocol client)', () => {
  let dir: string;
  let api: FakeApi;
  let client: ApiClient;
  let path: string;
  const size = 6 * CHUNK + 37;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-api-client-'));
    path = join(dir, 'file.bin');
    const data = randomBytes(size);
    writeFileSync(path, data);
    api = new FakeApi(data);
    await new Promise<void>((r) => api.http.listen(0, '127.0.0.1', r));
    client = new ApiClient(api.url);
  });

  afterEach(async () => {
    client.close();
    // A test that failed may leave the socket open: end it, or closing the server would wait for it.
    for (const ws of api.wss.clients) ws.terminate();
    api.wss.close();
    api.http.closeAllConnections();
    await new Promise((r) => api.http.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps at most 2 frames beyond the last received offset; progress alone opens nothing', async () => {
    const done = client.upload(path, size, 'file.bin');
    await until(api, 2);
    expect(api.log).toEqual(['frame@0', 'frame@1000']);
    api.say({ type: 'progress', value: 30, offset: 2 * CHUNK });
    await settle();
    expect(api.log).toHaveLength(2);
    api.say({ type: 'received', offset: CHUNK });
    await until(api, 3);
    expect(api.log).toEqual(['frame@0', 'frame@1000', 'frame@2000']);
    api.say({ type: 'received', offset: 3 * CHUNK });
    await until(api, 5);
    expect(api.log.slice(3)).toEqual(['frame@3000', 'frame@4000']);
    api.onFrame = (at) => at === size && api.finish();
    api.say({ type: 'received', offset: 5 * CHUNK });
    await expect(done).resolves.toMatchObject({ fileId: 'f1' });
    expect(api.at).toBe(size);
    expect(api.problems).toEqual([]);
  });

  it('on rewind sends resume before any frame, then frames from its offset; a frame being read is not sent', async () => {
    const done = client.upload(path, size, 'file.bin');
    await until(api, 2);
    // `received` starts a read of 2000..3000; the rewind arrives while it is on its way.
    api.at = null;
    api.say({ type: 'received', offset: CHUNK }, { type: 'rewind', offset: CHUNK, reason: 'STORAGE_RETRY' });
    await until(api, 5);
    expect(api.log).toEqual(['frame@0', 'frame@1000', JSON.stringify({ type: 'resume', offset: CHUNK }), 'frame@1000', 'frame@2000']);

    // Later rewinds (and one to 0) go the same way; the file still arrives whole, the last frame shorter.
    api.say({ type: 'received', offset: 3 * CHUNK });
    await until(api, 7);
    api.rewind(0);
    await until(api, 10);
    api.onFrame = (at) => (at === size ? api.finish() : api.say({ type: 'received', offset: at }));
    api.say({ type: 'received', offset: CHUNK });
    await expect(done).resolves.toMatchObject({ fileId: 'f1' });
    expect(api.log.filter((l) => l.startsWith('{'))).toEqual([JSON.stringify({ type: 'resume', offset: CHUNK }), JSON.stringify({ type: 'resume', offset: 0 })]);
    expect(api.log.slice(api.log.lastIndexOf(JSON.stringify({ type: 'resume', offset: 0 })) + 1)).toEqual(['frame@0', 'frame@1000', 'frame@2000', 'frame@3000', 'frame@4000', 'frame@5000', 'frame@6000']);
    expect(api.at).toBe(size);
    expect(api.problems).toEqual([]);
  });
});
