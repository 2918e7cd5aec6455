import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ContractCase } from './contract-target';

/** Drive's chunk granularity. */
export const CHUNK = 256 * 1024;

export interface RawResponse {
  status: number;
  headers: Headers;
  data: unknown;
}

const ANY_STATUS = (): boolean => true;

/**
 * The resumable protocol spoken through google-auth-library's raw `request()`, exactly as
 * the product does (googleapis itself has no resumable upload). Every status is returned,
 * not thrown, so tests can assert on 308/4xx answers.
 */
export async function initiateSession(
  c: ContractCase,
  options: { name: string; size: number | null; contentType?: string; mimeType?: string; parents?: string[]; fields?: string },
): Promise<RawResponse> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=UTF-8' };
  if (options.size !== null) headers['X-Upload-Content-Length'] = String(options.size);
  if (options.contentType) headers['X-Upload-Content-Type'] = options.contentType;
  const res = await c.auth.request({
    url: `${c.rootUrl}upload/drive/v3/files`,
    method: 'POST',
    params: { uploadType: 'resumable', ...(options.fields ? { fields: options.fields } : {}) },
    headers,
    data: { name: options.name, parents: options.parents ?? [c.folderId], ...(options.mimeType ? { mimeType: options.mimeType } : {}) },
    validateStatus: ANY_STATUS,
  });
  return { status: res.status, headers: res.headers, data: res.data };
}

export async function openSession(
  c: ContractCase,
  options: { name: string; size: number | null; contentType?: string; mimeType?: string; fields?: string },
): Promise<string> {
  const res = await initiateSession(c, options);
  const location = res.headers.get('location');
  if (res.status !== 200 || !location) throw new Error(`session initiation answered ${res.status}: ${JSON.stringify(res.data)}`);
  return location;
}

export async function putChunk(c: ContractCase, sessionUri: string, start: number, bytes: Buffer, total: number | '*'): Promise<RawResponse> {
  const res = await c.auth.request({
    url: sessionUri,
    method: 'PUT',
    headers: { 'Content-Range': `bytes ${start}-${start + bytes.length - 1}/${total}`, 'Content-Length': String(bytes.length) },
    data: bytes,
    validateStatus: ANY_STATUS,
  });
  return { status: res.status, headers: res.headers, data: res.data };
}

export async function queryStatus(c: ContractCase, sessionUri: string, total: number | '*'): Promise<RawResponse> {
  const res = await c.auth.request({
    url: sessionUri,
    method: 'PUT',
    headers: { 'Content-Range': `bytes */${total}`, 'Content-Length': '0' },
    validateStatus: ANY_STATUS,
  });
  return { status: res.status, headers: res.headers, data: res.data };
}

export async function cancelSession(c: ContractCase, sessionUri: string): Promise<RawResponse> {
  const res = await c.auth.request({ url: sessionUri, method: 'DELETE', validateStatus: ANY_STATUS });
  return { status: res.status, headers: res.headers, data: res.data };
}

/** Bytes stored so far according to a 308's `Range: bytes=0-k` (absent = none). */
export function committedOf(res: RawResponse): number {
  const range = res.headers.get('range');
  if (!range) return 0;
  const match = /^bytes=0-(\d+)$/.exec(range);
  if (!match) throw new Error(`unexpected Range header ${range}`);
  return Number(match[1]) + 1;
}

/** Uploads `data` in `chunkSize` chunks, resuming from whatever the server says it has. */
export async function uploadResumable(
  c: ContractCase,
  sessionUri: string,
  data: Buffer,
  chunkSize: number,
  startAt = 0,
): Promise<RawResponse> {
  let offset = startAt;
  for (;;) {
    const chunk = data.subarray(offset, Math.min(offset + chunkSize, data.length));
    const res = await putChunk(c, sessionUri, offset, chunk, data.length);
    if (res.status === 200 || res.status === 201) return res;
    if (res.status !== 308) throw new Error(`chunk at ${offset} answered ${res.status}: ${JSON.stringify(res.data)}`);
    offset = committedOf(res);
  }
}

export function md5(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Deterministic pseudo-random bytes: reproducible failures, no two chunks alike. */
export function testBytes(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * A response header, whatever object carries it: gaxios 7 hands over a WHATWG `Headers`
 * at run time, while googleapis-common 8 still types API responses as a plain record.
 */
export function headerOf(headers: unknown, name: string): string | null {
  if (headers && typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  const value = (headers as Record<string, string | string[] | undefined> | undefined)?.[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : (value ?? null);
}

/** Google error reason of a thrown GaxiosError or a raw error body. */
export function reasonOf(errOrBody: unknown): string | undefined {
  const body = (errOrBody as { response?: { data?: unknown } })?.response?.data ?? errOrBody;
  const parsed = typeof body === 'string' ? safeJson(body) : body;
  return (parsed as { error?: { errors?: Array<{ reason?: string }> } })?.error?.errors?.[0]?.reason;
}

export function domainOf(errOrBody: unknown): string | undefined {
  const body = (errOrBody as { response?: { data?: unknown } })?.response?.data ?? errOrBody;
  const parsed = typeof body === 'string' ? safeJson(body) : body;
  return (parsed as { error?: { errors?: Array<{ domain?: string }> } })?.error?.errors?.[0]?.domain;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
