/// <reference types="jest" />
import { FileDoc, FileRepository, SecretBox, UploadCheckpoint } from '@ddx/server-database';
import { LiveEventsPublisher } from '@ddx/server-queue';
import { ChunkResult, DriveAccountPool, DriveClient, DriveError, DriveErrorKind, DriveUploadedFile, DriveUploadSession, StreamedPut } from '@ddx/server-drive';
import { UploadLedger } from '@ddx/server-uploads';
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';

import { Md5Thread } from '../app/upload/md5-thread';
import { ResumableMd5 } from '../app/upload/resumable-md5';
import { UploadLock } from '../app/upload/upload-lock';
import { UploadSocketDeps, UploadSocketSession } from '../app/upload/upload-socket.session';
import { strictMock } from './strict-mock';

/** Bytes per WebSocket frame in unit tests. */
export const CHUNK = 1024;
/** Bytes per Drive request in unit tests (the session does not check alignment). */
export const PUT_SPAN = 4 * CHUNK;

export const md5Hex = (data: Uint8Array) => createHash('md5').update(data).digest('hex');

/** The saved MD5 state after hashing `data` (hash-wasm's format, as the MD5 thread saves it); '' for nothing, as the session saves offset 0. */
export async function md5StateOf(data: Uint8Array): Promise<string> {
  if (data.length === 0) return '';
  const h = await ResumableMd5.start();
  h.update(data);
  return h.save();
}

/**
 * The MD5 (hex) of what a saved state covers. States are compared this way:
 * the bytes of a state also hold the unused part of MD5's block buffer, which
 * depends on how the input was split.
 */
export async function digestOfState(state: string | null): Promise<string> {
  return (await ResumableMd5.start(state)).peekHex();
}

export const driveError = (kind: DriveErrorKind, extra: { retryAfterMs?: number; status?: number; reason?: string } = {}) =>
  new DriveError({ kind, operation: 'test', status: extra.status ?? null, reason: extra.reason ?? null, retryAfterMs: extra.retryAfterMs, message: kind });

let sharedMd5: Md5Thread | null = null;
/** One MD5 thread per spec file; call `md5Thread().stop()` in afterAll. */
export function md5Thread(): Md5Thread {
  sharedMd5 ??= new Md5Thread();
  return sharedMd5;
}

export const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

/** Polls `done` every 2 ms for up to `ms`. */
export async function until(done: () => boolean, ms = 2000): Promise<boolean> {
  for (const end = Date.now() + ms; !done(); ) {
    if (Date.now() > end) return false;
    await tick(2);
  }
  return true;
}

type ServerMessage = { type: string; [k: string]: unknown };

/**
 * The server end of a WebSocket as the session sees it. Like `ws`, a paused
 * socket delivers nothing until it is resumed; what the session sends is
 * recorded and handed to `onServerMessage` listeners (the uploader, checks).
 */
export class FakeSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  isPaused = false;
  closeCode: number | null = null;
  pauses = 0;
  /** Binary frames handed to the session. */
  framesDelivered = 0;
  readonly sent: ServerMessage[] = [];
  /** Frames the peer sent while the socket was paused. */
  private readonly backlog: Array<[unknown, boolean]> = [];

  send(text: string): void {
    const message = JSON.parse(text) as ServerMessage;
    this.sent.push(message);
    this.emit('server', message);
  }
  close(code: number): void {
    this.closeCode = code;
    this.readyState = 3;
    this.backlog.length = 0;
    this.emit('close');
  }
  pause(): void {
    this.isPaused = true;
    this.pauses++;
  }
  resume(): void {
    this.isPaused = false;
    setImmediate(() => {
      while (!this.isPaused && this.backlog.length && this.readyState === WebSocket.OPEN) this.hand(...(this.backlog.shift() as [unknown, boolean]));
    });
  }
  /** What the peer sends: delivered now, or once the socket is resumed. */
  deliver(data: unknown, isBinary: boolean): void {
    if (this.readyState !== WebSocket.OPEN) return;
    if (this.isPaused || this.backlog.length) this.backlog.push([data, isBinary]);
    else this.hand(data, isBinary);
  }
  /** Frames sent by the peer and not handed over yet (a paused socket). */
  get waiting(): number {
    return this.backlog.length;
  }
  private hand(data: unknown, isBinary: boolean): void {
    if (isBinary) this.framesDelivered++;
    this.emit('message', data, isBinary);
  }
  /** A binary frame in memory of its own, as `ws` hands it over (the session may give it away to the hash thread). */
  frame(data: Buffer): void {
    const own = Buffer.allocUnsafeSlow(data.length);
    data.copy(own);
    this.deliver(own, true);
  }
  text(text: string): void {
    this.deliver(Buffer.from(text), false);
  }
  messages(type: string): ServerMessage[] {
    return this.sent.filter((m) => m.type === type);
  }
}

