import { Agent } from 'node:http';

import { SliceReader } from './files';
import { callJson, drain, Drained, keepAliveAgent, send } from './http';
import { MiniWebSocket } from './mini-ws';

export interface Initiated {
  file_id: string;
  upload_url: string;
  upload_token: string;
  chunk_size: number;
}

export interface WsUploadResult {
  fileId: string;
  /** ms from the initiate request to the `success` message. */
  ms: number;
  /** performance.now() when `success` arrived. */
  successAt: number;
}

/**
 * A protocol client of the api, as the SPA does it: POST initiate, a socket
 * ticket (upload token in X-Upload-Token), then the WebSocket with chunk_size binary frames read from disk (one slice ahead),
 * at most 2 frames beyond the last `received`, answering `rewind` with `resume` (docs/upload-protocol.md).
 */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly agent: Agent = keepAliveAgent(64),
  ) {}

  async initiate(filename: string, size: number): Promise<Initiated> {
    const body = JSON.stringify({ filename, size, content_type: 'application/octet-stream' });
    return callJson<Initiated>(
      `${this.baseUrl}/api/v1/upload/initiate`,
      { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }, body, agent: this.agent },
      [201],
    );
  }

  async upload(path: string, size: number, filename: string, window = 2): Promise<WsUploadResult> {
    const started = performance.now();
    const init = await this.initiate(filename, size);
    const { ticket } = await callJson<{ ticket: string }>(
      `${this.baseUrl}/api/v1/upload/${init.file_id}/ticket`,
      { method: 'POST', headers: { 'X-Upload-Token': init.upload_token, 'Content-Length': 0 }, agent: this.agent },
      [201],
    );
    const url = `${this.baseUrl.replace(/^http/, 'ws')}${init.upload_url}?ticket=${encodeURIComponent(ticket)}`;
    const ws = await MiniWebSocket.connect(url);
    let reader: SliceReader | undefined;
    try {
      const successAt = await new Promise<number>((resolve, reject) => {
        let next = -1; // where the next frame starts (-1 before `ready`)
        let received = 0;
        let chunk = init.chunk_size;
        let pumping = false;
        let done = false;
        const fail = (e: Error) => {
          if (done) return;
          done = true;
          ws.terminate();
          reject(e);
        };
        // Window: at most `window` frames beyond the server's last `received` offset (or the
        // `ready`/`rewind` one). The server says `received` as it passes bytes on to Drive,
        // so this keeps pace with Drive; `progress` moves once per Drive request and plays no part.
        const pump = async () => {
          if (pumping) return;
          pumping = true;
          try {
            while (next >= 0 && next < size && next - received < window * chunk && ws.isOpen) {
              reader ??= await SliceReader.open(path, size, chunk);
              const start = next;
              const frame = await reader.slice(start);
              if (next !== start) continue; // a rewind came while reading: this frame no longer starts where the server counts
              ws.sendBinary(frame);
              next = start + frame.length;
            }
          } catch (e) {
            fail(e as Error);
          } finally {
            pumping = false;
          }
        };
        ws.on('message', (raw: Buffer, isBinary: boolean) => {
          if (isBinary) return fail(new Error('unexpected binary message'));
          const msg = JSON.parse(raw.toString('utf8')) as { type: string; offset?: number; chunk_size?: number; code?: string; value?: string };
          if (msg.type === 'ready') {
            chunk = msg.chunk_size ?? chunk;
            next = received = msg.offset ?? 0;
            void pump();
          } else if (msg.type === 'received') {
            received = Math.max(received, msg.offset ?? received);
            void pump();
          } else if (msg.type === 'rewind') {
            // Every frame after the offset was dropped: answer before any frame, then send again from there.
            const offset = msg.offset ?? 0;
            ws.sendText(JSON.stringify({ type: 'resume', offset }));
            next = received = offset;
            void pump();
          } else if (msg.type === 'success') {
            done = true;
            resolve(performance.now());
          } else if (msg.type === 'error') {
            fail(new Error(`upload ${init.file_id} failed: ${msg.code}: ${msg.value}`));
          }
        });
        ws.on('close', (code: number) => fail(new Error(`upload socket closed (${code}) before success`)));
        ws.on('error', (e: Error) => fail(e));
      });
      return { fileId: init.file_id, ms: successAt - started, successAt };
    } finally {
      await reader?.close();
      ws.close();
    }
  }

  /** GET /api/v1/download/stream/:id, optionally one range (inclusive). */
  async download(
    fileId: string,
    options: { range?: [number, number]; hash?: boolean } = {},
  ): Promise<Drained & { status: number; servedFrom?: string; serverTiming: Record<string, number> }> {
    const headers: Record<string, string> = {};
    if (options.range) headers['Range'] = `bytes=${options.range[0]}-${options.range[1]}`;
    const res = await send(`${this.baseUrl}/api/v1/download/stream/${fileId}`, { headers, agent: this.agent });
    const body = await drain(res.stream, options.hash ?? false);
    if (res.status !== 200 && res.status !== 206) throw new Error(`download answered ${res.status}`);
    const servedFrom = res.headers['x-served-from'];
    return { ...body, status: res.status, servedFrom: typeof servedFrom === 'string' ? servedFrom : undefined, serverTiming: parseServerTiming(res.headers['server-timing']) };
  }

  close(): void {
    this.agent.destroy();
  }
}

/** `lookup;dur=1.2, source;dur=3.4;desc="drive"` → { lookup: 1.2, source: 3.4 }. */
export function parseServerTiming(header: string | string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const metric of [header ?? []].flat().join(',').split(',')) {
    const [name, ...params] = metric.trim().split(';');
    const dur = params.map((p) => /^\s*dur=([\d.]+)\s*$/.exec(p)?.[1]).find((d) => d !== undefined);
    if (name && dur !== undefined) out[name] = Number(dur);
  }
  return out;
}
