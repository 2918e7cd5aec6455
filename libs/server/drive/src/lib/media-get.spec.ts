import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { DriveError } from './drive-error';
import { mediaGet } from './media-get';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const SECRET = 'sess-secret-token';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function failureOf(promise: Promise<unknown>): Promise<DriveError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DriveError);
  return err as DriveError;
}

const googleError = (status: number, reason: string, message: string) => JSON.stringify({ error: { code: status, message, errors: [{ reason, message, domain: 'usageLimits' }] } });

describe('mediaGet', () => {
  let server: Server;
  let handler: Handler;
  let base: string;
  const seen: IncomingMessage[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req);
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    seen.length = 0;
  });

  const url = (path = '/drive/v3/files/f1') => `${base}${path}?alt=media&key=${SECRET}`;

  it('sends the Range and Authorization headers and hands over a 206 with its figures', async () => {
    const body = Buffer.from('0123456789');
    handler = (req, res) => {
      res.writeHead(206, { 'Content-Type': 'application/octet-stream', 'Content-Length': '4', 'Content-Range': 'bytes 2-5/10' });
      res.end(body.subarray(2, 6));
    };
    const got = await mediaGet(url(), { Authorization: 'Bearer tok', Range: 'bytes=2-5' });
    expect(got).toMatchObject({ status: 206, contentLength: 4, totalSize: 10, contentRange: 'bytes 2-5/10', mimeType: 'application/octet-stream' });
    expect((await readAll(got.stream)).toString()).toBe('2345');
    expect(seen[0]?.headers).toMatchObject({ authorization: 'Bearer tok', range: 'bytes=2-5' });
    expect(seen[0]?.method).toBe('GET');
    expect(seen[0]?.url).toBe(`/drive/v3/files/f1?alt=media&key=${SECRET}`);
  });

  it('a 200 gives the whole length as the total and asks for no compression', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Length': '3' });
      res.end('abc');
    };
    const got = await mediaGet(url(), {});
    expect(got).toMatchObject({ status: 200, contentLength: 3, totalSize: 3, contentRange: null, mimeType: null });
    expect((await readAll(got.stream)).toString()).toBe('abc');
    expect(seen[0]?.headers['accept-encoding']).toBeUndefined();
  });

  it('a chunked answer has no length', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write('ab');
      res.end('c');
    };
    const got = await mediaGet(url(), {});
    expect(got).toMatchObject({ contentLength: null, totalSize: null });
    expect((await readAll(got.stream)).toString()).toBe('abc');
  });

  it.each([
    [403, googleError(403, 'dailyLimitExceeded', 'Daily Limit Exceeded'), { kind: 'daily_cap', reason: 'dailyLimitExceeded', status: 403 }],
    [403, googleError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded'), { kind: 'rate_limited', reason: 'userRateLimitExceeded' }],
    [404, googleError(404, 'notFound', 'File not found: f1.'), { kind: 'not_found', reason: 'notFound' }],
    [416, googleError(416, 'requestedRangeNotSatisfiable', 'Request range not satisfiable'), { kind: 'bad_request', status: 416 }],
    [401, googleError(401, 'authError', 'Invalid Credentials'), { kind: 'auth_revoked', reason: 'authError' }],
    [503, '<html>busy</html>', { kind: 'transient', status: 503, reason: null }],
  ])('a %i answer rejects with the DriveError its body describes', async (status, body, expected) => {
    handler = (_req, res) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(body);
    };
    const err = await failureOf(mediaGet(url(), {}));
    expect(err).toMatchObject({ operation: 'download', ...expected });
  });

  it('keeps the Retry-After of a refusal', async () => {
    handler = (_req, res) => {
      res.writeHead(429, { 'Retry-After': '7' });
      res.end(googleError(429, 'rateLimitExceeded', 'Rate Limit Exceeded'));
    };
    expect(await failureOf(mediaGet(url(), {}))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
  });

  it('a connection cut mid-stream fails the stream with a transient DriveError', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Length': '100000' });
      res.write(Buffer.alloc(20_000, 1), () => setTimeout(() => res.socket?.destroy(), 20));
    };
    const got = await mediaGet(url(), {});
    const err = await failureOf(readAll(got.stream));
    expect(err).toMatchObject({ kind: 'transient', operation: 'download', status: null });
  });

  it('a refused connection is transient', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await failureOf(mediaGet(`http://127.0.0.1:${port}/drive/v3/files/f1?alt=media&key=${SECRET}`, {}));
    expect(err).toMatchObject({ kind: 'transient', reason: 'ECONNREFUSED' });
  });

  it('bounds the wait for headers only, not a body that is read slowly', async () => {
    handler = () => undefined; // never answers
    expect(await failureOf(mediaGet(url(), {}, 100))).toMatchObject({ kind: 'transient', reason: 'ETIMEDOUT' });

    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Length': '6' });
      res.write('abc');
      setTimeout(() => res.end('def'), 300);
    };
    const got = await mediaGet(url(), {}, 100);
    expect((await readAll(got.stream)).toString()).toBe('abcdef');
  });

  it('follows a redirect, with the credentials only to the same origin', async () => {
    handler = (req, res) => {
      if (req.url?.startsWith('/drive/')) {
        res.writeHead(302, { Location: '/content/f1' });
        res.end();
      } else {
        res.writeHead(200, { 'Content-Length': '2' });
        res.end('ok');
      }
    };
    const got = await mediaGet(url(), { Authorization: 'Bearer tok', Range: 'bytes=0-1' });
    expect((await readAll(got.stream)).toString()).toBe('ok');
    expect(seen.map((r) => [r.url, r.headers.authorization, r.headers.range])).toEqual([
      [`/drive/v3/files/f1?alt=media&key=${SECRET}`, 'Bearer tok', 'bytes=0-1'],
      ['/content/f1', 'Bearer tok', 'bytes=0-1'],
    ]);

    const other = base.replace('127.0.0.1', 'localhost');
    handler = (req, res) => {
      if (req.url?.startsWith('/drive/')) {
        res.writeHead(307, { Location: `${other}/content/f1` });
        res.end();
      } else {
        res.writeHead(200, { 'Content-Length': '2' });
        res.end('ok');
      }
    };
    seen.length = 0;
    await readAll((await mediaGet(url(), { Authorization: 'Bearer tok', Range: 'bytes=0-1' })).stream);
    expect(seen.map((r) => [r.headers.authorization, r.headers.range])).toEqual([
      ['Bearer tok', 'bytes=0-1'],
      [undefined, 'bytes=0-1'],
    ]);
  });

  it('never puts the URL in an error message', async () => {
    handler = (_req, res) => {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(googleError(400, 'badRequest', `Invalid value at ${base}/drive/v3/files/f1?key=${SECRET}`));
    };
    const refused = await failureOf(mediaGet(url(), {}));
    expect(refused.kind).toBe('bad_request');
    handler = () => undefined;
    const timedOut = await failureOf(mediaGet(url(), {}, 50));
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Length': '10' });
      res.write('abc', () => res.socket?.destroy());
    };
    const cut = await failureOf(readAll((await mediaGet(url(), {})).stream));
    const malformed = await failureOf(mediaGet(url(), { 'Bad\nHeader': SECRET }));
    for (const err of [refused, timedOut, cut, malformed]) {
      expect(err.message).not.toContain(SECRET);
      expect(err.message).not.toContain(base);
    }
  });
});
