import { Signal, signal, WritableSignal } from '@angular/core';
import { ErrorCode, UPLOAD_MAX_FRAMES_IN_FLIGHT, UploadErrorCode, UploadServerMessage } from '@ddx/contracts';

/** The part of the browser's WebSocket this client uses (tests pass a fake). */
export interface SocketLike {
  binaryType: BinaryType;
  readonly readyState: number;
  /** Bytes queued by `send()` but not yet handed to the network. */
  readonly bufferedAmount?: number;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
}
export type SocketFactory = (url: string) => SocketLike;

/** A File or Blob: read one chunk at a time, never the whole file. */
export interface UploadSource {
  readonly size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

export interface UploadClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: UploadClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export type UploadPhase = 'connecting' | 'uploading' | 'reconnecting' | 'completed' | 'failed' | 'cancelled';

export interface UploadState {
  phase: UploadPhase;
  /** Bytes Drive has stored: what a reconnection can never lose. Moves once per Drive request (up to 64 MiB). */
  committed: number;
  /** Bytes the server has taken and passed on; steps back when the server rewinds. */
  received: number;
  size: number;
  /** 0–100, from `received`. */
  percent: number;
  bytesPerSecond: number | null;
  secondsLeft: number | null;
  /** For people: why it is reconnecting, or why it failed. */
  message: string | null;
  /** The API's code when it failed. */
  errorCode: string | null;
  /** A failure the user can retry (we gave up reconnecting; the server may still resume). */
  canRetry: boolean;
  /** Offset the latest reconnection resumed from (null before any reconnection). */
  resumedFrom: number | null;
}

/** The server refused to let this upload connect again (e.g. the upload ended, the account was banned): no retry helps. */
export class SocketUrlRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ResumableUploadOptions {
  /**
   * The full WebSocket URL for one connection attempt, with a fresh
   * single-use `?ticket=` (tickets work once, so every reconnect asks again).
   * Throws SocketUrlRefused when the server says no for good; any other
   * failure is retried like a dropped connection.
   */
  socketUrl: () => string | Promise<string>;
  source: UploadSource;
  chunkSize: number;
  socketFactory: SocketFactory;
  /** HTTP cancel (POST /upload/cancel/:id with X-Upload-Token). */
  cancelRemote: () => Promise<void>;
  clock?: UploadClock;
  random?: () => number;
  /** Reconnect delays: base·2ⁿ capped at max, ±25 % jitter; gives up after maxAttempts in a row. */
  backoff?: { baseMs: number; maxMs: number; maxAttempts: number };
  /** `navigator.onLine`: while offline, reconnection attempts wait and do not count. */
  isOnline?: () => boolean;
  /**
   * A socket can die without a close event (the network vanished under an open
   * TCP connection): after this long with no server message and no bytes leaving
   * the send buffer, it is treated as lost. 0 turns the check off.
   */
  stallMs?: number;
}

const OPEN = 1;
const DEFAULT_BACKOFF = { baseMs: 1000, maxMs: 15_000, maxAttempts: 12 };
const DEFAULT_STALL_MS = 45_000;
const WATCHDOG_EVERY_MS = 5000;
const SPEED_WINDOW_MS = 8000;

/**
 * 1008 closes are the client's fault or a dead upload: reconnecting cannot help.
 * (UPLOAD_IN_PROGRESS is 1008 too, but only means the previous socket is still
 * being let go, so it is retried.) These 1011 codes end the upload as failed.
 */
const FINAL_CODES = new Set<string>([
  UploadErrorCode.UPLOAD_TOKEN_INVALID,
  UploadErrorCode.UPLOAD_NOT_ACTIVE,
  UploadErrorCode.BAD_CHUNK,
  UploadErrorCode.SESSION_EXPIRED,
  UploadErrorCode.CHECKSUM_MISMATCH,
  UploadErrorCode.NO_STORAGE_AVAILABLE,
]);

const FRIENDLY: Partial<Record<string, string>> = {
  [UploadErrorCode.UPLOAD_TOKEN_INVALID]: 'This upload link is no longer valid. Please start the upload again.',
  [UploadErrorCode.UPLOAD_NOT_ACTIVE]: 'This upload is no longer active. Please start it again.',
  [UploadErrorCode.BAD_CHUNK]: 'The server refused part of the file. Please start the upload again.',
  [UploadErrorCode.SESSION_EXPIRED]: 'This upload session has expired. Please start the upload again.',
  [UploadErrorCode.CHECKSUM_MISMATCH]: 'The stored file did not match what was sent. Please upload it again.',
  [UploadErrorCode.NO_STORAGE_AVAILABLE]: 'No storage is available for this file right now. Please try again later.',
};

interface ServerError {
  code: string;
  message: string;
}

/**
 * One file over the upload WebSocket (docs/upload-protocol.md):
 *
 * - on `ready` it starts sending from the server's offset — after a dropped
 *   connection that is where the upload resumes, whatever was sent before;
 * - it keeps at most UPLOAD_MAX_FRAMES_IN_FLIGHT frames beyond the last
 *   `received` offset, reading each `chunk_size` frame with `source.slice()`;
 * - on `rewind` it answers `resume` and sends again from the rewind offset;
 * - a dropped socket, a 1011 close or UPLOAD_IN_PROGRESS reconnects with
 *   exponential backoff; 1008 codes end it with the reason in words.
 */
export class ResumableUpload {
  private readonly clock: UploadClock;
  private readonly random: () => number;
  private readonly backoff: { baseMs: number; maxMs: number; maxAttempts: number };
  private readonly isOnline: () => boolean;
  private readonly stallMs: number;
  private readonly stateSignal: WritableSignal<UploadState>;
  readonly state: Signal<UploadState>;
  /** Resolves when the upload ends: completed, failed or cancelled. */
  readonly done: Promise<UploadState>;
  private resolveDone!: (s: UploadState) => void;

