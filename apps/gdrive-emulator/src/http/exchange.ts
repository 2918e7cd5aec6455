import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GoogleApiError } from '../core/google-error';

/** The connection was cut on purpose (a drop fault); nothing can be answered. */
export class ConnectionDroppedError extends Error {
  constructor() {
    super('connection dropped by fault injection');
  }
}

export class BodyTooLargeError extends Error {}

/**
 * One request/response pair with the bookkeeping every route needs: body bytes in and out
 * (for stats), and the cut points that drop faults set. Request bodies are consumed through
 * `pumpBody` only, so a handler error never tears the connection down mid-body.
 */
export class Exchange {
  readonly url: URL;
  bytesIn = 0;
  bytesOut = 0;
  /** Set when this exchange ended without a complete response (drop fault or abort). */
  dropped = false;
  /** Holds each request-body chunk back as long as it takes on a slow link (network profile). */
  paceIn: ((bytes: number) => Promise<void>) | null = null;
  private bodyTaken = false;
  private dropRequestAfter: number | null = null;
  private dropResponseAfter: number | null = null;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly baseUrl: string,
  ) {
    this.url = new URL(req.url ?? '/', 'http://emulator.invalid');
    this.guardResponse();
  }

  get method(): string {
    return (this.req.method ?? 'GET').toUpperCase();
  }

  header(name: string): string | undefined {
    const value = this.req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  }

  query(name: string): string | null {
    return this.url.searchParams.get(name);
  }

  get hasBody(): boolean {
    const length = this.header('content-length');
    return Boolean(this.header('transfer-encoding')) || (length !== undefined && length !== '0');
  }

  get bodyConsumed(): boolean {
    return this.bodyTaken;
  }

  cutRequestAfter(bytes: number): void {
    this.dropRequestAfter = bytes;
  }

  cutResponseAfter(bytes: number): void {
    this.dropResponseAfter = bytes;
  }

  /**
   * Feeds the request body to `onChunk` as it arrives. If `onChunk` throws, the rest is
   * drained (so the client can read the answer) and the first error is rethrown. A drop
   * fault cuts the socket after its byte budget and throws ConnectionDroppedError; a
   * client abort rethrows Node's error. A body that fully arrives under an armed
   * drop-request fault loses its answer instead (the "committed but unacknowledged" case).
   */
  async pumpBody(onChunk: (chunk: Buffer) => void | Promise<void>): Promise<void> {
    if (this.bodyTaken) throw new Error('request body already consumed');
    this.bodyTaken = true;
    let failure: unknown = null;
    const deliver = async (chunk: Buffer): Promise<void> => {
      if (failure !== null || chunk.length === 0) return;
      try {
        await onChunk(chunk);
      } catch (err) {
        failure = err;
      }
    };
    for await (const raw of this.req) {
      const chunk = raw as Buffer;
      // Not reading meanwhile lets TCP push back on the sender, as a slow link would.
      if (this.paceIn) await this.paceIn(chunk.length);
      if (this.dropRequestAfter !== null && this.bytesIn + chunk.length > this.dropRequestAfter) {
        const part = chunk.subarray(0, this.dropRequestAfter - this.bytesIn);
        this.bytesIn += part.length;
        await deliver(part);
        this.dropConnection();
        throw new ConnectionDroppedError();
      }
      this.bytesIn += chunk.length;
      await deliver(chunk);
    }
    if (this.dropRequestAfter !== null) this.dropResponseAfter = 0;
    if (failure !== null) throw failure;
  }

  async readBody(limit: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    await this.pumpBody((chunk) => {
      size += chunk.length;
      if (size > limit) throw new BodyTooLargeError(`request body larger than ${limit} bytes`);
      chunks.push(chunk);
    });
    return Buffer.concat(chunks);
  }

  /** Reads and discards whatever body is left, so an early answer reaches the client. */
  async drain(): Promise<void> {
    if (this.bodyTaken) return;
    await this.pumpBody(() => undefined);
  }

  sendJson(status: number, body: unknown, headers: Record<string, string> = {}): void {
    const payload = Buffer.from(JSON.stringify(body, null, 1));
    this.res.writeHead(status, {
      'Content-Type': 'application/json; charset=UTF-8',
      'Content-Length': String(payload.length),
      ...headers,
    });
    this.res.end(payload);
  }

  sendEmpty(status: number, headers: Record<string, string> = {}): void {
    this.res.writeHead(status, { 'Content-Length': '0', ...headers });
    this.res.end();
  }

  sendText(status: number, text: string, contentType = 'text/plain; charset=UTF-8'): void {
    const payload = Buffer.from(text);
    this.res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(payload.length) });
    this.res.end(payload);
  }

  sendGoogleError(err: GoogleApiError): void {
    if (err.bodyShape === 'empty') return this.sendEmpty(err.status, err.headers);
    if (err.bodyShape === 'html') {
      const payload = Buffer.from(frontEndErrorPage(err.status));
      this.res.writeHead(err.status, { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': String(payload.length), ...err.headers });
      this.res.end(payload);
      return;
    }
    this.sendJson(err.status, err.toBody(), err.headers);
  }

  /** Cuts the TCP connection once everything already written has been flushed. */
  dropConnection(): void {
    this.dropped = true;
    const socket = this.req.socket;
    if (socket.destroyed) return;
    if (socket.writableLength === 0) socket.destroy();
    else socket.write(Buffer.alloc(0), () => socket.destroy());
  }

  /** Counts response body bytes and applies the drop-response cut, whatever writes them. */
  private guardResponse(): void {
    const res = this.res as unknown as {
      write: (chunk: unknown, ...rest: unknown[]) => boolean;
      end: (...args: unknown[]) => unknown;
    };
    const originalWrite = res.write.bind(this.res);
    const originalEnd = res.end.bind(this.res);

    /** Writes what the cut allows; `cut` = nothing more may be written. */
    const pass = (chunk: unknown, encoding: unknown): { cut: boolean; ok: boolean } => {
      if (this.dropped) return { cut: true, ok: false };
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return { cut: false, ok: true };
      const buf = Buffer.isBuffer(chunk)
        ? chunk
        : typeof chunk === 'string'
          ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
          : Buffer.from(chunk as Uint8Array);
      if (this.dropResponseAfter !== null && this.bytesOut + buf.length > this.dropResponseAfter) {
        const allowed = Math.max(0, this.dropResponseAfter - this.bytesOut);
        this.bytesOut += allowed;
        this.dropped = true;
        this.res.flushHeaders();
        if (allowed > 0) originalWrite(buf.subarray(0, allowed));
        // Let the allowed bytes leave before the cut, then make the cut visible as a reset.
        setImmediate(() => this.dropConnection());
        return { cut: true, ok: false };
      }
      this.bytesOut += buf.length;
      return { cut: false, ok: originalWrite(buf) };
    };

    res.write = (chunk: unknown, ...rest: unknown[]): boolean => {
      const { cut, ok } = pass(chunk, rest[0]);
      if (cut) return false;
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      if (callback) process.nextTick(callback);
      return ok;
    };
    res.end = (...args: unknown[]): unknown => {
      const [chunk, encoding] = typeof args[0] === 'function' ? [undefined, undefined] : args;
      if (pass(chunk, encoding).cut) return this.res;
      if (this.dropResponseAfter === 0 && this.bytesOut === 0) {
        // An empty answer under a zero budget is lost entirely: not even headers leave.
        this.dropConnection();
        return this.res;
      }
      return originalEnd();
    };
  }
}

/** The page Google's front end answers with when a 5xx happens before the API is reached. */
function frontEndErrorPage(status: number): string {
  return (
    `<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <title>Error ${status} (Server Error)!!1</title>\n` +
    `  <p><b>${status}.</b> <ins>That\u2019s an error.</ins>\n` +
    `  <p>The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds.  <ins>That\u2019s all we know.</ins>\n`
  );
}
