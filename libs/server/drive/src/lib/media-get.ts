import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { transportFor } from './drive-agents';
import { toDriveError } from './drive-error-mapper';
import type { DriveDownload } from './drive-types';

/** Error bodies are small JSON documents; anything beyond this is not read. */
const MAX_ANSWER_BYTES = 64 * 1024;
const MAX_REDIRECTS = 5;

/**
 * One `GET …?alt=media` on a kept-alive connection, whose answer is handed over
 * as it is: the response stream itself, no copy and no intermediate stream.
 *
 * - 200/206 resolves with the response; anything else rejects with a DriveError
 *   built from Drive's error body (its reason kept), read up to 64 KiB.
 * - A failure while reading the body (a connection cut mid-stream) is emitted on
 *   the stream as a DriveError (`transient` for network failures).
 * - `timeoutMs` bounds the wait for the answer's headers only: once the body
 *   flows, a slow reader pausing the stream must not cut it.
 * - Redirects are followed (the credentials only to the same origin).
 */
export function mediaGet(url: string, headers: Record<string, string>, timeoutMs?: number): Promise<DriveDownload> {
  return new Promise<DriveDownload>((resolve, reject) => follow(new URL(url), headers, timeoutMs, MAX_REDIRECTS, resolve, reject));
}

function follow(
  target: URL,
  headers: Record<string, string>,
  timeoutMs: number | undefined,
  redirectsLeft: number,
  resolve: (d: DriveDownload) => void,
  reject: (e: unknown) => void,
): void {
  const { transport, agent } = transportFor(target);
  let answered = false;
  let req: ClientRequest;
  try {
    req = transport.request(target, { method: 'GET', agent, headers, ...(timeoutMs ? { timeout: timeoutMs } : {}) });
  } catch (err) {
    // Refused before anything was sent (a malformed header value).
    reject(toDriveError(err, 'download'));
    return;
  }
  req.on('timeout', () => req.destroy(Object.assign(new Error('Drive request timed out'), { code: 'ETIMEDOUT' })));
  req.on('error', (err: Error) => {
    if (!answered) reject(toDriveError(err, 'download'));
  });
  req.on('response', (res: IncomingMessage) => {
    answered = true;
    if (timeoutMs) req.setTimeout(0);
    const status = res.statusCode ?? 0;
    if (status === 200 || status === 206) {
      resolve(downloadOf(res, status));
      return;
    }
    const location = res.headers.location;
    if (status >= 300 && status < 400 && location && redirectsLeft > 0) {
      res.resume();
      const next = new URL(location, target);
      const forwarded = next.origin === target.origin ? headers : Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
      follow(next, forwarded, timeoutMs, redirectsLeft - 1, resolve, reject);
      return;
    }
    readRefusal(res, status, reject);
  });
  req.end();
}

function downloadOf(res: IncomingMessage, status: 200 | 206): DriveDownload {
  guardErrors(res);
  const contentRange = res.headers['content-range'] ?? null;
  const contentLength = res.headers['content-length'];
  const total = contentRange ? /\/(\d+)$/.exec(contentRange)?.[1] : contentLength;
  return {
    stream: res,
    status,
    contentLength: contentLength !== undefined ? Number(contentLength) : null,
    totalSize: total !== undefined ? Number(total) : null,
    contentRange,
    mimeType: res.headers['content-type'] ?? null,
  };
}

/**
 * Errors of the response stream become DriveErrors where the stream reports them
 * (its `_destroy`, through which every failure passes), so that readers need no
 * extra stream in between to translate them.
 */
function guardErrors(res: IncomingMessage): void {
  const stream = res as Readable & { _destroy(err: Error | null, cb: (err?: Error | null) => void): void };
  const destroy = stream._destroy;
  stream._destroy = function (err, cb) {
    destroy.call(this, err, (e) => cb(e ? toDriveError(e, 'download') : e));
  };
}

function readRefusal(res: IncomingMessage, status: number, reject: (e: unknown) => void): void {
  const parts: Buffer[] = [];
  let size = 0;
  res.on('data', (b: Buffer) => {
    if (size < MAX_ANSWER_BYTES) parts.push(b);
    size += b.length;
  });
  // A refusal whose body is cut still is a refusal: report the status with what arrived.
  const done = () => reject(toDriveError({ response: { status, headers: res.headers, data: Buffer.concat(parts).toString('utf8') } }, 'download'));
  res.on('end', done);
  res.on('error', done);
}