export interface UploaderOptions {
  /** Frames beyond the last `received` offset (the protocol says 2); Infinity sends everything at once. */
  window?: number;
  /** Answer `rewind` with `resume` and resend from its offset (default), or ignore it like an old client. */
  followRewind?: boolean;
  /** Replaces frame `index` (counted over the whole run) before it is sent. */
  mangle?: (frame: Buffer, index: number) => Buffer;
  /** Sends nothing at or beyond this offset (a browser that goes quiet). */
  stopAt?: number;
}

/** The browser: sends `data` in CHUNK frames from `ready`, keeps the send window, follows `rewind`. */
export class FakeUploader {
  private next = -1;
  private taken = 0;
  private frameIndex = 0;
  stopped = false;
  readonly resumesSent: number[] = [];

  constructor(
    private readonly ws: FakeSocket,
    private readonly data: Buffer,
    private readonly options: UploaderOptions = {},
  ) {
    for (const m of ws.sent) setImmediate(() => this.onMessage(m));
    ws.on('server', (m: ServerMessage) => setImmediate(() => this.onMessage(m)));
  }

  private onMessage(m: ServerMessage): void {
    if (this.stopped) return;
    const offset = m['offset'] as number;
    if (m.type === 'ready') {
      this.next = offset;
      this.taken = offset;
    } else if (m.type === 'received' || m.type === 'progress') {
      if (offset > this.taken) this.taken = offset;
    } else if (m.type === 'rewind') {
      if (this.options.followRewind === false) return;
      this.resumesSent.push(offset);
      this.ws.text(JSON.stringify({ type: 'resume', offset }));
      this.next = offset;
      this.taken = offset;
    } else return;
    this.pump();
  }

  private pump(): void {
    const window = this.options.window ?? 2;
    const end = Math.min(this.data.length, this.options.stopAt ?? Infinity);
    while (this.next >= 0 && this.next < end && this.next - this.taken < window * CHUNK && this.ws.readyState === WebSocket.OPEN) {
      let frame = this.data.subarray(this.next, Math.min(this.next + CHUNK, this.data.length));
      if (this.options.mangle) frame = this.options.mangle(frame, this.frameIndex);
      this.frameIndex++;
      this.ws.frame(frame);
      this.next = Math.min(this.next + CHUNK, this.data.length);
    }
  }
}

// ------------------------------------------------------------------ Drive

/** What Drive does with one PUT. */
export interface PutFault {
  /** `openPut` itself fails (e.g. the access token could not be refreshed). */
  refuse?: Error;
  /** Drive forgets the session as this PUT starts: it is answered 404, and so is everything after on that session. */
  lose?: boolean;
  /** Drive answers with `error` once `after` bytes of the body arrived (0: before any); it keeps `keep` of them (default: all). */
  fail?: { error: DriveError; after: number; keep?: number };
  /** At the end of the body Drive answers 308, having kept only this many bytes of it. */
  keepOnly?: number;
  /** Drive's answer to the complete body waits for `release()` of this put. */
  hold?: boolean;
}

interface DriveSessionState {
  account: string;
  held: Buffer;
  lost: boolean;
  file: DriveUploadedFile | null;
}

/**
 * A streamed PUT into the in-memory Drive, with StreamedPut's contract:
 * `write` throws past the declared length, calls back once the bytes "left",
 * returns false while Drive is not reading; after an answer or a cut, writes
 * are dropped (called back with an error); `abort` cuts the request and Drive
 * keeps what it received.
 */
