import type { ClientRequest, IncomingMessage } from 'node:http';
import { transportFor } from './drive-agents';
import { toDriveError } from './drive-error-mapper';
import type { ChunkResult, DriveUploadedFile } from './drive-types';

/** Error bodies are small JSON documents; anything beyond this is not read. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * One `PUT <session>` whose body is written piece by piece as the bytes arrive
 * (`Content-Length` is declared up front, as Drive requires). Nothing is kept
 * here: each piece goes straight to the socket.
 *
 * - `write()` returns false when the socket is full: wait for `onDrain`;
 *   its callback runs once the bytes have left for the network.
 * - `result` settles with Drive's answer (308 → committed offset, 200/201 →
 *   the file) or a DriveError; Drive may answer before the body is complete
 *   (a refusal), after which writes are dropped.
 * - `abort()` cuts the request; Drive keeps a 256 KiB-aligned prefix of what
 *   it received, which a status query reveals.
 */
export class StreamedPut {
  readonly result: Promise<ChunkResult>;
  private readonly req: ClientRequest;
  private remainingBytes: number;
  private settled = false;

  constructor(url: string, headers: Record<string, string>, readonly length: number, timeoutMs?: number) {
    this.remainingBytes = length;
    const target = new URL(url);
    const { transport, agent } = transportFor(target);
    let resolve!: (r: ChunkResult) => void;
    let reject!: (e: unknown) => void;
    this.result = new Promise<ChunkResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Callers may learn the outcome only after cutting the request themselves.
    this.result.catch(() => undefined);
    const settle = (fn: () => void) => {
      if (this.settled) return;
      this.settled = true;
      fn();
    };
    this.req = transport.request(target, {
      method: 'PUT',
      agent,
      headers: { ...headers, 'Content-Length': String(length) },
      ...(timeoutMs ? { timeout: timeoutMs } : {}),
    });
    this.req.on('timeout', () => this.req.destroy(Object.assign(new Error('Drive request timed out'), { code: 'ETIMEDOUT' })));
    this.req.on('error', (err) => settle(() => reject(toDriveError(err, 'putChunk'))));
    this.req.on('response', (res: IncomingMessage) => {
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (b: Buffer) => {
        if (size < MAX_ANSWER_BYTES) parts.push(b);
        size += b.length;
      });
      res.on('error', (err) => settle(() => reject(toDriveError(err, 'putChunk'))));
      res.on('end', () =>
        settle(() => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(parts).toString('utf8');
          try {
            resolve(answerOf(status, res.headers, text));
          } catch (e) {
            reject(e);
          }
          // The body may still be unsent (an early refusal): this request is over either way.
          if (this.remainingBytes > 0) this.req.destroy();
        }),
      );
    });
  }

  /** Bytes of the declared length not written yet. */
  get remaining(): number {
    return this.remainingBytes;
  }

  /** Whether Drive's answer (or a failure) has arrived. */
  get done(): boolean {
    return this.settled;
  }

  write(chunk: Buffer, sent?: (err?: Error | null) => void): boolean {
    if (chunk.length > this.remainingBytes) throw new RangeError(`write of ${chunk.length} bytes past the declared length (${this.remainingBytes} left)`);
    this.remainingBytes -= chunk.length;
    if (this.settled || this.req.destroyed) {
      sent?.(new Error('request already ended'));
      return true;
    }
    const more = this.req.write(chunk, sent);
    if (this.remainingBytes === 0) this.req.end();
    return more;
  }

  /** Calls `listener` once the socket can take more — or the request ended, so that nobody waits forever. */
  onDrain(listener: () => void): void {
    if (this.settled || this.req.destroyed) {
      queueMicrotask(listener);
      return;
    }
    const done = () => {
      this.req.off('drain', done);
      this.req.off('close', done);
      listener();
    };
    this.req.once('drain', done);
    this.req.once('close', done);
  }

  abort(): void {
    if (!this.req.destroyed) this.req.destroy(Object.assign(new Error('aborted'), { code: 'ECONNABORTED' }));
  }
}

function answerOf(status: number, headers: IncomingMessage['headers'], text: string): ChunkResult {
  if (status === 308) {
    const match = /^bytes=0-(\d+)$/.exec(String(headers['range'] ?? ''));
    return { done: false, committed: match ? Number(match[1]) + 1 : 0 };
  }
  if (status === 200 || status === 201) {
    const file = JSON.parse(text) as { id?: string; name?: string; mimeType?: string; size?: string | number; md5Checksum?: string };
    const uploaded: DriveUploadedFile = {
      id: String(file.id),
      name: file.name ?? null,
      mimeType: file.mimeType ?? null,
      size: Number(file.size ?? 0),
      md5Checksum: file.md5Checksum ?? null,
    };
    return { done: true, file: uploaded };
  }
  throw toDriveError({ response: { status, headers, data: text } }, 'putChunk');
}
