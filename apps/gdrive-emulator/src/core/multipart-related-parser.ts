/** Receives one part's bytes as they stream in; the media part goes straight to disk. */
export interface PartSink {
  write(chunk: Buffer): Promise<void> | void;
  end(): Promise<void> | void;
}

export class MalformedMultipartError extends Error {
  constructor(detail: string) {
    super(`Malformed multipart body: ${detail}`);
  }
}

const MAX_HEADER_BYTES = 16 * 1024;
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** Reads the boundary out of `multipart/related; boundary=…` (quoted or not). */
export function boundaryFromContentType(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/related\b/i.test(contentType.trim())) return null;
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : null;
}

type ParserState = 'preamble' | 'afterBoundary' | 'headers' | 'body' | 'epilogue';

/**
 * Push parser for the `multipart/related` bodies googleapis sends for
 * `uploadType=multipart`. It holds at most one network chunk plus a delimiter's worth
 * of bytes, so a multi-GB media part streams through in constant memory.
 */
export class MultipartRelatedParser {
  private readonly delimiter: Buffer;
  // A virtual CRLF lets the first boundary match the same delimiter as the others.
  private buf: Buffer = Buffer.from(CRLF);
  private state: ParserState = 'preamble';
  private sink: PartSink | null = null;
  private parts = 0;

  constructor(
    boundary: string,
    private readonly onPart: (headers: Record<string, string>, index: number) => PartSink | Promise<PartSink>,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  async push(chunk: Buffer): Promise<void> {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    await this.step(false);
  }

  /** Call at end of body; returns the number of parts. */
  async finish(): Promise<number> {
    await this.step(true);
    if (this.state !== 'epilogue') throw new MalformedMultipartError('missing closing boundary');
    return this.parts;
  }

  private async step(final: boolean): Promise<void> {
    for (;;) {
      switch (this.state) {
        case 'preamble': {
          const idx = this.buf.indexOf(this.delimiter);
          if (idx < 0) {
            this.buf = this.buf.subarray(Math.max(0, this.buf.length - this.delimiter.length + 1));
            return;
          }
          this.buf = this.buf.subarray(idx + this.delimiter.length);
          this.state = 'afterBoundary';
          break;
        }
        case 'afterBoundary': {
          if (this.buf.length < 2) {
            if (final) throw new MalformedMultipartError('truncated after boundary');
            return;
          }
          if (this.buf[0] === 0x2d && this.buf[1] === 0x2d) {
            this.state = 'epilogue';
            break;
          }
          const eol = this.buf.indexOf(CRLF);
          if (eol < 0) {
            if (final || this.buf.length > 1024) throw new MalformedMultipartError('bad boundary line');
            return;
          }
          // RFC 2046 allows transport padding (spaces, tabs) after a boundary.
          if (!/^[ \t]*$/.test(this.buf.subarray(0, eol).toString('latin1'))) {
            throw new MalformedMultipartError('bad boundary line');
          }
          this.buf = this.buf.subarray(eol + 2);
          this.state = 'headers';
          break;
        }
        case 'headers': {
          let headers: Record<string, string>;
          if (this.buf.length >= 2 && this.buf[0] === 0x0d && this.buf[1] === 0x0a) {
            headers = {};
            this.buf = this.buf.subarray(2);
          } else {
            const end = this.buf.indexOf(HEADER_END);
            if (end < 0) {
              if (final || this.buf.length > MAX_HEADER_BYTES) throw new MalformedMultipartError('part headers');
              return;
            }
            headers = parsePartHeaders(this.buf.subarray(0, end).toString('utf8'));
            this.buf = this.buf.subarray(end + HEADER_END.length);
          }
          this.sink = await this.onPart(headers, this.parts++);
          this.state = 'body';
          break;
        }
        case 'body': {
          const sink = this.sink as PartSink;
          const idx = this.buf.indexOf(this.delimiter);
          if (idx >= 0) {
            if (idx > 0) await sink.write(this.buf.subarray(0, idx));
            await sink.end();
            this.sink = null;
            this.buf = this.buf.subarray(idx + this.delimiter.length);
            this.state = 'afterBoundary';
            break;
          }
          // Hold back what could be the start of a delimiter split across chunks.
          const keep = this.delimiter.length - 1;
          if (this.buf.length > keep) {
            await sink.write(this.buf.subarray(0, this.buf.length - keep));
            this.buf = this.buf.subarray(this.buf.length - keep);
          }
          if (final) throw new MalformedMultipartError('missing closing boundary');
          return;
        }
        case 'epilogue':
          this.buf = Buffer.alloc(0);
          return;
      }
    }
  }
}

function parsePartHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MalformedMultipartError('part header line');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}