export class FakePut {
  readonly result: Promise<ChunkResult>;
  readonly got: Buffer[] = [];
  receivedBytes = 0;
  /** Bytes whose write was called back without an error. */
  flushed = 0;
  aborted = false;
  private remainingBytes: number;
  private settled = false;
  private readonly queue: Array<() => void> = [];
  private drainListeners: Array<() => void> = [];
  private resolve!: (r: ChunkResult) => void;
  private reject!: (e: unknown) => void;
  private released: (() => void) | null = null;
  private completeBody = false;

  constructor(
    private readonly drive: FakeDrive,
    readonly uri: string,
    readonly start: number,
    readonly length: number,
    readonly total: number,
    private readonly fault: PutFault,
  ) {
    this.remainingBytes = length;
    this.result = new Promise<ChunkResult>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
    this.result.catch(() => undefined);
    if (fault.fail?.after === 0) setImmediate(() => this.breakOff(fault.fail as NonNullable<PutFault['fail']>));
  }

  get remaining(): number {
    return this.remainingBytes;
  }
  get done(): boolean {
    return this.settled;
  }
  /** The bytes Drive received for this request. */
  get body(): Buffer {
    return Buffer.concat(this.got);
  }

  write(chunk: Buffer, sent?: (err?: Error | null) => void): boolean {
    if (chunk.length > this.remainingBytes) throw new RangeError(`write of ${chunk.length} bytes past the declared length (${this.remainingBytes} left)`);
    this.remainingBytes -= chunk.length;
    if (this.settled) {
      sent?.(new Error('request already ended'));
      return true;
    }
    const fail = this.fault.fail;
    if (fail && this.receivedBytes + chunk.length > fail.after) {
      // The connection breaks inside this write: part of it arrives, the rest never leaves.
      this.got.push(Buffer.from(chunk.subarray(0, fail.after - this.receivedBytes)));
      this.receivedBytes = fail.after;
      setImmediate(() => sent?.(new Error('socket hang up')));
      this.breakOff(fail);
      return true;
    }
    this.got.push(Buffer.from(chunk));
    this.receivedBytes += chunk.length;
    this.schedule(() => {
      if (this.settled) return sent?.(new Error('request already ended'));
      this.flushed += chunk.length;
      sent?.(null);
    });
    if (fail && this.receivedBytes === fail.after) this.schedule(() => this.breakOff(fail));
    else if (this.remainingBytes === 0) {
      this.completeBody = true;
      this.schedule(() => this.answer());
    }
    return !this.drive.readingPaused;
  }

  onDrain(listener: () => void): void {
    if (this.settled) queueMicrotask(listener);
    else this.drainListeners.push(listener);
  }

  abort(): void {
    if (this.settled) return;
    this.aborted = true;
    this.settle();
    this.drive.store(this.uri, this.start, this.body);
    this.reject(driveError('transient', { reason: 'ECONNABORTED' }));
  }

  /** Lets a held answer go. */
  release(): void {
    this.released?.();
  }

  /** @internal Drive reads again: pending writes leave, waiting writers are woken. */
  flush(): void {
    for (let fn = this.queue.shift(); fn; fn = this.queue.shift()) fn();
    this.drain();
  }

  private schedule(fn: () => void): void {
    if (this.drive.readingPaused) this.queue.push(fn);
    else setImmediate(fn);
  }

  private drain(): void {
    const listeners = this.drainListeners;
    this.drainListeners = [];
    for (const l of listeners) l();
  }

  private settle(): void {
    this.settled = true;
    this.drain();
  }

  private breakOff(fail: NonNullable<PutFault['fail']>): void {
    if (this.settled) return;
    this.settle();
    this.drive.store(this.uri, this.start, this.body.subarray(0, fail.keep ?? this.receivedBytes));
    this.reject(fail.error);
  }

