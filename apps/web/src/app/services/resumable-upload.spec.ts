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
  /** Texts and frames in the order they were sent. */
  readonly sent: Array<string | Uint8Array> = [];
  closedByClient: number | undefined;

  constructor(readonly url: string) {}

  send(data: string | ArrayBuffer): void {
    if (this.readyState !== 1) throw new Error('send on a closed socket');
    const item = typeof data === 'string' ? data : new Uint8Array(data);
    if (typeof item === 'string') this.texts.push(item);
    else this.frames.push(item);
    this.sent.push(item);
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

/** A file; with `gated`, each read waits until the test calls `release()` (a slow disk). */
function source(size: number, gated = false): UploadSource & { bytes: Uint8Array; reads: Array<[number, number]>; release(): Promise<void> } {
  const bytes = new Uint8Array(size).map((_, i) => (i * 7 + 3) % 251);
  const reads: Array<[number, number]> = [];
  let waiting: Array<() => void> = [];
  return {
    size,
    bytes,
    reads,
    slice(start: number, end: number) {
      reads.push([start, end]);
      return {
        arrayBuffer: async () => {
          if (gated) await new Promise<void>((r) => waiting.push(r));
          return bytes.slice(start, end).buffer;
        },
      };
    },
    /** Lets the pending reads finish, and waits for what the client does next. */
    async release() {
      const now = waiting;
      waiting = [];
      now.forEach((r) => r());
      await flush();
    },
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(
  size: number,
  opts: { maxAttempts?: number; stallMs?: number; online?: () => boolean; socketUrl?: () => string | Promise<string>; gatedReads?: boolean } = {},
) {
  const sockets: FakeSocket[] = [];
  let tickets = 0;
  const clock = new FakeClock();
  const file = source(size, opts.gatedReads);
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
  /**
   * Plays the server passing on every frame sent since `from` (counting the frames
   * after the first `skip`), one `received` per frame, then Drive's one `progress`.
   */
  const receiveAll = async (s: FakeSocket, from: number, skip = 0) => {
    let offset = from;
    for (let i = 0; i < 100 && offset < size; i++) {
      await flush();
      const sentUpTo = from + s.frames.slice(skip).reduce((n, f) => n + f.length, 0);
      if (sentUpTo <= offset) break;
      offset = Math.min(offset + CHUNK, sentUpTo);
      s.say({ type: 'received', offset });
    }
    s.say({ type: 'progress', value: Math.floor((offset / size) * 100), offset });
    await flush();
    return offset;
  };
  return { upload, sockets, last, clock, file, cancelRemote, receiveAll };
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
    const { upload, last, file, receiveAll } = setup(3 * CHUNK + 100);
    upload.start();
    const ws = last();
    expect(ws.url).toBe('ws://host/ws_api/upload/f1?ticket=t1');
    expect(ws.binaryType).toBe('arraybuffer');
    ws.say({ type: 'ready', offset: 0, chunk_size: CHUNK, size: file.size });
    const received = await receiveAll(ws, 0);
    expect(received).toBe(file.size);
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

  it('keeps at most 2 frames beyond the last received offset', async () => {
    const { upload, last } = setup(10 * CHUNK);
    upload.start();
    const ws = last();
    ws.say({ type: 'ready', offset: 0, chunk_size: CHUNK, size: 10 * CHUNK });
    await flush();
    await flush();
    expect(ws.frames).toHaveLength(2);
    expect(upload.inFlightBytes).toBe(2 * CHUNK);
    await flush();
    expect(ws.frames).toHaveLength(2); // still waiting for the server to pass bytes on

    ws.say({ type: 'received', offset: CHUNK });
    await flush();
    await flush();
    expect(ws.frames).toHaveLength(3);
    expect(upload.inFlightBytes).toBe(2 * CHUNK);

    // A received that does not move the offset releases nothing.
    ws.say({ type: 'received', offset: CHUNK });
    await flush();
    expect(ws.frames).toHaveLength(3);
    // The bar follows what the server received; Drive has stored nothing yet.
    expect(upload.state()).toMatchObject({ phase: 'uploading', received: CHUNK, committed: 0, percent: 10 });
  });

  it('progress alone does not open the window (it moves once per Drive request)', async () => {
    const { upload, last } = setup(10 * CHUNK);
    upload.start();
    const ws = last();
    ws.say({ type: 'ready', offset: 0, chunk_size: CHUNK, size: 10 * CHUNK });
    await flush();
    await flush();
    expect(ws.frames).toHaveLength(2);
    ws.say({ type: 'progress', value: 20, offset: 2 * CHUNK });
    await flush();
    await flush();
    expect(ws.frames).toHaveLength(2);
    expect(upload.state()).toMatchObject({ committed: 2 * CHUNK, received: 0, percent: 0 });
    // The window counts from received, not from the larger progress offset.
    ws.say({ type: 'received', offset: CHUNK });
    await flush();
    await flush();
    expect(ws.frames).toHaveLength(3);
  });

  it('on rewind sends resume before any new frame, then frames from its offset; a frame read meanwhile is not sent', async () => {
    const size = 5 * CHUNK + 7;
    const { upload, last, file, receiveAll } = setup(size, { gatedReads: true });
    upload.start();
    const ws = last();
    ws.say({ type: 'ready', offset: 0, chunk_size: CHUNK, size });
    await file.release();
    await file.release();
    expect(ws.frames).toHaveLength(2);
    ws.say({ type: 'received', offset: CHUNK });
    await flush();
    expect(file.reads.at(-1)).toEqual([2 * CHUNK, 3 * CHUNK]); // being read

    ws.say({ type: 'rewind', offset: CHUNK, reason: 'STORAGE_RETRY' });
    expect(ws.sent.at(-1)).toBe(JSON.stringify({ type: 'resume', offset: CHUNK }));
    await file.release(); // the read of 2..3 CHUNK finishes after the rewind
    await file.release();
    await file.release();
    const afterRewind = ws.sent.slice(3);
    // Frames 1..3 CHUNK, counted from the rewind offset: the stale 2..3 read was dropped.
    expect(afterRewind.map((f) => (typeof f === 'string' ? f : f.length))).toEqual([CHUNK, CHUNK]);
    expect(concat(afterRewind as Uint8Array[])).toEqual(file.bytes.slice(CHUNK, 3 * CHUNK));

    // The rest arrives in order with the last frame shorter, and the loop did not stall.
    const pending = (async () => {
      for (let i = 0; i < 20; i++) await file.release();
    })();
    await receiveAll(ws, CHUNK, 2);
    await pending;
    expect(concat(ws.frames.slice(2))).toEqual(file.bytes.slice(CHUNK));
    expect(ws.frames.at(-1)).toHaveLength(7);
    expect(ws.texts).toEqual([JSON.stringify({ type: 'resume', offset: CHUNK })]);
  });

  it('a rewind while the window is full sends resume, then frames from its offset; the bar steps back', async () => {
    const size = 10 * CHUNK;
    const { upload, last, file } = setup(size);
    upload.start();
    const ws = last();
    ws.say({ type: 'ready', offset: 0, chunk_size: CHUNK, size });
    for (const offset of [CHUNK, 2 * CHUNK, 3 * CHUNK]) {
      ws.say({ type: 'received', offset });
      await flush();
      await flush();
    }
    ws.say({ type: 'progress', value: 20, offset: 2 * CHUNK });
    expect(ws.frames).toHaveLength(5);
    expect(upload.state()).toMatchObject({ received: 3 * CHUNK, percent: 30, committed: 2 * CHUNK });

    // Drive forgot the session: everything starts again from 0.
    ws.say({ type: 'rewind', offset: 0, reason: 'SESSION_RESTARTED' });
    expect(upload.state()).toMatchObject({ phase: 'uploading', received: 0, percent: 0, committed: 0 });
    await flush();
    await flush();
    const afterRewind = ws.sent.slice(5);
    expect(afterRewind[0]).toBe(JSON.stringify({ type: 'resume', offset: 0 }));
    expect(concat(afterRewind.slice(1) as Uint8Array[])).toEqual(file.bytes.slice(0, 2 * CHUNK));
    ws.say({ type: 'received', offset: CHUNK });
    expect(upload.state()).toMatchObject({ received: CHUNK, percent: 10 });
  });

  it('after a dropped connection reconnects with backoff and resumes from the server ready offset', async () => {
    const size = 6 * CHUNK + 10;
    const { upload, sockets, last, clock, file, receiveAll } = setup(size);
    upload.start();
    const first = last();
    first.say({ type: 'ready', offset: 0, chunk_size: CHUNK, size });
    await flush();
    await flush();
    first.say({ type: 'received', offset: CHUNK });
    await flush();
    await flush();
    expect(first.frames).toHaveLength(3); // bytes 0..3 CHUNK sent, only 1 CHUNK received

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

    // The server resumes from 2 CHUNKs (one more than the last received we saw).
    second.say({ type: 'ready', offset: 2 * CHUNK, chunk_size: CHUNK, size });
    expect(upload.state()).toMatchObject({ phase: 'uploading', committed: 2 * CHUNK, received: 2 * CHUNK, resumedFrom: 2 * CHUNK });
    expect(upload.state().message).toMatch(/resumed at 33 %/);
    await receiveAll(second, 2 * CHUNK);
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
    ws.say({ type: 'received', offset: 2 * CHUNK });
    ws.say({ type: 'progress', value: 50, offset: 2 * CHUNK });
    ws.fail('CANCELLED', 1000);
    await expect(upload.done).resolves.toMatchObject({ phase: 'cancelled' });
    expect(upload.state()).toMatchObject({ committed: 0, received: 0 });
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

  it('reports speed and time left from received offsets', async () => {
    const { upload, last, clock } = setup(10 * CHUNK);
    upload.start();
    const ws = last();
    ws.say({ type: 'ready', offset: 0, chunk_size: CHUNK, size: 10 * CHUNK });
    clock.t += 1000;
    ws.say({ type: 'received', offset: CHUNK });
    clock.t += 1000;
    ws.say({ type: 'received', offset: 2 * CHUNK });
    expect(upload.state().bytesPerSecond).toBe(CHUNK);
    expect(upload.state().secondsLeft).toBe(8);
    // A progress (Drive stored the bytes) changes neither.
    clock.t += 1000;
    ws.say({ type: 'progress', value: 20, offset: 2 * CHUNK });
    expect(upload.state()).toMatchObject({ bytesPerSecond: CHUNK, secondsLeft: 8 });
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
    first.say({ type: 'received', offset: CHUNK });
    first.say({ type: 'progress', value: 25, offset: CHUNK });
    expect(upload.state()).toMatchObject({ committed: 0, received: 0 });

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