  private ws: SocketLike | null = null;
  /** Bumped for every socket: events of an older socket are ignored. */
  private generation = 0;
  private pumpingGeneration = 0;
  private ready = false;
  private chunkSize: number;
  private committed = 0;
  /** The server's last `received` (or `ready`/`rewind`) offset: the send window counts from here. */
  private received = 0;
  /** Where the next frame starts. */
  private sent = 0;
  private failuresInARow = 0;
  private everReady = false;
  private retryTimer: unknown = null;
  private watchdogTimer: unknown = null;
  /** Last sign of life of the current socket: a message, or bytes leaving its buffer. */
  private lastActivity = 0;
  private lastBuffered = 0;
  private lastError: ServerError | null = null;
  /** A 1011 reason, kept in case the reconnection then says UPLOAD_NOT_ACTIVE. */
  private previousError: ServerError | null = null;
  private samples: Array<{ t: number; offset: number }> = [];
  private started = false;

  constructor(private readonly options: ResumableUploadOptions) {
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.isOnline = options.isOnline ?? (() => true);
    this.stallMs = options.stallMs ?? DEFAULT_STALL_MS;
    this.chunkSize = options.chunkSize;
    this.stateSignal = signal<UploadState>({
      phase: 'connecting',
      committed: 0,
      received: 0,
      size: options.source.size,
      percent: 0,
      bytesPerSecond: null,
      secondsLeft: null,
      message: null,
      errorCode: null,
      canRetry: false,
      resumedFrom: null,
    });
    this.state = this.stateSignal.asReadonly();
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  get size(): number {
    return this.options.source.size;
  }

  /** Bytes sent but not yet received by the server (for tests and diagnostics). */
  get inFlightBytes(): number {
    return this.sent - this.received;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.connect();
  }

  /** Reconnect at once (the browser came back online, or the user pressed Retry). */
  retryNow(): void {
    const phase = this.stateSignal().phase;
    if (phase === 'reconnecting' || (phase === 'failed' && this.stateSignal().canRetry)) {
      if (phase === 'failed') this.failuresInARow = 0;
      this.clearTimers();
      if (this.ws) this.dropSocket(4000, 'retrying'); // an attempt still in flight
      this.connect();
    }
  }

  /**
   * The browser says the network is gone (`offline` event), or the socket went
   * silent: drop the socket now rather than wait for a close event that may
   * take minutes, and reconnect — resuming from what storage holds.
   */
  connectionLost(): void {
    const phase = this.stateSignal().phase;
    if (!this.started || (phase !== 'connecting' && phase !== 'uploading')) return;
    this.dropSocket(4000, 'connection lost');
    this.scheduleReconnect('network');
  }

  async cancel(): Promise<void> {
    if (this.isFinal()) return;
    this.clearTimers();
    const ws = this.ws;
    this.generation++; // whatever the old socket says now is of no interest
    this.ws = null;
    if (ws && ws.readyState === OPEN) {
      try {
        ws.send(JSON.stringify({ type: 'cancel' }));
      } catch {
        // the HTTP cancel below is the one that counts
      }
    }
    this.finish({ phase: 'cancelled', message: 'Cancelled.', bytesPerSecond: null, secondsLeft: null });
    try {
      await this.options.cancelRemote();
    } catch {
      // already finished, or the api is unreachable: the server expires it anyway
    } finally {
      if (ws && ws.readyState === OPEN) ws.close(1000, 'cancelled');
    }
  }

  // ------------------------------------------------------------------ socket

  private connect(): void {
    const generation = ++this.generation;
    this.ready = false;
    this.lastError = null;
    const again = this.everReady || this.failuresInARow > 0;
    this.patch({ phase: again ? 'reconnecting' : 'connecting', canRetry: false, errorCode: null, ...(again ? { message: 'Reconnecting…' } : {}) });
    let url: string | Promise<string>;
    try {
      url = this.options.socketUrl();
    } catch (e) {
      this.onSocketUrlFailed(generation, e);
      return;
    }
    if (typeof url === 'string') this.open(generation, url);
    else
      url.then(
        (u) => this.open(generation, u),
        (e: unknown) => this.onSocketUrlFailed(generation, e),
      );
  }

  private open(generation: number, url: string): void {
    // Cancelled, retried or dropped while the ticket was on its way.
    if (generation !== this.generation || this.isFinal()) return;
    let ws: SocketLike;
    try {
      ws = this.options.socketFactory(url);
    } catch {
      this.onClose(generation, 1006);
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onmessage = (ev) => this.onMessage(generation, ev.data);
    ws.onclose = (ev) => this.onClose(generation, ev.code);
    ws.onerror = () => undefined; // a close event always follows
  }

  private onSocketUrlFailed(generation: number, e: unknown): void {
    if (generation !== this.generation || this.isFinal()) return;
    if (e instanceof SocketUrlRefused) {
      const why = e.code === UploadErrorCode.UPLOAD_NOT_ACTIVE && this.previousError ? this.previousError : { code: e.code, message: e.message };
      this.fail(why.code, why.message || FRIENDLY[why.code] || 'The server refused this upload.', false);
      return;
    }
    this.onClose(generation, 1006);
  }

  private onMessage(generation: number, data: unknown): void {
    if (generation !== this.generation || typeof data !== 'string') return;
    this.lastActivity = this.clock.now();
    let msg: UploadServerMessage;
    try {
      msg = JSON.parse(data) as UploadServerMessage;
    } catch {
      return;
    }
    switch (msg.type) {
      case 'ready': {
        const resumed = this.everReady || this.failuresInARow > 0;
        this.ready = true;
        this.everReady = true;
        this.failuresInARow = 0;
        this.previousError = null;
        this.chunkSize = msg.chunk_size;
        // The server's word is the truth: frames sent on the dead socket may be lost.
        this.committed = msg.offset;
        this.received = msg.offset;
        this.sent = msg.offset;
        this.samples = [{ t: this.clock.now(), offset: msg.offset }];
        this.patch({
          phase: 'uploading',
          committed: msg.offset,
          received: msg.offset,
          percent: this.percentOf(msg.offset),
          message: resumed ? `Connection restored — resumed at ${this.percentOf(msg.offset).toFixed(0)} %.` : null,
          resumedFrom: resumed ? msg.offset : this.stateSignal().resumedFrom,
          bytesPerSecond: null,
          secondsLeft: null,
        });
        this.armWatchdog(generation);
        this.pump(generation);
        break;
      }
      case 'received': {
        if (msg.offset > this.received) this.received = msg.offset;
        this.recordSpeed();
        this.pump(generation);
        break;
      }
      case 'progress': {
        // What Drive has stored; it does not move the send window.
        if (msg.offset > this.committed) {
          this.committed = msg.offset;
          this.patch({ committed: msg.offset });
        }
        break;
      }
      case 'rewind': {
        // Every frame after msg.offset was dropped. The answer goes out before any
        // frame, and a frame being read now will not be sent (its start is gone).
        if (this.ws?.readyState === OPEN) this.ws.send(JSON.stringify({ type: 'resume', offset: msg.offset }));
        this.received = msg.offset;
        this.sent = msg.offset;
        this.committed = Math.min(this.committed, msg.offset); // a restarted Drive session starts from 0
        this.samples = [{ t: this.clock.now(), offset: msg.offset }];
        this.patch({ committed: this.committed, received: msg.offset, percent: this.percentOf(msg.offset), bytesPerSecond: null, secondsLeft: null });
        this.pump(generation);
        break;
      }
      case 'success':
        this.committed = this.received = this.size;
        this.finish({ phase: 'completed', committed: this.size, received: this.size, percent: 100, message: null, secondsLeft: 0 });
        break;
      case 'error':
        this.lastError = { code: msg.code, message: msg.value };
        break;
    }
  }

  private onClose(generation: number, code: number): void {
    if (generation !== this.generation || this.isFinal()) return;
    this.ws = null;
    this.ready = false;
    this.clearWatchdog();
    const err = this.lastError;
    if (err?.code === UploadErrorCode.CANCELLED) {
      this.finish({ phase: 'cancelled', message: 'The upload was cancelled.', bytesPerSecond: null, secondsLeft: null });
      return;
    }
    if (err && FINAL_CODES.has(err.code)) {
      // After a storage failure the upload may have been ended server-side: its reason says more.
      const why = err.code === UploadErrorCode.UPLOAD_NOT_ACTIVE && this.previousError ? this.previousError : err;
      this.fail(why.code, why.message || FRIENDLY[why.code] || 'The upload failed.', false);
      return;
    }
    // A ticket that expired on the way is no reason to give up: the reconnect takes a new one.
    if (code === 1008 && err?.code !== UploadErrorCode.UPLOAD_IN_PROGRESS && err?.code !== ErrorCode.WS_TICKET_INVALID) {
      this.fail(err?.code ?? 'CLOSED', err?.message || 'The server refused this upload.', false);
      return;
    }
    if (code === 1011 && err) this.previousError = err;
    this.scheduleReconnect(err?.code === UploadErrorCode.UPLOAD_IN_PROGRESS ? 'in-progress' : code === 1011 ? 'server' : 'network');
  }

  private scheduleReconnect(why: 'network' | 'server' | 'in-progress'): void {
    this.clearTimers();
    if (!this.isOnline()) {
      // No point counting failures while the browser knows it is offline; the `online` event calls retryNow().
      this.failuresInARow = Math.max(1, this.failuresInARow);
      this.patch({
        phase: 'reconnecting',
        bytesPerSecond: null,
        secondsLeft: null,
        message: 'You are offline. The upload will continue where it stopped when the connection is back.',
      });
      this.retryTimer = this.clock.setTimeout(() => {
        this.retryTimer = null;
        this.connect();
      }, this.backoff.maxMs);
      return;
    }
    this.failuresInARow++;
    if (this.failuresInARow > this.backoff.maxAttempts) {
      this.fail('RECONNECT_FAILED', 'The connection could not be restored. Press Retry to continue from where the upload stopped.', true);
      return;
    }
    const exp = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (this.failuresInARow - 1));
    const delay = Math.round(exp * (0.75 + 0.5 * this.random()));
    const reason =
      why === 'in-progress'
        ? 'Waiting for the previous connection to close'
        : why === 'server'
          ? 'The storage service is not answering'
          : 'Connection lost';
    this.patch({
      phase: 'reconnecting',
      bytesPerSecond: null,
      secondsLeft: null,
      message: `${reason} — reconnecting in ${Math.max(1, Math.round(delay / 1000))} s. The upload will continue where it stopped.`,
    });
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  // ------------------------------------------------------------------- bytes

  /**
   * Sends `chunk_size` frames from `sent`. Window: at most UPLOAD_MAX_FRAMES_IN_FLIGHT
   * frames beyond the last `received` offset (`ready`/`rewind` set it too) — the server
   * says `received` as it passes bytes on, so the window moves at the pace Drive takes
   * them and the server never holds more than a few frames. `progress` plays no part:
   * it moves only once per Drive request.
   */
  private async pump(generation: number): Promise<void> {
    if (this.pumpingGeneration === generation) return; // the running loop re-checks after each frame
    this.pumpingGeneration = generation;
    try {
      while (
        generation === this.generation &&
        this.ready &&
        this.sent < this.size &&
        this.sent - this.received < UPLOAD_MAX_FRAMES_IN_FLIGHT * this.chunkSize
      ) {
        const start = this.sent;
        const end = Math.min(start + this.chunkSize, this.size);
        const bytes = await this.options.source.slice(start, end).arrayBuffer();
        // A rewind while reading moved `sent`: this frame no longer starts where the server counts; read again from there.
        if (generation === this.generation && this.sent !== start) continue;
        const ws = this.ws;
        if (generation !== this.generation || !ws || ws.readyState !== OPEN) return;
        ws.send(bytes);
        this.sent = end;
      }
    } catch {
      if (generation === this.generation) {
        this.dropSocket(1000, 'file unreadable');
        this.fail('FILE_UNREADABLE', 'The file could not be read from your device (was it moved or changed?). Please choose it again.', false);
      }
    } finally {
      if (this.pumpingGeneration === generation) this.pumpingGeneration = 0;
    }
  }

  private recordSpeed(): void {
    const now = this.clock.now();
    this.samples.push({ t: now, offset: this.received });
    while (this.samples.length > 2 && now - (this.samples[0] as { t: number }).t > SPEED_WINDOW_MS) this.samples.shift();
    const first = this.samples[0] as { t: number; offset: number };
    const elapsed = (now - first.t) / 1000;
    const speed = elapsed >= 0.25 ? (this.received - first.offset) / elapsed : null;
    this.patch({
      received: this.received,
      percent: this.percentOf(this.received),
      bytesPerSecond: speed,
      secondsLeft: speed && speed > 0 ? Math.ceil((this.size - this.received) / speed) : null,
    });
  }

  // ------------------------------------------------------------------- state

  private percentOf(offset: number): number {
    return this.size === 0 ? 0 : Math.min(100, (offset / this.size) * 100);
  }

  private fail(code: string, message: string, canRetry: boolean): void {
    this.finish({ phase: 'failed', errorCode: code, message, canRetry, bytesPerSecond: null, secondsLeft: null }, !canRetry);
  }

  /** `final` false keeps `done` pending: a retryable failure may still complete. */
  private finish(patch: Partial<UploadState>, final = true): void {
    this.clearTimers();
    this.patch(patch);
    if (final || patch.phase !== 'failed') this.resolveDone(this.stateSignal());
  }

  private isFinal(): boolean {
    const s = this.stateSignal();
    return s.phase === 'completed' || s.phase === 'cancelled' || (s.phase === 'failed' && !s.canRetry);
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) {
      this.clock.clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    this.clearWatchdog();
  }

  private clearWatchdog(): void {
    if (this.watchdogTimer !== null) {
      this.clock.clearTimeout(this.watchdogTimer);
      this.watchdogTimer = null;
    }
  }

  /** Forgets the current socket: whatever it says later is ignored. */
  private dropSocket(code: number, reason: string): void {
    const ws = this.ws;
    this.generation++;
    this.ws = null;
    this.ready = false;
    this.clearWatchdog();
    try {
      ws?.close(code, reason);
    } catch {
      // already closed
    }
  }

  private armWatchdog(generation: number): void {
    if (!this.stallMs) return;
    this.clearWatchdog();
    this.lastActivity = this.clock.now();
    this.lastBuffered = this.ws?.bufferedAmount ?? 0;
    const check = () => {
      this.watchdogTimer = null;
      if (generation !== this.generation || !this.ws || this.isFinal()) return;
      const buffered = this.ws.bufferedAmount ?? 0;
      if (buffered !== this.lastBuffered) {
        this.lastBuffered = buffered;
        this.lastActivity = this.clock.now();
      }
      if (this.clock.now() - this.lastActivity >= this.stallMs) {
        this.connectionLost();
        return;
      }
      this.watchdogTimer = this.clock.setTimeout(check, WATCHDOG_EVERY_MS);
    };
    this.watchdogTimer = this.clock.setTimeout(check, WATCHDOG_EVERY_MS);
  }

  private patch(p: Partial<UploadState>): void {
    this.stateSignal.update((s) => ({ ...s, ...p }));
  }
}