  private async answer(): Promise<void> {
    if (this.settled || !this.completeBody) return;
    if (this.fault.hold) await new Promise<void>((r) => (this.released = r));
    if (this.settled) return;
    this.settle();
    if (this.drive.sessions.get(this.uri)?.lost) return this.reject(driveError('not_found', { status: 404 }));
    const session = this.drive.store(this.uri, this.start, this.fault.keepOnly === undefined ? this.body : this.body.subarray(0, this.fault.keepOnly));
    if (session.held.length === this.total) this.resolve({ done: true, file: this.drive.fileOf(this.uri) });
    else this.resolve({ done: false, committed: session.held.length });
  }
}

/**
 * Google Drive in memory: resumable sessions by URI, each holding the bytes
 * it committed. Honest unless told otherwise; every breach of Drive's rules
 * by the caller (a PUT not starting at the committed offset, two requests on
 * one session at once) is recorded in `violations`.
 */
export class FakeDrive {
  readonly sessions = new Map<string, DriveSessionState>();
  readonly puts: FakePut[] = [];
  /** Applied to the next PUTs, in order (an empty object: an honest PUT). */
  readonly faults: PutFault[] = [];
  readonly violations: string[] = [];
  readonly deleted: string[] = [];
  /** What Drive reports for a finished file, when not what it holds. */
  reportMd5: string | null | undefined = undefined;
  reportSize: number | undefined = undefined;
  readingPaused = false;
  private files = 0;
  private sessionCount = 1;

  constructor(readonly size: number) {}

  addSession(uri: string, account: string, held: Buffer = Buffer.alloc(0)): void {
    this.sessions.set(uri, { account, held: Buffer.from(held), lost: false, file: null });
  }

  createSession(account: string): string {
    const uri = `${account}/session-${++this.sessionCount}`;
    this.addSession(uri, account);
    return uri;
  }

  /** Drive forgets the session: every request on it is answered 404. */
  lose(uri: string): void {
    this.session(uri).lost = true;
  }

  held(uri: string): Buffer {
    return this.session(uri).held;
  }

  pauseReading(): void {
    this.readingPaused = true;
  }

  resumeReading(): void {
    this.readingPaused = false;
    for (const p of this.puts) p.flush();
  }

  /** The PUTs as [uri, start, length] triples. */
  putRanges(): Array<[string, number, number]> {
    return this.puts.map((p) => [p.uri, p.start, p.length]);
  }

  status(uri: string, total: number | null | undefined): ChunkResult {
    const s = this.session(uri);
    if (this.puts.some((p) => p.uri === uri && !p.done)) this.violations.push(`status query on ${uri} while a PUT is open`);
    if (total !== this.size) this.violations.push(`status query with total ${total}`);
    if (s.lost) throw driveError('not_found', { status: 404 });
    // Like Google: a status query never finishes a session, so an empty one stays unfinished.
    if (s.held.length === this.size && this.size > 0) return { done: true, file: this.fileOf(uri) };
    return { done: false, committed: s.held.length };
  }

  openPut(uri: string, start: number, length: number, total: number): FakePut {
    const s = this.session(uri);
    if (this.puts.some((p) => p.uri === uri && !p.done)) this.violations.push(`PUT on ${uri} while another is open`);
    let fault = this.faults.shift() ?? {};
    if (fault.refuse) throw fault.refuse;
    if (fault.lose) s.lost = true;
    if (s.lost) fault = { fail: { error: driveError('not_found', { status: 404 }), after: 0 } };
    else if (start !== s.held.length) this.violations.push(`PUT at ${start} while Drive holds ${s.held.length} on ${uri}`);
    if (total !== this.size || length <= 0 || start + length > total) this.violations.push(`PUT bytes ${start}+${length}/${total}`);
    const put = new FakePut(this, uri, start, length, total, fault);
    this.puts.push(put);
    return put;
  }

  /** @internal Bytes from `start` arrived and are kept. */
  store(uri: string, start: number, bytes: Buffer): DriveSessionState {
    const s = this.session(uri);
    if (s.lost || s.file) return s;
    if (start > s.held.length) this.violations.push(`bytes at ${start} after a gap (Drive holds ${s.held.length})`);
    else s.held = Buffer.concat([s.held.subarray(0, start), bytes]);
    return s;
  }

