import { createReadStream } from 'node:fs';
import { Agent, IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

import { SliceReader } from './files';
import { call, callJson, drain, Drained, keepAliveAgent, send } from './http';

export interface OAuthCredential {
  client_id: string;
  client_secret: string;
  refresh_token: string;
}

export interface DriveStoredFile {
  id: string;
  size: string;
  md5Checksum?: string;
}

/**
 * The baselines' Drive client: the resumable-upload protocol and alt=media
 * downloads straight against the emulator over keep-alive node:http, reading
 * the file from disk one chunk at a time (one chunk ahead), like the api does
 * with the frames it gets.
 */
export class DirectDrive {
  private token?: { value: string; until: number };

  constructor(
    /** Emulator root with trailing slash, e.g. http://127.0.0.1:4010/ */
    readonly apiRoot: string,
    private readonly credential: OAuthCredential,
    readonly agent: Agent = keepAliveAgent(64),
  ) {}

  async accessToken(): Promise<string> {
    if (this.token && this.token.until > Date.now() + 60_000) return this.token.value;
    const form = new URLSearchParams({ grant_type: 'refresh_token', ...this.credential }).toString();
    const t = await callJson<{ access_token: string; expires_in: number }>(`${this.apiRoot}token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(form) },
      body: form,
      agent: this.agent,
    });
    this.token = { value: t.access_token, until: Date.now() + t.expires_in * 1000 };
    return t.access_token;
  }

  private async auth(): Promise<Record<string, string>> {
    return { Authorization: `Bearer ${await this.accessToken()}` };
  }

  /** Opens a session, then one PUT per chunk, each waiting for Drive's 308 before the next. */
  async uploadFile(path: string, size: number, name: string, chunkSize: number): Promise<DriveStoredFile> {
    const session = await this.openSession(size, name);
    const reader = await SliceReader.open(path, size, chunkSize);
    try {
      for (let at = 0; ; ) {
        const chunk = size === 0 ? Buffer.alloc(0) : await reader.slice(at);
        const res = await this.put(session, at, chunk, chunk.length, size);
        if (res.done) return res.done;
        at = res.committed;
      }
    } finally {
      await reader.close();
    }
  }

  /**
   * What a well-written client does against a distant Drive: few, long PUTs (`putSize`, a
   * multiple of 256 KiB, or the whole remainder), each body streamed from disk, so the round
   * trip per PUT is paid rarely and nothing but socket buffers holds the bytes.
   */
  async uploadFileStreaming(path: string, size: number, name: string, putSize: number): Promise<DriveStoredFile> {
    if (putSize % (256 * 1024) !== 0) throw new Error('a PUT that is not the last must be a multiple of 256 KiB');
    if (size === 0) return this.uploadEmpty(name);
    const session = await this.openSession(size, name);
    for (let at = 0; ; ) {
      const n = Math.min(putSize, size - at);
      const body = n === 0 ? Buffer.alloc(0) : createReadStream(path, { start: at, end: at + n - 1, highWaterMark: 1024 * 1024 });
      const res = await this.put(session, at, body, n, size);
      if (res.done) return res.done;
      at = res.committed;
    }
  }

  /** An empty file in one multipart request: no request finishes an empty resumable session. */
  private async uploadEmpty(name: string): Promise<DriveStoredFile> {
    const boundary = 'ddx-bench-boundary';
    const meta = JSON.stringify({ name, mimeType: 'application/octet-stream' });
    const body = Buffer.from(
      `--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${meta}\r\n--${boundary}\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--${boundary}--\r\n`,
    );
    const res = await call(
      `${this.apiRoot}upload/drive/v3/files?uploadType=multipart&fields=id,size,md5Checksum`,
      {
        method: 'POST',
        headers: { ...(await this.auth()), 'Content-Type': `multipart/related; boundary=${boundary}`, 'Content-Length': body.length },
        body,
        agent: this.agent,
      },
      [200],
    );
    return JSON.parse(res.body.toString('utf8')) as DriveStoredFile;
  }

  private async openSession(size: number, name: string): Promise<string> {
    const meta = JSON.stringify({ name, mimeType: 'application/octet-stream' });
    const opened = await call(
      `${this.apiRoot}upload/drive/v3/files?uploadType=resumable&fields=id,size,md5Checksum`,
      {
        method: 'POST',
        headers: {
          ...(await this.auth()),
          'Content-Type': 'application/json; charset=UTF-8',
          'Content-Length': Buffer.byteLength(meta),
          'X-Upload-Content-Type': 'application/octet-stream',
          'X-Upload-Content-Length': size,
        },
        body: meta,
        agent: this.agent,
      },
      [200],
    );
    const session = opened.headers.location;
    if (!session) throw new Error('the emulator gave no session URI');
    return session;
  }

  /** One PUT of `length` bytes at `at`; the stored file when it was the last, else what Drive committed. */
  private async put(session: string, at: number, body: Buffer | Readable, length: number, size: number): Promise<{ done?: DriveStoredFile; committed: number }> {
    const range = size === 0 ? 'bytes */0' : `bytes ${at}-${at + length - 1}/${size}`;
    const res = await call(session, { method: 'PUT', headers: { 'Content-Range': range, 'Content-Length': length }, body, agent: this.agent }, [200, 201, 308]);
    if (res.status !== 308) return { done: JSON.parse(res.body.toString('utf8')) as DriveStoredFile, committed: size };
    const committed = Number(/^bytes=0-(\d+)$/.exec(String(res.headers.range ?? ''))?.[1] ?? -1) + 1;
    if (committed !== at + length) throw new Error(`Drive committed ${committed}, expected ${at + length}`);
    return { committed };
  }

  /** alt=media, optionally a byte range (inclusive); the body is counted (and hashed when asked), never kept. */
  async download(fileId: string, options: { range?: [number, number]; hash?: boolean } = {}): Promise<Drained & { status: number }> {
    const headers: Record<string, string> = await this.auth();
    if (options.range) headers['Range'] = `bytes=${options.range[0]}-${options.range[1]}`;
    const res = await send(`${this.apiRoot}drive/v3/files/${encodeURIComponent(fileId)}?alt=media`, { headers, agent: this.agent });
    const body = await drain(res.stream, options.hash ?? false);
    if (res.status !== 200 && res.status !== 206) throw new Error(`alt=media answered ${res.status}`);
    return { ...body, status: res.status };
  }

  /** alt=media as a stream (for piping it somewhere else). */
  async openDownload(fileId: string): Promise<{ stream: IncomingMessage; length: number }> {
    const res = await send(`${this.apiRoot}drive/v3/files/${encodeURIComponent(fileId)}?alt=media`, { headers: await this.auth(), agent: this.agent });
    if (res.status !== 200) {
      res.stream.resume();
      throw new Error(`alt=media answered ${res.status}`);
    }
    return { stream: res.stream, length: Number(res.headers['content-length']) };
  }

  async metadata(fileId: string): Promise<DriveStoredFile> {
    return callJson<DriveStoredFile>(`${this.apiRoot}drive/v3/files/${encodeURIComponent(fileId)}?fields=id,size,md5Checksum`, { headers: await this.auth(), agent: this.agent });
  }

  async deleteFile(fileId: string): Promise<void> {
    await call(`${this.apiRoot}drive/v3/files/${encodeURIComponent(fileId)}`, { method: 'DELETE', headers: await this.auth(), agent: this.agent }, [204, 404]);
  }

  close(): void {
    this.agent.destroy();
  }
}
