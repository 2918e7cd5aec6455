import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';

import { BackupStore, BackupStoreOptions } from './backup-store';
import { BackupStoreError } from './backup-store-error';

/**
 * BackupStore against a small in-process WebDAV server with the semantics a
 * real one has (collections, 409 for a missing parent, 405 for an existing
 * collection, MOVE with Overwrite, recursive DELETE, Range, RFC 4331 quota),
 * recording every request. Each test can take over the answers to show how
 * the store maps errors, timeouts and odd servers.
 */
interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer, path: string) => boolean | void;

const DATE = 'Sat, 28 Nov 2026 12:00:00 GMT';

// Every test takes well under a second; a change that loses a timeout or an
// abort signal should fail here quickly rather than hang.
jest.setTimeout(4000);

describe('BackupStore against a WebDAV server', () => {
  let server: Server;
  let url: string;
  let requests: Recorded[];
  /** Returns true when it answered; otherwise the default WebDAV behaviour answers. */
  let override: Handler | undefined;
  let files: Map<string, Buffer>;
  let dirs: Set<string>;
  let quotaProps: string;
  const sockets = new Set<Socket>();

  const parentOf = (p: string) => p.slice(0, p.lastIndexOf('/')) || '/';
  const multistatus = (path: string, prop: string) =>
    `<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response><d:href>${encodeURI(path)}</d:href><d:propstat><d:prop>${prop}` +
    `</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>`;

  const dav: Handler = (req, res, body, path) => {
    switch (req.method) {
      case 'MKCOL':
        if (dirs.has(path) || files.has(path)) return void res.writeHead(405).end();
        if (!dirs.has(parentOf(path))) return void res.writeHead(409).end();
        dirs.add(path);
        return void res.writeHead(201).end();
      case 'PUT':
        if (!dirs.has(parentOf(path))) return void res.writeHead(409).end();
        files.set(path, body);
        return void res.writeHead(201).end();
      case 'GET': {
        const data = files.get(path);
        if (!data) return void res.writeHead(404).end();
        const m = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers['range'] ?? ''));
        if (!m) return void res.writeHead(200, { 'Content-Length': data.length }).end(data);
        const start = Number(m[1]);
        const end = m[2] ? Math.min(Number(m[2]), data.length - 1) : data.length - 1;
        return void res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${data.length}` }).end(data.subarray(start, end + 1));
      }
      case 'PROPFIND': {
        const props = body.toString().includes('quota') || (body.length === 0 && quotaProps) ? quotaProps : '';
        if (dirs.has(path)) {
          return void res
            .writeHead(207, { 'Content-Type': 'application/xml; charset=utf-8' })
            .end(multistatus(`${path}/`, `<d:resourcetype><d:collection/></d:resourcetype><d:getlastmodified>${DATE}</d:getlastmodified>${props}`));
        }
        const data = files.get(path);
        if (!data) return void res.writeHead(404).end();
        return void res
          .writeHead(207, { 'Content-Type': 'application/xml; charset=utf-8' })
          .end(multistatus(path, `<d:resourcetype/><d:getcontentlength>${data.length}</d:getcontentlength><d:getlastmodified>${DATE}</d:getlastmodified>`));
      }
      case 'MOVE': {
        const destination = decodeURIComponent(new URL(String(req.headers['destination'])).pathname);
        const data = files.get(path);
        if (!data) return void res.writeHead(404).end();
        if (files.has(destination) && req.headers['overwrite'] === 'F') return void res.writeHead(412).end();
        files.set(destination, data);
        files.delete(path);
        return void res.writeHead(201).end();
      }
      case 'DELETE': {
        const target = path.replace(/\/$/, '');
        if (files.delete(target)) return void res.writeHead(204).end();
        if (!dirs.has(target)) return void res.writeHead(404).end();
        for (const d of [...dirs]) if (d === target || d.startsWith(`${target}/`)) dirs.delete(d);
        for (const f of [...files.keys()]) if (f.startsWith(`${target}/`)) files.delete(f);
        return void res.writeHead(204).end();
      }
      default:
        res.writeHead(405).end();
    }
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('error', () => undefined);
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const raw = new URL(req.url ?? '/', 'http://x').pathname;
        const path = decodeURIComponent(raw).replace(/(.)\/$/, '$1');
        requests.push({ method: req.method ?? '', path: raw, headers: req.headers, body: body.toString() });
        if (override?.(req, res, body, path)) return;
        dav(req, res, body, path);
      });
    });
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  let open: BackupStore[] = [];
  beforeEach(() => {
    requests = [];
    override = undefined;
    files = new Map();
    dirs = new Set(['/']);
    quotaProps = '';
  });
  afterEach(() => {
    for (const s of open) s.close();
    open = [];
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const store = (options: Partial<BackupStoreOptions> = {}) => {
    const s = new BackupStore({ url, prefix: '/ddx', ...options });
    open.push(s);
    return s;
  };
  const calls = () => requests.map((r) => `${r.method} ${r.path}`);
  const fail = (p: Promise<unknown>) => p.then(() => new Error('expected a rejection'), (e: unknown) => e as BackupStoreError);
  const read = async (stream: Readable) => {
    const parts: Buffer[] = [];
    for await (const c of stream) parts.push(c as Buffer);
    return Buffer.concat(parts).toString();
  };
  /** Holds the answer until the client gives up. */
  const hang: Handler = () => true;

  describe('configuration', () => {
    it('refuses a URL that is not http(s)', () => {
      expect(() => new BackupStore({ url: 'ftp://box.example/', prefix: '/ddx' })).toThrow('the WebDAV URL must start with http:// or https://');
    });

    it('moves credentials out of the URL into Basic auth and drops trailing slashes, query and fragment', async () => {
      const s = store({ url: `http://us%40er:p%3Aw@${url.slice('http://'.length)}//?x=1#frag`, prefix: 'ddx/' });
      expect(s.target).toBe(`${url}/ddx`);
      await s.stat('/ddx/a');
      expect(requests[0]?.path).toBe('/ddx/a');
      expect(requests[0]?.headers['authorization']).toBe(`Basic ${Buffer.from('us@er:p:w').toString('base64')}`);
    });

    it('keeps connections alive and opens no more than maxConnections at once', async () => {
      const seen = new Set<number>();
      let inFlight = 0;
      let most = 0;
      override = (req, res) => {
        seen.add(req.socket.remotePort ?? 0);
        inFlight++;
        most = Math.max(most, inFlight);
        setTimeout(() => {
          inFlight--;
          res.writeHead(404).end();
        }, 30);
        return true;
      };
      const s = store({ maxConnections: 2 });
      await Promise.all([1, 2, 3, 4, 5, 6].map((i) => s.stat(`/ddx/${i}`)));
      await s.stat('/ddx/7');
      expect(most).toBe(2);
      expect(seen.size).toBe(2);
    });

    it('uses a TLS agent for https URLs', async () => {
      // Nothing listens on this port: a TLS agent is refused, a plain one would not even try.
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const error = await fail(store({ url: `https://127.0.0.1:${port}` }).stat('/ddx/a'));
      expect(error).toMatchObject({ kind: 'unreachable', code: 'ECONNREFUSED', operation: 'PROPFIND' });
    });

    it('close() ends the kept-alive connections', async () => {
      const s = store();
      await s.stat('/ddx/a');
      await new Promise((r) => setTimeout(r, 20));
      expect(sockets.size).toBeGreaterThan(0);
      s.close();
      for (let i = 0; i < 50 && sockets.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(sockets.size).toBe(0);
    });
  });

  describe('ensureDir', () => {
    it('does nothing for the root', async () => {
      await store().ensureDir('/');
      expect(requests).toEqual([]);
    });

    it('creates missing parents when the server answers 404 instead of 409', async () => {
      override = (req, res, _b, path) => {
        if (req.method === 'MKCOL' && !dirs.has(parentOf(path))) return void res.writeHead(404).end() ?? true;
        return false;
      };
      await store().ensureDir('/ddx/a');
      expect(calls()).toEqual(['MKCOL /ddx/a/', 'MKCOL /ddx/', 'MKCOL /ddx/a/']);
      expect(dirs.has('/ddx/a')).toBe(true);
    });

    it('throws any other MKCOL failure without touching parents', async () => {
      override = (_req, res) => void res.writeHead(403).end() ?? true;
      const error = await fail(store().ensureDir('/ddx/a'));
      expect(error).toBeInstanceOf(BackupStoreError);
      expect(error).toMatchObject({ kind: 'auth', operation: 'MKCOL', status: 403, path: '/ddx/a' });
      expect(calls()).toEqual(['MKCOL /ddx/a/']);
    });

    it('gives up on a MKCOL that never gets an answer', async () => {
      override = hang;
      const error = await fail(store({ requestTimeoutMs: 150 }).ensureDir('/ddx/a'));
      expect(error).toMatchObject({ kind: 'unreachable', code: 'ETIMEDOUT', operation: 'MKCOL' });
    });
  });

  describe('put', () => {
    it('creates the parents, streams to a partial and moves it over an existing file', async () => {
      const s = store();
      await s.put('/ddx/f1/a.txt', Readable.from([Buffer.from('old')]));
      requests = [];
      const source = Readable.from([Buffer.from('new '), Buffer.from('bytes')]);
      const listeners = source.listenerCount('error');
      await expect(s.put('/ddx/f1/a.txt', source, { size: 9 })).resolves.toEqual({ path: '/ddx/f1/a.txt', size: 9 });
      expect([...files.entries()].map(([k, v]) => [k, v.toString()])).toEqual([['/ddx/f1/a.txt', 'new bytes']]);
      expect(calls()).toEqual(['MKCOL /ddx/f1/', 'PUT ' + requests[1]?.path, 'PROPFIND ' + requests[1]?.path, 'MOVE ' + requests[1]?.path]);
      expect(requests[3]?.headers['overwrite']).toBe('T');
      expect(source.listenerCount('error')).toBe(listeners);
    });

    it('sends no Content-Length when no size is announced, and reports the bytes sent', async () => {
      await expect(store().put('/ddx/f1/a.txt', Readable.from([Buffer.from('abc'), Buffer.from('de')]))).resolves.toEqual({ path: '/ddx/f1/a.txt', size: 5 });
      expect(requests.find((r) => r.method === 'PUT')?.headers['content-length']).toBeUndefined();
    });

    it.each([-1, 1.5, Number.MAX_SAFE_INTEGER + 1])('refuses size %p before any request', async (size) => {
      const source = Readable.from([Buffer.from('x')]);
      await expect(store().put('/ddx/f1/a.txt', source, { size })).rejects.toThrow(`invalid size ${size}`);
      expect(requests).toEqual([]);
    });

    it('accepts an empty file announced as size 0', async () => {
      await expect(store().put('/ddx/f1/empty', Readable.from([]), { size: 0 })).resolves.toEqual({ path: '/ddx/f1/empty', size: 0 });
      expect(files.get('/ddx/f1/empty')?.length).toBe(0);
    });

    it('destroys the source when the parent cannot be created', async () => {
      override = (req, res) => (req.method === 'MKCOL' ? void res.writeHead(403).end() ?? true : false);
      const source = Readable.from([Buffer.from('x')]);
      await expect(store().put('/ddx/f1/a.txt', source)).rejects.toMatchObject({ kind: 'auth', operation: 'MKCOL' });
      expect(source.destroyed).toBe(true);
    });

    it.each([
      ['more', [Buffer.from('abcdef')], 4, 'the source gave more than the announced 4 bytes'],
      ['fewer', [Buffer.from('ab')], 4, 'the source ended after 2 of 4 bytes'],
    ])('fails a source that gives %s bytes than announced, moving nothing', async (_what, chunks, size, reason) => {
      const error = await fail(store().put('/ddx/f1/a.txt', Readable.from(chunks), { size }));
      expect(error).toBeInstanceOf(BackupStoreError);
      expect(error).toMatchObject({ kind: 'source', operation: 'PUT', path: '/ddx/f1/a.txt' });
      expect((error as Error).message).toContain(`reading the file to back up failed: ${reason}`);
      expect(calls()).not.toContainEqual(expect.stringMatching(/^MOVE/));
      expect([...files.keys()]).toEqual([]);
    });

    it('fails with protocol when the server kept fewer bytes than it was sent, and deletes the partial', async () => {
      override = (req, res, body, path) => {
        if (req.method !== 'PUT') return false;
        dirs.add(parentOf(path));
        files.set(path, body.subarray(1));
        res.writeHead(201).end();
        return true;
      };
      const error = await fail(store().put('/ddx/f1/a.txt', Readable.from([Buffer.from('abc')])));
      expect(error).toMatchObject({ kind: 'protocol', operation: 'PUT', path: '/ddx/f1/a.txt' });
      expect((error as Error).message).toContain('the server stored 2 bytes of 3');
      expect(calls().map((c) => c.split(' ')[0])).toEqual(['MKCOL', 'MKCOL', 'MKCOL', 'PUT', 'PROPFIND', 'DELETE']);
      expect([...files.keys()]).toEqual([]);
    });

    it('fails with protocol when the partial is gone right after the PUT', async () => {
      override = (req, res) => (req.method === 'PUT' ? void res.writeHead(201).end() ?? true : false);
      const error = await fail(store().put('/ddx/f1/a.txt', Readable.from([Buffer.from('abc')])));
      expect(error).toMatchObject({ kind: 'protocol' });
      expect((error as Error).message).toContain('the server stored no bytes of 3');
    });

    it('maps a refused PUT by its status, not as a source failure, and keeps the old file', async () => {
      files.set('/ddx/f1/a.txt', Buffer.from('old'));
      dirs.add('/ddx').add('/ddx/f1');
      override = (req, res) => (req.method === 'PUT' ? void res.writeHead(507).end() ?? true : false);
      const error = await fail(store().put('/ddx/f1/a.txt', Readable.from([Buffer.from('abc')])));
      expect(error).toMatchObject({ kind: 'insufficient_storage', status: 507, operation: 'PUT', path: '/ddx/f1/a.txt' });
      expect(files.get('/ddx/f1/a.txt')?.toString()).toBe('old');
    });

    it('maps a locked destination on MOVE to conflict and deletes the partial', async () => {
      override = (req, res) => (req.method === 'MOVE' ? void res.writeHead(423).end() ?? true : false);
      const error = await fail(store().put('/ddx/f1/a.txt', Readable.from([Buffer.from('abc')])));
      expect(error).toMatchObject({ kind: 'conflict', status: 423, operation: 'MOVE', path: '/ddx/f1/a.txt' });
      expect(calls().map((c) => c.split(' ')[0])).toEqual(['MKCOL', 'MKCOL', 'MKCOL', 'PUT', 'PROPFIND', 'MOVE', 'DELETE']);
      expect([...files.keys()]).toEqual([]);
    });

    it('gives up on a MOVE that never gets an answer', async () => {
      override = (req) => req.method === 'MOVE';
      // The three MKCOLs and the PROPFIND before the MOVE share this limit: long enough for them on a busy machine.
      const error = await fail(store({ requestTimeoutMs: 1000 }).put('/ddx/f1/a.txt', Readable.from([Buffer.from('abc')])));
      expect(error).toMatchObject({ kind: 'unreachable', code: 'ETIMEDOUT', operation: 'MOVE' });
    });

    it('reports a connection reset during the PUT by its code, not as a timeout', async () => {
      override = (req) => (req.method === 'PUT' ? (req.socket.destroy(), true) : false);
      const error = await fail(store().put('/ddx/f1/a.txt', Readable.from([Buffer.from('abc')])));
      expect(error).toMatchObject({ kind: 'unreachable', code: 'ECONNRESET', operation: 'PUT', path: '/ddx/f1/a.txt' });
    });

    it('gives up when the server does not answer the PUT within the idle timeout', async () => {
      override = (req) => req.method === 'PUT';
      const source = Readable.from([Buffer.from('abc')]);
      const error = await fail(store({ idleTimeoutMs: 150 }).put('/ddx/f1/a.txt', source));
      expect(error).toMatchObject({ kind: 'unreachable', code: 'ETIMEDOUT', operation: 'PUT' });
      expect(source.destroyed).toBe(true);
    });
  });

  describe('stat', () => {
    it('reports size, modification time and whether it is a collection', async () => {
      files.set('/ddx/f1/a.txt', Buffer.from('12345'));
      dirs.add('/ddx').add('/ddx/f1');
      const s = store();
      await expect(s.stat('/ddx/f1/a.txt')).resolves.toEqual({ size: 5, lastModified: new Date(DATE), isDirectory: false });
      await expect(s.stat('/ddx/f1')).resolves.toMatchObject({ isDirectory: true, lastModified: new Date(DATE) });
    });

    it('is null for a missing path and throws other failures', async () => {
      const s = store();
      await expect(s.stat('/ddx/none')).resolves.toBeNull();
      override = (_req, res) => void res.writeHead(409).end() ?? true;
      await expect(s.stat('/ddx/none')).rejects.toMatchObject({ kind: 'conflict', status: 409, operation: 'PROPFIND' });
    });

    it('gives up on a PROPFIND that never gets an answer, and leaves no timer behind', async () => {
      const s = store({ requestTimeoutMs: 150 });
      const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
      const before = timers();
      await s.stat('/ddx/a');
      expect(timers()).toBe(before);
      override = hang;
      const started = Date.now();
      await expect(s.stat('/ddx/a')).rejects.toMatchObject({ kind: 'unreachable', code: 'ETIMEDOUT' });
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('maps a refused connection to unreachable', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const error = await fail(store({ url: `http://box:secret@127.0.0.1:${port}` }).stat('/ddx/a'));
      expect(error).toMatchObject({ kind: 'unreachable', code: 'ECONNREFUSED', retryable: true });
      expect((error as Error).message).not.toContain('secret');
    });
  });

  describe('createReadStream', () => {
    beforeEach(() => {
      files.set('/ddx/f1/a.txt', Buffer.from('0123456789'));
      dirs.add('/ddx').add('/ddx/f1');
    });

    it('reads the whole file without a Range header', async () => {
      await expect(read(await store().createReadStream('/ddx/f1/a.txt'))).resolves.toBe('0123456789');
      expect(requests[0]).toMatchObject({ method: 'GET', path: '/ddx/f1/a.txt' });
      expect(requests[0]?.headers['range']).toBeUndefined();
    });

    it.each([
      [{ start: 4 }, 'bytes=4-', '456789'],
      [{ end: 3 }, 'bytes=0-3', '0123'],
      [{ start: 2, end: 2 }, 'bytes=2-2', '2'],
      [{ start: 0, end: 0 }, 'bytes=0-0', '0'],
    ])('asks for %p with Range %s', async (range, header, bytes) => {
      await expect(read(await store().createReadStream('/ddx/f1/a.txt', range))).resolves.toBe(bytes);
      expect(requests[0]?.headers['range']).toBe(header);
    });

    it.each([{ start: -1 }, { start: 1.5 }, { end: 1.5 }, { start: 5, end: 4 }, { end: -1 }])('refuses the range %p before any request', async (range) => {
      await expect(store().createReadStream('/ddx/f1/a.txt', range)).rejects.toThrow(/^invalid range /);
      expect(requests).toEqual([]);
    });

    it('names the invalid range', async () => {
      await expect(store().createReadStream('/ddx/f1/a.txt', { start: 5, end: 4 })).rejects.toThrow('invalid range 5-4');
      await expect(store().createReadStream('/ddx/f1/a.txt', { start: -2 })).rejects.toThrow(/^invalid range -2-$/);
      await expect(store().createReadStream('/ddx/f1/a.txt', { end: -2 })).rejects.toThrow(/^invalid range --2$/);
    });

    it('rejects a missing file with not_found', async () => {
      await expect(store().createReadStream('/ddx/f1/none')).rejects.toMatchObject({ kind: 'not_found', status: 404, operation: 'GET' });
    });

    it('refuses a 206 that starts at another byte than asked', async () => {
      override = (_req, res) => void res.writeHead(206, { 'Content-Range': 'bytes 0-3/10' }).end('0123') ?? true;
      const error = await fail(store().createReadStream('/ddx/f1/a.txt', { start: 2, end: 5 }));
      expect(error).toMatchObject({ kind: 'protocol', status: 206, operation: 'GET' });
      expect((error as Error).message).toContain('asked for bytes from 2, got bytes 0-3/10');
      const fromZero = await fail(store().createReadStream('/ddx/f1/a.txt', { end: 3 }).then(read));
      expect(fromZero).toEqual(new Error('expected a rejection'));
    });

    it('refuses a 206 that starts at a later byte with more digits than asked', async () => {
      override = (_req, res) => void res.writeHead(206, { 'Content-Range': 'bytes 12-15/20' }).end('wxyz') ?? true;
      const error = await fail(store().createReadStream('/ddx/f1/a.txt', { start: 2, end: 5 }));
      expect(error).toMatchObject({ kind: 'protocol', status: 206, operation: 'GET' });
      expect((error as Error).message).toContain('asked for bytes from 2, got bytes 12-15/20');
    });

    it('trusts a 206 without Content-Range as the range it asked for', async () => {
      override = (_req, res) => void res.writeHead(206).end('2345') ?? true;
      await expect(read(await store().createReadStream('/ddx/f1/a.txt', { start: 2, end: 5 }))).resolves.toBe('2345');
    });

    it('fails the stream with a GET error when the connection breaks mid-body', async () => {
      override = (_req, res) => {
        res.writeHead(200, { 'Content-Length': '10' }).write('01234');
        setTimeout(() => res.socket?.destroy(), 20);
        return true;
      };
      const stream = await store().createReadStream('/ddx/f1/a.txt');
      // Without the error handed on, the stream would never end.
      const hung = new Promise((_resolve, reject) => setTimeout(() => reject(new Error('the stream neither ended nor failed')), 1500).unref());
      const error = await Promise.race([read(stream), hung]).then(
        () => new Error('expected a rejection'),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BackupStoreError);
      expect(error).toMatchObject({ kind: 'unreachable', operation: 'GET', path: '/ddx/f1/a.txt' });
    });

    it('closes the connection when the reader destroys the stream early', async () => {
      let closed = false;
      override = (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        // Sends until the client goes away: only closing the connection ends it.
        const timer: NodeJS.Timeout = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('0123456789')), 5);
        res.on('close', () => {
          clearInterval(timer);
          closed = true;
        });
        return true;
      };
      const stream = await store().createReadStream('/ddx/f1/a.txt');
      await new Promise((resolve) => stream.once('data', resolve));
      stream.destroy();
      for (let i = 0; i < 100 && !closed; i++) await new Promise((r) => setTimeout(r, 10));
      expect(closed).toBe(true);
    });

    it('keeps the last byte of a sliced whole-file answer when it starts a new chunk', async () => {
      override = (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        const chunks = ['aaa', 'bbb', 'ccc', 'ddd'];
        const timer = setInterval(() => {
          const next = chunks.shift();
          if (next === undefined || res.destroyed) {
            clearInterval(timer);
            if (!res.destroyed) res.end();
            return;
          }
          res.write(next);
        }, 20);
        return true;
      };
      // Byte 9 is the first of "ddd": the chunk before it ends one byte short of the range.
      await expect(read(await store().createReadStream('/ddx/f1/a.txt', { start: 4, end: 9 }))).resolves.toBe('bbcccd');
    });

    it('stops downloading a whole-file answer once the slice is complete, before anyone reads it', async () => {
      let closedEarly = false;
      override = (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        let i = 0;
        const timer: NodeJS.Timeout = setInterval(() => (res.destroyed || i >= 200 ? clearInterval(timer) : res.write(i++ === 199 ? 'end' : 'xyz')), 5);
        res.on('close', () => {
          clearInterval(timer);
          closedEarly = i < 200;
        });
        return true;
      };
      const stream = await store().createReadStream('/ddx/f1/a.txt', { start: 1, end: 4 });
      for (let i = 0; i < 100 && !closedEarly; i++) await new Promise((r) => setTimeout(r, 10));
      expect(closedEarly).toBe(true);
      await expect(read(stream)).resolves.toBe('yzxy');
    });

    it('slices a whole-file answer across many chunks and stops reading at the end of the range', async () => {
      let closedEarly = false;
      override = (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        let i = 0;
        const timer = setInterval(() => {
          if (res.destroyed || i >= 40) {
            clearInterval(timer);
            if (i < 40) closedEarly = true;
            else res.end();
            return;
          }
          res.write(`${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + (i % 26))}`);
          i++;
        }, 5);
        res.on('close', () => {
          if (i < 40) closedEarly = true;
        });
        return true;
      };
      // Chunks of 3 bytes "aaa" "bbb" "ccc" "ddd" …: bytes 4…10 are "bbcccdd".
      await expect(read(await store().createReadStream('/ddx/f1/a.txt', { start: 4, end: 10 }))).resolves.toBe('bbcccdd');
      for (let i = 0; i < 50 && !closedEarly; i++) await new Promise((r) => setTimeout(r, 10));
      expect(closedEarly).toBe(true);
      // No end: everything from the start on (chunk 38 is "mmm" at bytes 114…116).
      const tail = await read(await store().createReadStream('/ddx/f1/a.txt', { start: 115 }));
      expect(tail).toBe('mmnnn');
    });
  });

  describe('delete and deleteDir', () => {
    beforeEach(() => {
      dirs.add('/ddx').add('/ddx/f1').add('/ddx/f1/sub');
      files.set('/ddx/f1/a.txt', Buffer.from('a')).set('/ddx/f1/sub/b.txt', Buffer.from('b')).set('/ddx/f2.txt', Buffer.from('c'));
    });

    it('deletes a file without its trailing slashes, false when it was not there', async () => {
      const s = store();
      await expect(s.delete('/ddx/f2.txt//')).resolves.toBe(true);
      await expect(s.delete('/ddx/f2.txt')).resolves.toBe(false);
      expect(calls()).toEqual(['DELETE /ddx/f2.txt', 'DELETE /ddx/f2.txt']);
    });

    it('deletes a collection with everything in it', async () => {
      const s = store();
      await expect(s.deleteDir('/ddx/f1')).resolves.toBe(true);
      expect([...files.keys()]).toEqual(['/ddx/f2.txt']);
      expect([...dirs]).toEqual(['/', '/ddx']);
      await expect(s.deleteDir('/ddx/f1')).resolves.toBe(false);
    });

    it('refuses to delete the root', async () => {
      await expect(store().deleteDir('/')).rejects.toThrow('refusing to delete the WebDAV root');
      expect(requests).toEqual([]);
    });

    it('throws failures other than not found', async () => {
      override = (_req, res) => void res.writeHead(423).end() ?? true;
      await expect(store().delete('/ddx/f2.txt')).rejects.toMatchObject({ kind: 'conflict', status: 423, operation: 'DELETE' });
      await expect(store().deleteDir('/ddx/f1')).rejects.toMatchObject({ kind: 'conflict', operation: 'DELETE' });
    });

    it('gives up on a DELETE that never gets an answer', async () => {
      override = hang;
      await expect(store({ requestTimeoutMs: 150 }).delete('/ddx/f2.txt')).rejects.toMatchObject({ kind: 'unreachable', code: 'ETIMEDOUT', operation: 'DELETE' });
    });
  });

  describe('quota', () => {
    it('reads RFC 4331 quota of the prefix', async () => {
      dirs.add('/ddx');
      quotaProps = '<d:quota-used-bytes>100</d:quota-used-bytes><d:quota-available-bytes>900</d:quota-available-bytes>';
      await expect(store().quota()).resolves.toEqual({ used: 100, available: 900 });
      expect(calls()).toEqual(['PROPFIND /ddx']);
    });

    it('names the quota properties when the server reports them only on request', async () => {
      dirs.add('/ddx');
      quotaProps = '<d:quota-used-bytes>100</d:quota-used-bytes><d:quota-available-bytes>-3</d:quota-available-bytes>';
      override = (req, res, body) => (req.method === 'PROPFIND' && body.length === 0 ? void res.writeHead(207).end(multistatus('/ddx', '<d:resourcetype/>')) ?? true : false);
      await expect(store().quota()).resolves.toEqual({ used: 100, available: null });
      expect(requests.map((r) => r.body.includes('quota-available-bytes'))).toEqual([false, true]);
      expect(requests[1]?.headers['content-type']).toBe('application/xml; charset=utf-8');
    });

    it('asks the root while the prefix does not exist yet, encoding the path', async () => {
      quotaProps = '<d:quota-used-bytes>5</d:quota-used-bytes><d:quota-available-bytes>6</d:quota-available-bytes>';
      await expect(store({ prefix: '/my backups' }).quota()).resolves.toEqual({ used: 5, available: 6 });
      expect(calls()).toEqual(['PROPFIND /my%20backups', 'PROPFIND /']);
    });

    it('is null when the server reports no quota, and throws other failures', async () => {
      await expect(store({ prefix: '/' }).quota()).resolves.toBeNull();
      expect(calls()).toEqual(['PROPFIND /', 'PROPFIND /']);
      override = (_req, res) => void res.writeHead(401).end() ?? true;
      await expect(store().quota()).rejects.toMatchObject({ kind: 'auth', operation: 'PROPFIND' });
      override = (_req, res) => void res.writeHead(404).end() ?? true;
      await expect(store({ prefix: '/' }).quota()).rejects.toMatchObject({ kind: 'not_found' });
    });

    it('encodes every segment of a nested prefix and keeps its slashes', async () => {
      dirs.add('/my backups').add('/my backups/ddx');
      quotaProps = '<d:quota-used-bytes>5</d:quota-used-bytes><d:quota-available-bytes>6</d:quota-available-bytes>';
      await expect(store({ prefix: '/my backups/ddx' }).quota()).resolves.toEqual({ used: 5, available: 6 });
      expect(calls()).toEqual(['PROPFIND /my%20backups/ddx']);
    });

    it('asks the root only for a prefix that is not found, never after another failure or for the root itself', async () => {
      override = (_req, res) => void res.writeHead(401).end() ?? true;
      await expect(store().quota()).rejects.toMatchObject({ kind: 'auth', status: 401 });
      expect(calls()).toEqual(['PROPFIND /ddx']);
      requests = [];
      override = (_req, res) => void res.writeHead(404).end() ?? true;
      await expect(store({ prefix: '/' }).quota()).rejects.toMatchObject({ kind: 'not_found' });
      await expect(store({ prefix: '' }).quota()).rejects.toMatchObject({ kind: 'not_found' });
      expect(calls()).toEqual(['PROPFIND /', 'PROPFIND /']);
    });

    it('reports no available bytes when the server sends a number it cannot parse', async () => {
      quotaProps = '<d:quota-used-bytes>5</d:quota-used-bytes><d:quota-available-bytes>plenty</d:quota-available-bytes>';
      await expect(store({ prefix: '/' }).quota()).resolves.toEqual({ used: 5, available: null });
    });

    it('is null when the used bytes are not a number', async () => {
      quotaProps = '<d:quota-used-bytes>lots</d:quota-used-bytes><d:quota-available-bytes>6</d:quota-available-bytes>';
      await expect(store({ prefix: '/' }).quota()).resolves.toBeNull();
    });
  });

  describe('ping', () => {
    it('sends one Depth 0 PROPFIND to the prefix and reports ok', async () => {
      dirs.add('/ddx');
      const ping = await store().ping();
      expect(ping).toEqual({ ok: true, reachable: true, latencyMs: expect.any(Number) });
      expect(ping.latencyMs).toBeGreaterThanOrEqual(0);
      expect(ping.latencyMs).toBeLessThan(5000);
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({ method: 'PROPFIND', path: '/ddx' });
      expect(requests[0]?.headers['depth']).toBe('0');
      expect(requests[0]?.headers['content-type']).toBe('application/xml; charset=utf-8');
      expect(requests[0]?.body).toContain('<D:resourcetype/>');
    });

    it('is ok while the prefix does not exist yet, and pings the root without a prefix', async () => {
      await expect(store().ping()).resolves.toEqual({ ok: true, reachable: true, latencyMs: expect.any(Number) });
      await store({ prefix: '' }).ping();
      expect(calls()).toEqual(['PROPFIND /ddx', 'PROPFIND /']);
    });

    it('reports refused credentials as reachable but not ok', async () => {
      override = (_req, res) => void res.writeHead(401).end() ?? true;
      await expect(store().ping()).resolves.toEqual({
        ok: false,
        reachable: true,
        latencyMs: expect.any(Number),
        error: { kind: 'auth', message: expect.stringContaining('WebDAV PROPFIND /ddx failed (auth)') },
      });
    });

    it('reports a silent server as unreachable after the ping timeout, at most 10 s by default', async () => {
      override = hang;
      await expect(store().ping(100)).resolves.toMatchObject({ ok: false, reachable: false, error: { kind: 'unreachable' } });
      const started = Date.now();
      await expect(store({ requestTimeoutMs: 150 }).ping()).resolves.toMatchObject({ ok: false, reachable: false });
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });

  it('builds backup paths under the prefix', () => {
    const s = store();
    expect(s.backupDirFor('f1')).toBe('/ddx/f1');
    expect(s.backupPathFor('f1', 'a.txt')).toBe('/ddx/f1/a.txt');
  });
});