  fileOf(uri: string): DriveUploadedFile {
    const s = this.session(uri);
    s.file ??= {
      id: `drive-file-${++this.files}`,
      name: 'f.bin',
      mimeType: 'application/octet-stream',
      size: this.reportSize ?? s.held.length,
      md5Checksum: this.reportMd5 === undefined ? md5Hex(s.held) : this.reportMd5,
    };
    return s.file;
  }

  /** A one-request (multipart) upload. */
  smallFile(body: Buffer): DriveUploadedFile {
    return {
      id: `drive-file-${++this.files}`,
      name: 'f.bin',
      mimeType: 'application/octet-stream',
      size: this.reportSize ?? body.length,
      md5Checksum: this.reportMd5 === undefined ? md5Hex(body) : this.reportMd5,
    };
  }

  private session(uri: string): DriveSessionState {
    const s = this.sessions.get(uri);
    if (!s) throw new Error(`no Drive session ${uri}`);
    return s;
  }
}

/** A strictly mocked DriveClient for `account` on the in-memory Drive. */
export function fakeDriveClient(drive: FakeDrive, account: string) {
  return strictMock<DriveClient>(`client ${account}`, {
    openPut: jest.fn(async (uri: string, start: number, length: number, total: number) => drive.openPut(uri, start, length, total) as unknown as StreamedPut),
    queryCommitted: jest.fn(async (uri: string, total?: number | null) => drive.status(uri, total)),
    createResumableSession: jest.fn(async () => drive.createSession(account)),
    deleteFile: jest.fn(async (id: string) => void drive.deleted.push(id)),
    uploadSmallFile: jest.fn(async (input: { body: Buffer | unknown }) => drive.smallFile(input.body as Buffer)) as never,
    cancelSession: jest.fn(async () => undefined),
  });
}

// ---------------------------------------------------------------- harness

export interface HarnessOptions {
  size: number;
  /** The file record's saved checkpoint fields (committedBytes, md5State, …). */
  file?: Partial<FileDoc>;
  /** What Drive already holds on the upload's session. */
  held?: Buffer;
  maxAttempts?: number;
}

/**
 * One session with every dependency strictly mocked around an in-memory
 * Drive and a real MD5 thread. The file repository keeps the record like
 * MongoDB would and checks each checkpoint against the session the record
 * points at: Drive must hold those bytes, and the state must be theirs.
 */
