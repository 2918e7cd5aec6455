import { UploadServerMessage } from '@ddx/contracts';

import { ResumableUpload, SocketLike, SocketUrlRefused, UploadClock, UploadSource } from './resumable-upload';

const CHUNK = 1024;

/** A WebSocket the test plays the server for. */
class FakeSocket implements SocketLike {
  binaryType: BinaryType = 'blob';
  readyState = 1;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  bufferedAmount = 0;
  readonly frames: Uint8Array[] = [];
  readonly texts: string[] = [];
  closedByClient: number | undefined;

  constructor(readonly url: string) {}

  send(data: string | ArrayBuffer): void {
    if (this.readyState !== 1) throw new Error('send on a closed socket');
    if (typeof data === 'string') this.texts.push(data);
    else this.frames.push(new Uint8Array(data));
  }

  close(code?: number): void {
    this.closedByClient = code;
    this.readyState = 3;
  }

  say(msg: UploadServerMessage): void {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }

  drop(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }

  /** Sends `error` then closes, as the server does. */
  fail(code: string, closeCode: number, value = `server says ${code}`): void {
    this.say({ type: 'error', code, value });
    this.drop(closeCode);
  }
}

class FakeClock implements UploadClock {
  t = 0;
  timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 0;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.nextId;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (h: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== h);
  };
  /** Runs the next timer; returns the delay it had. */
  runNext(): number {
    this.timers.sort((a, b) => a.at - b.at);
    const next = this.timers.shift();
    if (!next) throw new Error('no timer pending');
    const waited = next.at - this.t;
    this.t = next.at;
    next.fn();
    return waited;
  }
}

