import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

import { BackupStore } from './backup-store';
import { BackupStoreError } from './backup-store-error';

/**
 * What BackupStore puts on the wire, recorded by a small HTTP server. Apache
 * (backup-store.int.spec.ts) hides some of it: mod_dav_fs itself writes PUTs
 * to a temporary file, so only the requests show that the store never
 * streams to the final name, and nginx's trailing-slash rule for collection
 * DELETE is not Apache's.
 */
interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  bodyBytes: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

describe('BackupStore on the wire', () => {
  let server: Server;
  let url: string;
  let requests: Recorded[];
  let handler: Handler;
  const stored = new Map<string, number>();

  const defaultHandler: Handler = (req, res, body) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    switch (req.method) {
      case 'MKCOL':
        res.writeHead(201).end();
        return;
      case 'PUT':
        stored.set(path, body.length);
        res.writeHead(201).end();
        return;
      case 'PROPFIND': {
        const size = stored.get(path);
        if (size === undefined) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(207, { 'Content-Type': 'application/xml; charset=utf-8' }).end(
          `<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response><d:href>${encodeURI(path)}</d:href><d:propstat><d:prop>` +
            `<d:resourcetype/><d:getcontentlength>${size}</d:getcontentlength><d:getlastmodified>Sat, 28 Nov 2026 12:00:00 GMT</d:getlastmodified>` +
            `</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>`,
        );
        return;
      }
      case 'MOVE': {
        const destination = decodeURIComponent(new URL(String(req.headers['destination'])).pathname);
        stored.set(destination, stored.get(path) ?? 0);
        stored.delete(path);
        res.writeHead(201).end();
        return;
      }
      case 'DELETE':
        res.writeHead(stored.delete(path) ? 204 : 404).end();
        return;
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
        requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes: body.length });
        handler(req, res, body);
      });
      req.on('aborted', () => requests.push({ method: `${req.method} (aborted)`, url: req.url ?? '', headers: req.headers, bodyBytes: 0 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  beforeEach(() => {
    requests = [];
    handler = defaultHandler;
    stored.clear();
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const store = () => new BackupStore({ url, username: 'box', password: 'pw', prefix: '/ddx' });

  it('streams to a .partial- name with Content-Length, then MOVEs it over the final name', async () => {
    const s = store();
    await s.put('/ddx/f1/report.pdf', Readable.from([Buffer.alloc(1000, 1), Buffer.alloc(234, 2)]), { size: 1234 });
    s.close();
    const put = requests.find((r) => r.method === 'PUT');
    expect(put?.url).toMatch(/^\/ddx\/f1\/\.partial-[0-9a-f]{16}$/);
    expect(put?.headers['content-length']).toBe('1234');
    expect(put?.headers['authorization']).toBe(`Basic ${Buffer.from('box:pw').toString('base64')}`);
    const move = requests.find((r) => r.method === 'MOVE');
    expect(move?.url).toBe(put?.url);
    expect(move?.headers['destination']).toBe(`${url}/ddx/f1/report.pdf`);
    expect(move?.headers['overwrite']).toBe('T');
    expect(requests.map((r) => r.method)).toEqual(['MKCOL', 'PUT', 'PROPFIND', 'MOVE']);
    expect([...stored.entries()]).toEqual([['/ddx/f1/report.pdf', 1234]]);
  });

  it('creates missing parents only after the server says 409', async () => {
    const made = new Set<string>();
    handler = (req, res, body) => {
      if (req.method !== 'MKCOL') return defaultHandler(req, res, body);
      const path = (req.url ?? '').replace(/\/$/, '');
      const parent = path.slice(0, path.lastIndexOf('/')) || '/';
      if (parent !== '/' && !made.has(parent)) return void res.writeHead(409).end();
      if (made.has(path)) return void res.writeHead(405).end();
      made.add(path);
      res.writeHead(201).end();
    };
    const s = store();
    await s.ensureDir('/ddx/a/b');
    await s.ensureDir('/ddx/a/b');
    s.close();
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'MKCOL /ddx/a/b/',
      'MKCOL /ddx/a/',
      'MKCOL /ddx/',
      'MKCOL /ddx/a/',
      'MKCOL /ddx/a/b/',
      'MKCOL /ddx/a/b/',
    ]);
  });

  it('a failing source deletes the partial and never MOVEs', async () => {
    const s = store();
    let pushed = false;
    const source = new Readable({
      read() {
        if (!pushed) {
          pushed = true;
          this.push(Buffer.alloc(64 * 1024));
        } else setTimeout(() => this.destroy(new Error('boom')), 20);
      },
    });
    const error = await s.put('/ddx/f2/x.bin', source).catch((e: unknown) => e);
    s.close();
    expect(error).toMatchObject({ kind: 'source' });
    // The aborted PUT may be recorded a moment later; the DELETE came after the failure.
    const deletes = requests.filter((r) => r.method === 'DELETE').map((r) => r.url);
    expect(deletes).toEqual([expect.stringMatching(/^\/ddx\/f2\/\.partial-[0-9a-f]{16}$/)]);
    expect(requests.map((r) => r.method)).not.toContain('MOVE');
    expect(stored.size).toBe(0);
    // Let the server notice the aborted PUT here rather than during the next test.
    for (let i = 0; i < 100 && !requests.some((r) => r.method.startsWith('PUT')); i++) await new Promise((r) => setTimeout(r, 20));
    expect(requests.find((r) => r.method.startsWith('PUT'))?.url).toBe(deletes[0]);
  });

  it('delete sends no trailing slash; deleteDir always sends one', async () => {
    const s = store();
    await s.delete('/ddx/f3/a.txt');
    await s.deleteDir('/ddx/f3');
    await s.deleteDir('/ddx/f4/');
    s.close();
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual(['DELETE /ddx/f3/a.txt', 'DELETE /ddx/f3/', 'DELETE /ddx/f4/']);
  });

  it('answers a Range the server ignored (200) by slicing locally', async () => {
    handler = (_req, res) => res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(Buffer.from('0123456789'));
    const s = store();
    const chunks: Buffer[] = [];
    for await (const c of await s.createReadStream('/ddx/f5/a.txt', { start: 2, end: 5 })) chunks.push(c as Buffer);
    s.close();
    expect(Buffer.concat(chunks).toString()).toBe('2345');
    expect(requests[0]?.headers['range']).toBe('bytes=2-5');
  });

  it.each([
    [503, 'unreachable'],
    [500, 'unreachable'],
    [507, 'insufficient_storage'],
    [403, 'auth'],
    [423, 'conflict'],
    [400, 'protocol'],
  ] as const)('maps HTTP %i to kind %s', async (status, kind) => {
    handler = (_req, res) => res.writeHead(status).end('nope');
    const s = store();
    const error = await s.stat('/ddx/f6/a.txt').catch((e: unknown) => e);
    s.close();
    expect(error).toBeInstanceOf(BackupStoreError);
    expect(error).toMatchObject({ kind, status });
    expect((error as Error).message).not.toContain('pw');
    expect((error as Error).message).not.toContain(url);
  });
});