export function harness(options: HarnessOptions) {
  const size = options.size;
  const drive = new FakeDrive(size);
  drive.addSession('acc-1/session-1', 'acc-1', options.held);
  const client = fakeDriveClient(drive, 'acc-1');
  const client2 = fakeDriveClient(drive, 'acc-2');
  const clients: Record<string, typeof client> = { 'acc-1': client, 'acc-2': client2 };
  const violations: string[] = [];

  const record = { driveAccountId: 'acc-1', driveSessionSealed: 'sealed:acc-1/session-1', checkpoint: null as UploadCheckpoint | null };
  const checks: Array<Promise<void>> = [];
  const files = strictMock<FileRepository>('files', {
    saveProgress: jest.fn(async (_id: string, c: UploadCheckpoint) => {
      const uri = record.driveSessionSealed.replace(/^sealed:/, '');
      const held = drive.held(uri);
      const check = (async () => {
        if (c.committedBytes > held.length) violations.push(`checkpoint at ${c.committedBytes} while ${uri} holds ${held.length}`);
        else if ((await digestOfState(c.md5State)) !== md5Hex(held.subarray(0, c.committedBytes))) violations.push(`checkpoint at ${c.committedBytes} with a state not of ${uri}'s bytes`);
      })();
      checks.push(check);
      record.checkpoint = c;
      return true;
    }),
    replaceSession: jest.fn(async (_id: string, from: string, to: { accountId: string; sessionSealed: string }) => {
      if (record.driveAccountId !== from) return false;
      record.driveAccountId = to.accountId;
      record.driveSessionSealed = to.sessionSealed;
      record.checkpoint = null;
      return true;
    }),
  });
  const ledger = strictMock<UploadLedger>('ledger', { complete: jest.fn(async () => ({})), end: jest.fn(async () => true) });
  const pool = strictMock<DriveAccountPool>('pool', {
    client: jest.fn(async (id: string) => clients[id]),
    reportSuccess: jest.fn(async () => undefined),
    reportFailure: jest.fn(async () => undefined),
    release: jest.fn(async () => undefined),
    get: jest.fn(async (id: string) => ({ _id: id, folderId: `folder-of-${id}` })) as never,
    openSession: jest.fn(async (spec: { name: string; mimeType?: string; size: number }) => {
      const uri = await client2.createResumableSession({ ...spec, parents: ['folder-2'] });
      return { reservation: { accountId: 'acc-2', bytes: 77, folderId: 'folder-2' }, session: new DriveUploadSession('acc-2', client2 as unknown as DriveClient, uri, spec.size) };
    }),
  });
  const secrets = strictMock<SecretBox>('secrets', {
    open: jest.fn((sealed: string) => sealed.replace(/^sealed:/, '')),
    seal: jest.fn((uri: string) => `sealed:${uri}`),
  });
  const events = strictMock<LiveEventsPublisher>('events', { publish: jest.fn() });
  const lock = strictMock<UploadLock>('lock', { release: jest.fn(async () => undefined) });
  const deps: UploadSocketDeps = {
    files,
    ledger,
    pool,
    secrets,
    events,
    md5: md5Thread(),
    chunkSize: CHUNK,
    putSpan: PUT_SPAN,
    maxAttempts: options.maxAttempts ?? 3,
    retryBaseMs: 1,
  };
  const file = {
    _id: 'file-1',
    filename: 'f.bin',
    contentType: 'application/octet-stream',
    sizeBytes: size,
    driveAccountId: 'acc-1',
    driveSessionSealed: 'sealed:acc-1/session-1',
    accountReservedBytes: size,
    committedBytes: 0,
    md5State: null,
    pendingEnd: null,
    pendingMd5State: null,
    nextEnd: null,
    nextMd5State: null,
    ...options.file,
  } as unknown as FileDoc;

  const ws = new FakeSocket();
  // What the client is told must be true of Drive at that moment.
  let lastReceived = -1;
  ws.on('server', (m: ServerMessage) => {
    const offset = m['offset'] as number;
    const uri = record.driveSessionSealed.replace(/^sealed:/, '');
    const last = drive.puts.at(-1);
    if (m.type === 'rewind') lastReceived = offset;
    if (m.type === 'received') {
      const written = Math.max(drive.held(uri).length, last && last.uri === uri ? last.start + last.flushed : 0);
      if (offset > written) violations.push(`received ${offset} with ${written} bytes written`);
      if (offset <= lastReceived) violations.push(`received ${offset} after ${lastReceived}`);
      lastReceived = offset;
    }
    if (m.type === 'progress' && offset > drive.held(uri).length) violations.push(`progress ${offset} while Drive holds ${drive.held(uri).length}`);
  });

  const session = new UploadSocketSession(ws as unknown as WebSocket, file, lock, deps);
  const outcome = () => ws.sent.find((m) => m.type === 'success' || m.type === 'error');
  return {
    ws,
    session,
    drive,
    client,
    client2,
    files,
    record,
    ledger,
    pool,
    secrets,
    events,
    lock,
    deps,
    file,
    outcome,
    /** Waits (up to 2 s) until the session has sent its success or error. */
    async settled() {
      await until(() => !!outcome());
      await tick(5);
      return outcome();
    },
    /** A protocol-following client sending `data` from each `ready`/`rewind` offset. */
    upload(data: Buffer, options?: UploaderOptions) {
      return new FakeUploader(ws, data, options);
    },
    /** Sends `data` from `from` in chunk-sized frames, all at once (a client ignoring the window). */
    sendAll(data: Buffer, from = 0) {
      for (let at = from; at < data.length; at += CHUNK) ws.frame(data.subarray(at, at + CHUNK));
    },
    /** Breaches of Drive's rules or of the protocol's promises, and checkpoints not matching Drive. */
    async violations() {
      await Promise.all(checks);
      return [...drive.violations, ...violations];
    },
  };
}

export type Harness = ReturnType<typeof harness>;
