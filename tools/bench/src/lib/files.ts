import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { FileHandle, open } from 'node:fs/promises';

export const MiB = 1024 * 1024;

export interface SourceFile {
  path: string;
  size: number;
  /** SHA-256 of the whole file, hex. */
  sha256: string;
  /** MD5, hex (what Drive reports as md5Checksum). */
  md5: string;
}

/**
 * Writes `size` random bytes to `path` in 4 MiB pieces, hashing on the way:
 * nothing bigger than one piece is ever held in memory.
 */
export async function writeRandomFile(path: string, size: number): Promise<SourceFile> {
  const handle = await open(path, 'w');
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  const piece = Buffer.allocUnsafe(4 * MiB);
  try {
    for (let at = 0; at < size; ) {
      const n = Math.min(piece.length, size - at);
      const slice = piece.subarray(0, n);
      randomFillSync(slice);
      sha.update(slice);
      md5.update(slice);
      await handle.write(slice, 0, n, at);
      at += n;
    }
  } finally {
    await handle.close();
  }
  return { path, size, sha256: sha.digest('hex'), md5: md5.digest('hex') };
}

/** SHA-256 of bytes start..end (inclusive) of a file on disk. */
export async function sha256OfRange(path: string, start: number, end: number): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { start, end, highWaterMark: MiB })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Reads a file in fixed slices, one slice ahead: while the caller sends
 * slice n, slice n+1 is already being read. Each slice is a fresh buffer
 * (the previous one may still be queued on a socket).
 */
export class SliceReader {
  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    readonly sliceSize: number,
  ) {}

  static async open(path: string, size: number, sliceSize: number): Promise<SliceReader> {
    return new SliceReader(await open(path, 'r'), size, sliceSize);
  }

  private ahead?: { at: number; buf: Promise<Buffer> };

  /** The slice starting at `at` (the last one may be shorter). */
  async slice(at: number): Promise<Buffer> {
    const buf = this.ahead && this.ahead.at === at ? await this.ahead.buf : await this.read(at);
    const next = at + buf.length;
    this.ahead = next < this.size ? { at: next, buf: this.read(next) } : undefined;
    return buf;
  }

  private async read(at: number): Promise<Buffer> {
    const n = Math.min(this.sliceSize, this.size - at);
    const buf = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const { bytesRead } = await this.handle.read(buf, got, n - got, at + got);
      if (bytesRead === 0) throw new Error(`unexpected end of file at ${at + got}`);
      got += bytesRead;
    }
    return buf;
  }

  async close(): Promise<void> {
    await this.ahead?.buf.catch(() => undefined);
    await this.handle.close();
  }
}