function source(size: number): UploadSource & { bytes: Uint8Array; reads: Array<[number, number]> } {
  const bytes = new Uint8Array(size).map((_, i) => (i * 7 + 3) % 251);
  const reads: Array<[number, number]> = [];
  return {
    size,
    bytes,
    reads,
    slice(start: number, end: number) {
      reads.push([start, end]);
      return { arrayBuffer: async () => bytes.slice(start, end).buffer };
    },
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(size: number, opts: { maxAttempts?: number; stallMs?: number; online?: () => boolean; socketUrl?: () => string | Promise<string> } = {}) {
  const sockets: FakeSocket[] = [];
  let tickets = 0;
  const clock = new FakeClock();
  const file = source(size);
  const cancelRemote = jest.fn(async () => undefined);
  const upload = new ResumableUpload({
    // Each connection takes a new ticket, as the upload queue does.
    socketUrl: opts.socketUrl ?? (() => `ws://host/ws_api/upload/f1?ticket=t${++tickets}`),
    source: file,
    chunkSize: CHUNK,
    socketFactory: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    cancelRemote,
    clock,
    random: () => 0.5, // no jitter
    backoff: { baseMs: 1000, maxMs: 8000, maxAttempts: opts.maxAttempts ?? 5 },
    stallMs: opts.stallMs ?? 0,
    isOnline: opts.online,
  });
  const last = () => sockets[sockets.length - 1] as FakeSocket;
  /** Plays storage committing every frame received so far, one progress per frame. */
  const commitAll = async (s: FakeSocket, from: number) => {
    let offset = from;
    for (let i = 0; i < 100 && offset < size; i++) {
      await flush();
      const sentUpTo = from + s.frames.reduce((n, f) => n + f.length, 0);
      if (sentUpTo <= offset) break;
      offset = Math.min(offset + CHUNK, sentUpTo);
      s.say({ type: 'progress', value: Math.floor((offset / size) * 100), offset });
    }
    await flush();
    return offset;
  };
  return { upload, sockets, last, clock, file, cancelRemote, commitAll };
}

const concat = (frames: Uint8Array[]) => {
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
};

describe('ResumableUpload (upload protocol client)', () => {
  it('sends chunk_size frames from the ready offset and completes on success', async () => {
    const { upload, last, file, commitAll } = setup(3 * CHUNK + 100);
    upload.start();
    const ws = last();
    expect(ws.url).toBe('ws://host/ws_api/upload/f1?ticket=t1');
    expect(ws.binaryType).toBe('arraybuffer');
    ws.say({ type: 'ready', offset: 0, chunk_size: CHUNK, size: file.size });
    const committed = await commitAll(ws, 0);
    expect(committed).toBe(file.size);
    expect(ws.frames.map((f) => f.length)).toEqual([CHUNK, CHUNK, CHUNK, 100]);
    expect(concat(ws.frames)).toEqual(file.bytes);
    // Read one chunk at a time with slice(), never the whole file.
    expect(file.reads).toEqual([
      [0, CHUNK],
      [CHUNK, 2 * CHUNK],
      [2 * CHUNK, 3 * CHUNK],
      [3 * CHUNK, 3 * CHUNK + 100],
    ]);
    ws.say({ type: 'success', value: '/api/v1/download/stream/f1', file_id: 'f1' });
    ws.drop(1000);
    await expect(upload.done).resolves.toMatchObject({ phase: 'completed', percent: 100 });
  });

  it('keeps at most 2 frames beyond the last progress offset', async () => {
    const { upload, last } = setup(10 * CHUNK);
    upload.start();
    const ws = last();
    ws.say({ type: 'ready', offset: 0, chunk_size: CHUNK, size: 10 * CHUNK });
    await flush();
    await flush();
    expect(ws.frames).toHaveLength(2);
    expect(upload.inFlightBytes).toBe(2 * CHUNK);
    await flush();
    expect(ws.frames).toHaveLength(2); // still waiting for storage

    ws.say({ type: 'progress', value: 10, offset: CHUNK });
    await flush();
    await flush();
    expect(ws.frames).toHaveLength(3);
    expect(upload.inFlightBytes).toBe(2 * CHUNK);

    // A progress that does not move the offset releases nothing.
    ws.say({ type: 'progress', value: 10, offset: CHUNK });
    await flush();
    expect(ws.frames).toHaveLength(3);
    expect(upload.state()).toMatchObject({ phase: 'uploading', committed: CHUNK, percent: 10 });
  });

  it('after a dropped connection reconnects with backoff and resumes from the server ready offset', async () => {
    const size = 6 * CHUNK + 10;
    const { upload, sockets, last, clock, file, commitAll } = setup(size);
    upload.start();
    const first = last();
    first.say({ type: 'ready', offset: 0, chunk_size: CHUNK, size });
    await flush();
    await flush();
    first.say({ type: 'progress', value: 16, offset: CHUNK });
    await flush();
    await flush();
    expect(first.frames).toHaveLength(3); // bytes 0..3 CHUNK sent, only 1 CHUNK committed

    first.drop(1006); // network gone
    expect(upload.state().phase).toBe('reconnecting');
    expect(upload.state().message).toMatch(/Connection lost — reconnecting in 1 s/);
    expect(clock.runNext()).toBe(1000);
    expect(sockets).toHaveLength(2);

    // Still offline: the next attempt fails too and waits longer.
    last().drop(1006);
    expect(clock.runNext()).toBe(2000);
    const second = last();
    // Same upload, new ticket: a ticket works once.
    expect(second.url).toMatch(/^ws:\/\/host\/ws_api\/upload\/f1\?ticket=t\d+$/);
    expect(second.url).not.toBe(first.url);

    // Storage had committed 2 CHUNKs (one more than the last progress we saw).
    second.say({ type: 'ready', offset: 2 * CHUNK, chunk_size: CHUNK, size });
    expect(upload.state()).toMatchObject({ phase: 'uploading', committed: 2 * CHUNK, resumedFrom: 2 * CHUNK });
    expect(upload.state().message).toMatch(/resumed at 33 %/);
    await commitAll(second, 2 * CHUNK);
    // The new socket starts exactly at the ready offset, and sends the rest once.
    expect(concat(second.frames)).toEqual(file.bytes.slice(2 * CHUNK));
    second.say({ type: 'success', value: '/api/v1/download/stream/f1', file_id: 'f1' });
    await expect(upload.done).resolves.toMatchObject({ phase: 'completed' });
  });

  it('resumes after a 1011 storage error, and after UPLOAD_IN_PROGRESS while the old socket lets go', async () => {
    const { upload, last, clock } = setup(4 * CHUNK);
    upload.start();
    last().say({ type: 'ready', offset: 0, chunk_size: CHUNK, size: 4 * CHUNK });
    last().fail('STORAGE_ERROR', 1011, 'Storage is not answering right now; reconnect to resume the upload.');
    expect(upload.state()).toMatchObject({ phase: 'reconnecting' });
    expect(upload.state().message).toMatch(/storage service is not answering/);
    clock.runNext();
    last().fail('UPLOAD_IN_PROGRESS', 1008, 'This file is already being uploaded from another connection.');
    expect(upload.state()).toMatchObject({ phase: 'reconnecting' });
    expect(upload.state().message).toMatch(/previous connection/);
    clock.runNext();
    last().say({ type: 'ready', offset: CHUNK, chunk_size: CHUNK, size: 4 * CHUNK });
    expect(upload.state()).toMatchObject({ phase: 'uploading', committed: CHUNK });
  });

  it.each([
    ['BAD_CHUNK', 'Expected a frame of 1024 bytes starting at byte 0, got 3.'],
    ['UPLOAD_TOKEN_INVALID', 'This upload link is not valid.'],
    ['SESSION_EXPIRED', 'This upload session has expired. Please start the upload again.'],
    ['UPLOAD_NOT_ACTIVE', 'This upload is no longer active.'],
  ])('gives up on 1008 %s with the server message and does not reconnect', async (code, message) => {
    const { upload, sockets, last, clock } = setup(2 * CHUNK);
    upload.start();
    last().fail(code, 1008, message);
    await expect(upload.done).resolves.toMatchObject({ phase: 'failed', errorCode: code, message, canRetry: false });
    expect(clock.timers).toHaveLength(0);
    expect(sockets).toHaveLength(1);
  });

  it('takes a new ticket for every connection, and reconnects when a ticket was refused on the way', () => {
    const { upload, sockets, last, clock } = setup(4 * CHUNK);
    upload.start();
    last().say({ type: 'ready', offset: 0, chunk_size: CHUNK, size: 4 * CHUNK });
    last().drop(1006);
    clock.runNext();
    last().fail('WS_TICKET_INVALID', 1008, 'This connection ticket is not valid.');
    expect(upload.state()).toMatchObject({ phase: 'reconnecting' });
    clock.runNext();
    expect(sockets.map((s) => s.url)).toEqual(['ws://host/ws_api/upload/f1?ticket=t1', 'ws://host/ws_api/upload/f1?ticket=t2', 'ws://host/ws_api/upload/f1?ticket=t3']);
  });

  it('gives up with the server message when the ticket is refused for good, without opening a socket', async () => {
    const { upload, sockets, clock } = setup(2 * CHUNK, {
      socketUrl: () => Promise.reject(new SocketUrlRefused('ACCOUNT_BANNED', 'This account has been banned.')),
    });
    upload.start();
    await expect(upload.done).resolves.toMatchObject({ phase: 'failed', errorCode: 'ACCOUNT_BANNED', message: 'This account has been banned.', canRetry: false });
    expect(sockets).toHaveLength(0);
    expect(clock.timers).toHaveLength(0);
  });

  it('retries when the ticket cannot be had for now (network, 5xx)', async () => {
    let calls = 0;
    const { upload, sockets, clock } = setup(2 * CHUNK, {
      socketUrl: () => (++calls === 1 ? Promise.reject(new Error('offline')) : Promise.resolve('ws://host/ws_api/upload/f1?ticket=later')),
    });
    upload.start();
    await flush();
    expect(upload.state().phase).toBe('reconnecting');
    expect(sockets).toHaveLength(0);
    clock.runNext();
    await flush();
    expect(sockets.map((s) => s.url)).toEqual(['ws://host/ws_api/upload/f1?ticket=later']);
  });

  it('opens no socket when cancelled while the ticket is on its way', async () => {
    let answer: (url: string) => void = () => undefined;
    const { upload, sockets } = setup(2 * CHUNK, { socketUrl: () => new Promise<string>((r) => (answer = r)) });
    upload.start();
    await upload.cancel();
    answer('ws://host/ws_api/upload/f1?ticket=late');
    await flush();
    expect(sockets).toHaveLength(0);
    expect(upload.state().phase).toBe('cancelled');
  });

  it('ends as failed when a ban closes the socket', async () => {
    const { upload, sockets, last } = setup(4 * CHUNK);
    upload.start();
    last().say({ type: 'ready', offset: 0, chunk_size: CHUNK, size: 4 * CHUNK });
    last().fail('ACCOUNT_BANNED', 1008, 'This account has been banned.');
    await expect(upload.done).resolves.toMatchObject({ phase: 'failed', errorCode: 'ACCOUNT_BANNED', canRetry: false });
    expect(sockets).toHaveLength(1);
  });

  it('explains a storage failure that ended the upload instead of the later UPLOAD_NOT_ACTIVE', async () => {
    const { upload, last, clock } = setup(2 * CHUNK);
    upload.start();
    last().say({ type: 'ready', offset: 0, chunk_size: CHUNK, size: 2 * CHUNK });
    last().fail('STORAGE_ERROR', 1011, 'Storage refused the upload.');
    clock.runNext();
    last().fail('UPLOAD_NOT_ACTIVE', 1008, 'This upload is no longer active.');
    await expect(upload.done).resolves.toMatchObject({ phase: 'failed', errorCode: 'STORAGE_ERROR', message: 'Storage refused the upload.' });
  });

  it('ends as failed on NO_STORAGE_AVAILABLE (1011) without retrying', async () => {
    const { upload, last, clock } = setup(2 * CHUNK);
    upload.start();
    last().fail('NO_STORAGE_AVAILABLE', 1011, 'No storage is available for this file right now.');
    await expect(upload.done).resolves.toMatchObject({ phase: 'failed', errorCode: 'NO_STORAGE_AVAILABLE' });
    expect(clock.timers).toHaveLength(0);
  });

  it('stops after maxAttempts failed reconnections, offering Retry, which resumes', async () => {
    const { upload, sockets, last, clock } = setup(2 * CHUNK, { maxAttempts: 3 });
    upload.start();
    last().say({ type: 'ready', offset: 0, chunk_size: CHUNK, size: 2 * CHUNK });
    last().drop(1006);
    const delays = [];
    for (let i = 0; i < 3; i++) {
      delays.push(clock.runNext());
      last().drop(1006);
    }
    expect(delays).toEqual([1000, 2000, 4000]);
    expect(upload.state()).toMatchObject({ phase: 'failed', canRetry: true });
    expect(upload.state().message).toMatch(/Press Retry/);
    expect(clock.timers).toHaveLength(0);

    upload.retryNow();
    expect(sockets).toHaveLength(5);
    last().say({ type: 'ready', offset: CHUNK, chunk_size: CHUNK, size: 2 * CHUNK });
    expect(upload.state()).toMatchObject({ phase: 'uploading', committed: CHUNK, errorCode: null });
  });

  it('cancel sends the cancel message, calls the HTTP cancel and ignores the server afterwards', async () => {
    const { upload, last, cancelRemote, clock } = setup(4 * CHUNK);
    upload.start();
    const ws = last();
    ws.say({ type: 'ready', offset: 0, chunk_size: CHUNK, size: 4 * CHUNK });
    await flush();
    await upload.cancel();
    expect(ws.texts).toEqual([JSON.stringify({ type: 'cancel' })]);
    expect(cancelRemote).toHaveBeenCalledTimes(1);
    expect(ws.closedByClient).toBe(1000);
    // What the old socket says afterwards changes nothing.
    ws.say({ type: 'progress', value: 50, offset: 2 * CHUNK });
    ws.fail('CANCELLED', 1000);
    await expect(upload.done).resolves.toMatchObject({ phase: 'cancelled' });
    expect(upload.state().committed).toBe(0);
    expect(clock.timers).toHaveLength(0);
  });

  it('cancel while waiting to reconnect stops the reconnection', async () => {
    const { upload, sockets, last, clock, cancelRemote } = setup(4 * CHUNK);
    upload.start();
    last().drop(1006);
    expect(clock.timers).toHaveLength(1);
    await upload.cancel();
    expect(clock.timers).toHaveLength(0);
    expect(cancelRemote).toHaveBeenCalled();
    expect(sockets).toHaveLength(1);
    expect(upload.state().phase).toBe('cancelled');
  });

  it('a frame read for a socket that died is not sent on the next one', async () => {
    const { upload, last, clock } = setup(4 * CHUNK);
    upload.start();
    const first = last();
    first.say({ type: 'ready', offset: 0, chunk_size: CHUNK, size: 4 * CHUNK });
    first.drop(1006); // before the pending file reads resolve
    clock.runNext();
    const second = last();
    await flush();
    expect(first.frames).toHaveLength(0);
    expect(second.frames).toHaveLength(0); // nothing until the new ready
    second.say({ type: 'ready', offset: 0, chunk_size: CHUNK, size: 4 * CHUNK });
    await flush();
    await flush();
    expect(second.frames.map((f) => f.length)).toEqual([CHUNK, CHUNK]);
  });

  it('reports speed and time left from committed offsets', async () => {
    const { upload, last, clock } = setup(10 * CHUNK);
    upload.start();
    const ws = last();
    ws.say({ type: 'ready', offset: 0, chunk_size: CHUNK, size: 10 * CHUNK });
    clock.t += 1000;
    ws.say({ type: 'progress', value: 10, offset: CHUNK });
    clock.t += 1000;
    ws.say({ type: 'progress', value: 20, offset: 2 * CHUNK });
    expect(upload.state().bytesPerSecond).toBe(CHUNK);
    expect(upload.state().secondsLeft).toBe(8);
  });

  it('when the browser goes offline it drops the socket at once, waits for the network without giving up, and resumes', async () => {
    let online = true;
    const { upload, sockets, last, clock } = setup(4 * CHUNK, { maxAttempts: 2, online: () => online });
    upload.start();
    const first = last();
    first.say({ type: 'ready', offset: 0, chunk_size: CHUNK, size: 4 * CHUNK });
    await flush();
    online = false;
    upload.connectionLost(); // the window's offline event
    expect(first.closedByClient).toBe(4000);
    expect(upload.state()).toMatchObject({ phase: 'reconnecting' });
    expect(upload.state().message).toMatch(/You are offline/);
    // Attempts while offline fail, but do not use up the allowed attempts.
    for (let i = 0; i < 5; i++) {
      clock.runNext();
      last().drop(1006);
    }
    expect(upload.state()).toMatchObject({ phase: 'reconnecting', canRetry: false });
    // Frames the dead socket still "sent" later are ignored.
    first.say({ type: 'progress', value: 25, offset: CHUNK });
    expect(upload.state().committed).toBe(0);

    online = true;
    upload.retryNow(); // the window's online event
    expect(sockets).toHaveLength(7);
    last().say({ type: 'ready', offset: CHUNK, chunk_size: CHUNK, size: 4 * CHUNK });
    expect(upload.state()).toMatchObject({ phase: 'uploading', committed: CHUNK, resumedFrom: CHUNK });
  });

  it('treats a socket that went silent (no message, nothing leaving the buffer) as lost', async () => {
    const { upload, sockets, last, clock } = setup(4 * CHUNK, { stallMs: 20_000 });
    upload.start();
    const ws = last();
    ws.say({ type: 'ready', offset: 0, chunk_size: CHUNK, size: 4 * CHUNK });
    await flush();
    await flush();
    ws.bufferedAmount = 2 * CHUNK;
    // Bytes still leaving the buffer: slow, not dead.
    clock.runNext();
    ws.bufferedAmount = CHUNK;
    clock.runNext();
    clock.runNext();
    clock.runNext();
    expect(sockets).toHaveLength(1);
    // Then nothing at all for stallMs.
    const before = clock.t;
    while (ws.closedByClient === undefined && clock.t - before < 60_000) clock.runNext();
    expect(clock.t).toBe(30_000); // 20 s after the buffer last moved (at 10 s)
    expect(ws.closedByClient).toBe(4000);
    expect(upload.state().phase).toBe('reconnecting');
    clock.runNext();
    expect(sockets).toHaveLength(2);
  });
});
