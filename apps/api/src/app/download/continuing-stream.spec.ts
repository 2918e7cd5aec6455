import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { ContinuingStream, type Source } from './continuing-stream';

const BYTES = Buffer.from('0123456789abcdefghij'); // 20 bytes

async function read(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts).toString();
}

const noSource = (position: number) => new Error(`none from ${position}`);

function continuing(
  first: Source<'a' | 'b'>,
  start: number,
  end: number,
  reopen: (position: number, failed: Array<'a' | 'b'>) => Promise<Source<'a' | 'b'> | null> = jest.fn(async () => null),
) {
  const failures: Array<[string, number]> = [];
  const stream = new ContinuingStream<'a' | 'b'>(first, start, end, reopen, (origin, position) => failures.push([origin, position]), noSource);
  return { stream, reopen, failures };
}

describe('ContinuingStream', () => {
  it('passes the chunks of its source through as they are', async () => {
    const chunks = [BYTES.subarray(0, 7), BYTES.subarray(7, 20)];
    const { stream } = continuing({ origin: 'a', stream: Readable.from(chunks) }, 0, 19);
    const got: Buffer[] = [];
    stream.on('data', (c: Buffer) => got.push(c));
    await new Promise((resolve) => stream.once('end', resolve));
    expect(got).toEqual(chunks);
    expect(got[0]?.buffer).toBe(chunks[0]?.buffer);
  });

  it('lets a source whose last chunk completes the range end by itself', async () => {
    const source = new PassThrough();
    const { stream } = continuing({ origin: 'a', stream: source }, 0, 9);
    const done = read(stream);
    source.write(BYTES.subarray(0, 10));
    expect(await done).toBe('0123456789');
    expect(source.destroyed).toBe(false);
    source.end();
    await new Promise((resolve) => source.once('close', resolve));
    expect(source.readableEnded).toBe(true);
  });

  it('closes such a source if it sends anything more', async () => {
    const source = new PassThrough();
    const { stream } = continuing({ origin: 'a', stream: source }, 0, 9);
    const done = read(stream);
    source.write(BYTES.subarray(0, 10));
    expect(await done).toBe('0123456789');
    source.write(BYTES.subarray(10, 11));
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.destroyed).toBe(true);
  });

  it('pauses its source while the reader is full, and resumes it when it reads', async () => {
    const source = new PassThrough({ highWaterMark: 1 });
    const { stream } = continuing({ origin: 'a', stream: source }, 0, 4 * 65536 - 1);
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const received: number[] = [];
    const sink = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _enc, cb) {
        received.push(chunk.length);
        if (received.length === 1) void blocked.then(() => cb());
        else cb();
      },
    });
    const done = pipeline(stream, sink);
    for (let i = 0; i < 4; i++) source.write(Buffer.alloc(65536));
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.isPaused()).toBe(true);
    release();
    await done;
    expect(received.reduce((a, b) => a + b, 0)).toBe(4 * 65536);
  });

  it('ends at once for an empty range, closing the source', async () => {
    const source = new PassThrough();
    const { stream } = continuing({ origin: 'a', stream: source }, 0, -1);
    expect(await read(stream)).toBe('');
    expect(source.destroyed).toBe(true);
  });

  it('continues on the next source from the exact next byte, excluding the failed origins', async () => {
    const first = new PassThrough();
    const reopen = jest.fn(async (position: number) => ({ origin: 'b' as const, stream: Readable.from([BYTES.subarray(position, 20)]) }));
    const { stream, failures } = continuing({ origin: 'a', stream: first }, 2, 19, reopen);
    const done = read(stream);
    first.write(BYTES.subarray(2, 6));
    await new Promise((resolve) => setImmediate(resolve));
    first.destroy(new Error('cut'));
    expect(await done).toBe(BYTES.subarray(2).toString());
    expect(reopen).toHaveBeenCalledWith(6, ['a']);
    expect(failures).toEqual([['a', 6]]);
  });

  it('fails with the caller\'s error when no source can continue', async () => {
    const { stream } = continuing({ origin: 'a', stream: Readable.from([BYTES.subarray(0, 3)]) }, 0, 19);
    await expect(read(stream)).rejects.toThrow('none from 3');
  });

  it('fails when looking for the next source fails', async () => {
    const reopen = jest.fn(async (): Promise<Source<'a' | 'b'> | null> => {
      throw new Error('lookup failed');
    });
    const { stream } = continuing({ origin: 'a', stream: Readable.from([BYTES.subarray(0, 3)]) }, 0, 19, reopen);
    await expect(read(stream)).rejects.toThrow('lookup failed');
  });

  it('closes its source when the reader goes away, and a source opened too late', async () => {
    const first = new PassThrough();
    const { stream } = continuing({ origin: 'a', stream: first }, 0, 19);
    stream.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(first.destroyed).toBe(true);

    let answer!: (s: Source<'a' | 'b'>) => void;
    const late = new PassThrough();
    const pending = new PassThrough();
    const reopen = jest.fn(() => new Promise<Source<'a' | 'b'> | null>((resolve) => (answer = resolve)));
    const { stream: second } = continuing({ origin: 'a', stream: pending }, 0, 19, reopen);
    second.on('error', () => undefined);
    second.resume();
    pending.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(reopen).toHaveBeenCalled();
    second.destroy();
    answer({ origin: 'b', stream: late });
    await new Promise((resolve) => setImmediate(resolve));
    expect(late.destroyed).toBe(true);
  });
});
