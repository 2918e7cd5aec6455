import { createHash } from 'node:crypto';
import { Agent, IncomingHttpHeaders, IncomingMessage, request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';

/**
 * Plain node:http with keep-alive agents: the harness's own client for the
 * api, the Drive emulator and WebDAV. No fetch/undici layer, so the client
 * side costs the same for the baselines and the subjects.
 */
export function keepAliveAgent(maxSockets = 64): Agent {
  return new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, keepAliveMsecs: 1000 });
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string | number>;
  /** Buffer or stream; a stream needs Content-Length in headers (or goes chunked). */
  body?: Buffer | string | Readable;
  agent?: Agent;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  stream: IncomingMessage;
}

/** Sends a request and resolves once the answer's headers are in. */
export function send(url: string, options: HttpOptions = {}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: options.agent }, (res) =>
      resolve({ status: res.statusCode ?? 0, headers: res.headers, stream: res }),
    );
    req.on('error', reject);
    const body = options.body;
    if (body instanceof Readable) {
      body.on('error', (e) => req.destroy(e));
      body.pipe(req);
    } else {
      req.end(body);
    }
  });
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** Request → whole body; throws on a status not in `ok`. */
export async function call(url: string, options: HttpOptions = {}, ok: number[] = [200]): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  const res = await send(url, options);
  const body = await readAll(res.stream);
  if (!ok.includes(res.status)) {
    throw new Error(`${options.method ?? 'GET'} ${redact(url)} answered ${res.status}: ${body.toString('utf8').slice(0, 300)}`);
  }
  return { status: res.status, headers: res.headers, body };
}

export async function callJson<T>(url: string, options: HttpOptions = {}, ok: number[] = [200]): Promise<T> {
  const res = await call(url, options, ok);
  return JSON.parse(res.body.toString('utf8')) as T;
}

export interface Drained {
  bytes: number;
  /** SHA-256 of the body, when asked for. */
  sha256?: string;
}

/** Reads a body to its end, counting (and optionally hashing) the bytes without keeping them. */
export async function drain(stream: Readable, hash: boolean): Promise<Drained> {
  const h = hash ? createHash('sha256') : null;
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += (chunk as Buffer).length;
    h?.update(chunk as Buffer);
  }
  return { bytes, sha256: h?.digest('hex') };
}

export function redact(url: string): string {
  return url.replace(/([?&](?:token|upload_id)=)[^&]*/g, '$1…');
}
