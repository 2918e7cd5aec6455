import { UPLOAD_MAX_FRAMES_IN_FLIGHT, UploadErrorCode, UploadServerMessage } from '@ddx/contracts';
import { FileDoc, FileRepository, SecretBox } from '@ddx/server-database';
import { LiveEventsPublisher } from '@ddx/server-queue';
import { ChunkResult, DriveAccountPool, DriveError, DriveUploadedFile, DriveUploadSession, NoStorageAvailableError, RESUMABLE_CHUNK_ALIGNMENT, StreamedPut } from '@ddx/server-drive';
import { UploadLedger } from '@ddx/server-uploads';
import { Logger } from '@nestjs/common';
import { RawData, WebSocket } from 'ws';

import { Md5Stream, Md5Thread } from './md5-thread';
import { UploadLock } from './upload-lock';

export interface UploadSocketDeps {
  files: FileRepository;
  ledger: UploadLedger;
  pool: DriveAccountPool;
  secrets: SecretBox;
  events: LiveEventsPublisher;
  md5: Md5Thread;
  /** Bytes per WebSocket frame. */
  chunkSize: number;
  /** Bytes per Drive request at most: a multiple of 256 KiB (the last request of a file may be shorter). */
  putSpan: number;
  /** Failed Drive calls in a row, without Drive storing anything new, before the socket gives up (the upload stays resumable). */
  maxAttempts: number;
  retryBaseMs: number;
}

/** Ends the socket with an error message; `endUpload` also ends the upload. */
class SessionEnd extends Error {
  constructor(
    readonly code: string,
    readonly userMessage: string,
    readonly closeCode: 1000 | 1008 | 1011,
    readonly endUpload?: 'failed' | 'cancelled',
  ) {
    super(code);
  }
}

const WS_CLOSED = 3;
/** Drive sessions replaced in one socket's life before it gives up (a session Drive keeps forgetting is not a passing fault). */
const MAX_SESSION_RESTARTS = 3;

const storageBusy = () => new SessionEnd(UploadErrorCode.STORAGE_ERROR, 'Storage is not answering right now; reconnect to resume the upload.', 1011);

/** Bytes received and not yet passed on, with the offset of their first byte. */
interface Piece {
  start: number;
  bytes: Buffer;
}

/**
 * One upload socket: a protocol adapter between the client's frames and one
 * Drive upload session (docs/upload-protocol.md).
 *
 * Frames are a transport. Bytes go into a streamed Drive PUT of up to
 * `putSpan` bytes as they arrive; when Drive's socket is full the WebSocket
 * stops being read, so a slow Drive slows the client and memory per upload
 * stays a few frames. The client's send window moves with `received` (bytes
 * written to Drive's socket); `progress` is only ever what Drive has committed.
 *
 * The MD5 of what the client sent is computed on a worker thread from a copy
 * of each piece as it is written, and compared with Drive's at the end. Its
 * state is known at the end of every piece; it is saved in MongoDB at Drive
 * request boundaries. When Drive holds bytes whose hash state is unknown (a
 * request cut in the middle, an api restart), the client is sent back to the
 * last known state and the bytes Drive already has are hashed, not resent.
 */
export class UploadSocketSession {
  // Stryker disable next-line StringLiteral: log context name
  private readonly logger = new Logger('UploadSocket');
  private drive!: DriveUploadSession;
  /** What Drive has committed, as last heard from Drive. */
  private driveCommitted = 0;
  /** Where the next received frame starts. */
  private nextFrameStart = 0;
  /** Received, not yet written anywhere. */
  private readonly inbox: Piece[] = [];
  private put: StreamedPut | null = null;
  private putStart = 0;
  private putEnd = 0;
  private hash!: Md5Stream;
  /** Bytes handed to the hash so far (offsets below are hashed or on their way). */
  private hashedTo = 0;
  /** Hash states by offset, from the last saved checkpoint on. */
  private readonly states = new Map<number, Promise<string>>();
  /** Hash updates still running on the thread (bounded like frames). */
  private readonly hashing: Array<Promise<unknown>> = [];
  /** After a `rewind`: frames are dropped until the client's `resume` for this offset. */
  private awaitingResume: number | null = null;
  private readonly rewindOffsets = new Set<number>();
  /** Bumped by every rewind and new Drive session: late callbacks of an older one are ignored. */
  private epoch = 0;
  /** Bumped when the upload moves to a new Drive session: checkpoints of the old one must not land. */
  private sessionEpoch = 0;
  /** A new Drive session since the last rewind (the client is then told why it starts over). */
  private sessionReplaced = false;
  /** Bytes written to Drive's socket (what `received` last said). */
  private flushedTo = 0;
  /** Settles when the last write so far has left (or failed). */
  private lastFlush: Promise<void> = Promise.resolve();
  private failuresInARow = 0;
  private restarts = 0;
  private pumping: Promise<void> | null = null;
  /** The offset of the last checkpoint saved (or being saved) for this Drive session. */
  private savedAt: number | null = null;
  private lastSave: Promise<unknown> = Promise.resolve();
  private closed = false;
  private ended = false;
  /** Whether admins were told this upload started, and whether they were told how it ended. */
  private announced = false;
  private outcomePublished = false;
  private lastProgressEventAt = 0;

  /** Settles once the socket has closed and the session let go of the upload (checkpoint saved, lock released). */
  readonly released: Promise<void>;
  private markReleased!: () => void;

  constructor(
    private readonly ws: WebSocket,
    private file: FileDoc,
    private readonly lock: UploadLock,
    private readonly deps: UploadSocketDeps,
  ) {
    this.released = new Promise<void>((r) => (this.markReleased = r));
  }

  async start(): Promise<void> {
    this.ws.on('close', () => void this.onClose());
    this.ws.on('error', () => undefined);
    try {
      const accountId = this.file.driveAccountId as string;
      const client = await this.deps.pool.client(accountId);
      this.drive = new DriveUploadSession(accountId, client, this.deps.secrets.open(this.file.driveSessionSealed as string, this.file._id), this.file.sizeBytes);
      const status = await this.driveStatus(true);
      if (status.done) {
        // Drive already holds the whole file (a lost `success`, or an empty file).
        this.send({ type: 'ready', offset: this.file.sizeBytes, chunk_size: this.deps.chunkSize, size: this.file.sizeBytes });
        return await this.finish(status.file, await this.savedDigest());
      }
      this.driveCommitted = status.committed;
      const from = this.resumePoint(status.committed);
      await this.openHash(from.offset, from.state);
      if (from.offset > 0) this.savedAt = from.offset;
      this.nextFrameStart = from.offset;
      if (this.closed) return;
      this.sessionReplaced = false; // a session replaced before `ready` needs no rewind
      this.ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
      this.send({ type: 'ready', offset: from.offset, chunk_size: this.deps.chunkSize, size: this.file.sizeBytes });
      this.deps.events.publish({ type: 'upload.started', fileId: this.file._id, filename: this.file.filename, size: this.file.sizeBytes, resumedAt: from.offset });
      this.announced = true;
      if (this.file.sizeBytes === 0) await this.finishEmpty();
    } catch (e) {
      await this.fail(e);
    }
  }

  // ------------------------------------------------------------ client side

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    if (!isBinary) return this.onText(data.toString());
    if (this.awaitingResume !== null) return; // sent before the client saw our rewind
    const frame = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    const expected = Math.min(this.deps.chunkSize, this.file.sizeBytes - this.nextFrameStart);
    if (expected <= 0 || frame.length !== expected) {
      const why =
        expected <= 0
          ? `The file is ${this.file.sizeBytes} bytes and all of them have been received.`
          : `Expected a frame of ${expected} bytes starting at byte ${this.nextFrameStart}, got ${frame.length}.`;
      void this.fail(new SessionEnd(UploadErrorCode.BAD_CHUNK, why, 1008));
      return;
    }
    this.inbox.push({ start: this.nextFrameStart, bytes: frame });
    this.nextFrameStart += frame.length;
    if (this.inbox.length >= UPLOAD_MAX_FRAMES_IN_FLIGHT) this.ws.pause();
    this.kick();
  }

  private onText(text: string): void {
    if (text === 'DONE') return; // completion is decided by byte count
    let msg: { type?: unknown; offset?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    if (msg?.type === 'cancel') void this.cancel();
    else if (msg?.type === 'resume') {
      if (this.awaitingResume !== null && msg.offset === this.awaitingResume) {
        this.nextFrameStart = this.awaitingResume;
        this.awaitingResume = null;
        this.kick();
      } else if (!(typeof msg.offset === 'number' && this.rewindOffsets.has(msg.offset))) {
        // The answer to an older rewind is stale, not wrong; any other offset is.
        void this.fail(new SessionEnd(UploadErrorCode.BAD_CHUNK, `A resume must name the offset of the last rewind (${this.awaitingResume ?? 'none'}).`, 1008));
      }
    }
  }

  private kick(): void {
    this.pumping ??= this.pump().finally(() => {
      this.pumping = null;
      if ((this.inbox.length || this.putEndedEarly()) && !this.closed && this.awaitingResume === null) this.kick();
    });
  }

  // ------------------------------------------------------------- the pipe

  /** Moves received bytes on: to the hash only (Drive has them), or into the current Drive request. */
  private async pump(): Promise<void> {
    try {
      while ((this.inbox.length || this.putEndedEarly()) && !this.closed && this.awaitingResume === null) {
        if (this.putEndedEarly()) {
          // Drive answered (or the request broke) before its body was complete: act now,
          // since a windowed client will not send the rest of the body anyway.
          await this.settlePut();
          continue;
        }
        const piece = this.inbox[0] as Piece;
        if (piece.start < this.driveCommitted) {
          // Drive holds these bytes already: they only complete the hash.
          const n = Math.min(piece.bytes.length, this.driveCommitted - piece.start);
          await this.hashRoom();
          const bytes = piece.bytes.subarray(0, n);
          this.consume(n);
          if (!this.hashPiece(piece.start, bytes)) return;
          this.send({ type: 'received', offset: piece.start + n });
          continue;
        }
        if (!this.put) await this.openPut();
        const put = this.put as StreamedPut | null;
        if (!put) continue; // a rewind replaced the request
        const n = Math.min(piece.bytes.length, put.remaining);
        const bytes = piece.bytes.subarray(0, n);
        const start = piece.start;
        const end = start + n;
        await this.hashRoom();
        const epoch = this.epoch;
        this.consume(n);
        // Hashed once the bytes have left, so that the hash never holds up the request.
        let flushed!: () => void;
        this.lastFlush = new Promise<void>((r) => (flushed = r));
        const more = put.write(bytes, (err) => {
          flushed();
          if (err || epoch !== this.epoch) return;
          this.flushedTo = end;
          if (!this.hashPiece(start, bytes)) return;
          this.send({ type: 'received', offset: end });
          this.publishProgress(end);
        });
        if (this.inbox.length < UPLOAD_MAX_FRAMES_IN_FLIGHT && this.ws.isPaused) this.ws.resume();
        if (put.remaining === 0) await this.settlePut();
        else if (!more) await new Promise<void>((r) => put.onDrain(r));
      }
    } catch (e) {
      await this.fail(e);
    }
  }

  private putEndedEarly(): boolean {
    return !!this.put && this.put.done && this.put.remaining > 0;
  }

  private consume(n: number): void {
    const head = this.inbox[0] as Piece;
    if (n === head.bytes.length) this.inbox.shift();
    else this.inbox[0] = { start: head.start + n, bytes: head.bytes.subarray(n) };
    if (this.inbox.length < UPLOAD_MAX_FRAMES_IN_FLIGHT && this.ws.isPaused && !this.closed) this.ws.resume();
  }

  /** Waits while the hash thread has more than a few pieces to hash. */
  private async hashRoom(): Promise<void> {
    while (this.hashing.length > 1) await this.hashing.shift();
  }

  /** Hands `bytes` (at `start`) to the hash thread. False if they are not the next bytes. */
  private hashPiece(start: number, bytes: Buffer): boolean {
    if (start !== this.hashedTo) {
      void this.fail(new Error(`hash out of order: ${start} after ${this.hashedTo}`));
      return false;
    }
    const end = start + bytes.length;
    const state = this.hash.update(bytes);
    state.catch(() => undefined); // awaited where it is needed
    this.states.set(end, state);
    this.hashing.push(state.catch(() => undefined));
    this.hashedTo = end;
    return true;
  }

  private async openPut(): Promise<void> {
    const start = this.driveCommitted;
    const length = Math.min(this.deps.putSpan, this.file.sizeBytes - start);
    const put = await this.driveCall('put', () => this.drive.put(start, length), start === 0);
    this.put = put;
    this.putStart = start;
    this.putEnd = start + length;
    // An early answer must be acted on even while no frame arrives.
    const early = () => {
      if (this.put === put && put.remaining > 0) this.kick();
    };
    put.result.then(early, early);
    // The first request marks the upload `uploading`; after a rewind, the point resumed from is saved.
    this.saveCheckpoint(start);
  }

  /** Waits for Drive's answer to the request whose body is complete, and acts on it. */
  private async settlePut(): Promise<void> {
    const put = this.put as StreamedPut;
    let answer: ChunkResult;
    try {
      answer = await put.result;
      await this.lastFlush; // the last bytes' write callback (and so their hash) may come after Drive's answer
    } catch (e) {
      this.put = null;
      return this.recover(e);
    }
    this.put = null;
    if (answer.done) return this.finish(answer.file, await this.hash.digest());
    this.failuresInARow = 0;
    if (answer.committed < this.putEnd) {
      // Drive kept less than it was sent: the rest must come again.
      this.driveCommitted = Math.max(answer.committed, 0);
      return this.rewind('STORAGE_RETRY');
    }
    this.commit(answer.committed);
  }

  /** Drive has stored everything before `offset`. */
  private commit(offset: number): void {
    this.driveCommitted = offset;
    this.send({ type: 'progress', value: Math.floor((100 * offset) / this.file.sizeBytes), offset });
    this.saveCheckpoint(offset);
  }

  /** Admins' live view: bytes passed on, at most once a second. */
  private publishProgress(offset: number): void {
    if (Date.now() - this.lastProgressEventAt < 1000) return;
    this.lastProgressEventAt = Date.now();
    this.deps.events.publish({ type: 'upload.progress', fileId: this.file._id, offset, size: this.file.sizeBytes });
  }

  /** After a Drive request failed: find out what Drive holds, then continue from there. */
  private async recover(e: unknown): Promise<void> {
    if (this.closed) return; // cut by cancel or a closed socket: nothing more to send
    if (!(e instanceof DriveError)) throw e;
    if (e.kind === 'not_found') return this.restartSession();
    if ((e.kind === 'storage_full' || e.kind === 'auth_revoked' || e.kind === 'daily_cap') && this.driveCommitted === 0) {
      await this.deps.pool.reportFailure(this.drive.accountId, e);
      await this.moveAccount(e);
      return this.rewind('SESSION_RESTARTED');
    }
    if (e.kind === 'bad_request' && e.status === 400) return this.resyncOrGiveUp(e);
    if (!e.retryable) return this.giveUp(e, 'put');
    this.failuresInARow++;
    if (this.failuresInARow >= this.deps.maxAttempts) return this.giveUp(e, 'put');
    // Stryker disable next-line StringLiteral,ObjectLiteral: log text and log fields only
    this.logger.warn({ msg: 'Drive request broke; asking Drive what it holds', fileId: this.file._id, kind: e.kind, status: e.status, attempt: this.failuresInARow });
    await sleep(this.waitFor(e, this.failuresInARow));
    const status = await this.driveStatus(false);
    if (status.done) return this.finish(status.file, this.hashedTo === this.file.sizeBytes ? await this.hash.digest() : null);
    const had = this.driveCommitted;
    this.driveCommitted = status.committed;
    if (status.committed > had) this.failuresInARow = 0;
    return this.rewind('STORAGE_RETRY');
  }

  /**
   * A request refused with 400: if Drive holds another offset than the request
   * started at (a request cut earlier was still landing when the status was
   * asked), the session was out of step — continue from where Drive is.
   * Otherwise Drive refused the request itself.
   */
  private async resyncOrGiveUp(e: DriveError): Promise<void> {
    const status = await this.driveStatus(false);
    if (status.done) return this.finish(status.file, this.hashedTo === this.file.sizeBytes ? await this.hash.digest() : null);
    if (status.committed === this.putStart) return this.giveUp(e, 'put');
    // Stryker disable next-line StringLiteral,ObjectLiteral: log text and log fields only
    this.logger.warn({ msg: 'Drive was elsewhere than the request assumed; continuing from there', fileId: this.file._id, assumed: this.putStart, drive: status.committed });
    this.driveCommitted = status.committed;
    return this.rewind('STORAGE_RETRY');
  }

  /**
   * Sends the client back to the last offset whose hash state is known, at or
   * before what Drive holds; frames already on their way are dropped until the
   * client confirms with `resume`.
   */
  private async rewind(reason: 'STORAGE_RETRY' | 'SESSION_RESTARTED'): Promise<void> {
    if (this.sessionReplaced) reason = 'SESSION_RESTARTED';
    this.sessionReplaced = false;
    this.epoch++;
    this.put?.abort();
    this.put = null;
    await Promise.all(this.hashing.splice(0));
    const offset = this.knownStateAtOrBefore(this.driveCommitted);
    await this.openHash(offset, offset === 0 ? null : await (this.states.get(offset) as Promise<string>));
    this.inbox.length = 0;
    if (this.ws.isPaused && !this.closed) this.ws.resume();
    this.awaitingResume = offset;
    this.rewindOffsets.add(offset);
    this.send({ type: 'rewind', offset, reason });
  }

  private knownStateAtOrBefore(limit: number): number {
    let best = 0;
    for (const offset of this.states.keys()) if (offset <= limit && offset > best) best = offset;
    return best;
  }

  /** A new hash from `offset` with `state` (null: from nothing, at 0). */
  private async openHash(offset: number, state: string | null): Promise<void> {
    const previous = this.hash as Md5Stream | undefined;
    this.hash = await this.deps.md5.open(state);
    void previous?.close();
    this.hashedTo = offset;
    for (const at of [...this.states.keys()]) if (at > offset) this.states.delete(at);
    this.states.set(offset, Promise.resolve(state ?? ''));
  }

  // ------------------------------------------------------ sessions, accounts

  /** Drive forgot the session (404/410: "the upload must be restarted"): a new one, and the client from byte 0. */
  private async restartSession(): Promise<void> {
    await this.newSession();
    return this.rewind('SESSION_RESTARTED');
  }

  /** A new Drive session for this upload: on the same account, or another one if this one refuses. */
  private async newSession(): Promise<void> {
    this.restarts++;
    if (this.restarts > MAX_SESSION_RESTARTS) {
      throw new SessionEnd(UploadErrorCode.SESSION_EXPIRED, 'Storage keeps losing this upload. Please start it again.', 1011, 'failed');
    }
    // Stryker disable next-line StringLiteral,ObjectLiteral: log text and log fields only
    this.logger.warn({ msg: 'Drive lost the upload session; starting a new one', fileId: this.file._id, accountId: this.drive.accountId });
    try {
      const folderId = (await this.deps.pool.get(this.drive.accountId))?.folderId ?? null;
      const uri = await this.drive.client.createResumableSession({
        name: this.file.filename,
        mimeType: this.file.contentType,
        size: this.file.sizeBytes,
        parents: folderId ? [folderId] : undefined,
      });
      await this.adopt(new DriveUploadSession(this.drive.accountId, this.drive.client, uri, this.file.sizeBytes), null);
    } catch (e) {
      if (!(e instanceof DriveError)) throw e;
      await this.deps.pool.reportFailure(this.drive.accountId, e);
      await this.moveAccount(e);
    }
    this.driveCommitted = 0;
    this.sessionReplaced = true;
  }

  /** Moves the upload to another account (this one refused it); nothing of it is stored yet. */
  private async moveAccount(refusal: DriveError): Promise<void> {
    let opened;
    try {
      opened = await this.deps.pool.openSession(
        { name: this.file.filename, mimeType: this.file.contentType, size: this.file.sizeBytes },
        { exclude: [this.drive.accountId] },
      );
    } catch (e) {
      if (e instanceof NoStorageAvailableError) {
        throw new SessionEnd(UploadErrorCode.NO_STORAGE_AVAILABLE, 'No storage is available for this file right now.', 1011, 'failed');
      }
      // The pool has reported each refusing account itself; the one being left already was.
      if (e instanceof DriveError) throw e.retryable ? storageBusy() : new SessionEnd(UploadErrorCode.STORAGE_ERROR, 'Storage refused the upload.', 1011, 'failed');
      throw e;
    }
    // Stryker disable next-line StringLiteral,ObjectLiteral: log text and log fields only
    this.logger.warn({ msg: 'upload moved to another Drive account', fileId: this.file._id, from: this.drive.accountId, to: opened.session.accountId, why: refusal.kind });
    try {
      await this.adopt(opened.session, opened.reservation.bytes);
    } catch (e) {
      await this.deps.pool.release(opened.reservation);
      throw e;
    }
  }

  /** Points the upload at `session`; `reservedBytes` when it moved accounts (the old reservation is given back). */
  private async adopt(session: DriveUploadSession, reservedBytes: number | null): Promise<void> {
    this.epoch++;
    this.sessionEpoch++;
    await this.lastSave; // no checkpoint of the old session may land after this
    const moved = await this.deps.files.replaceSession(this.file._id, this.drive.accountId, {
      accountId: session.accountId,
      sessionSealed: this.deps.secrets.seal(session.uri, this.file._id),
    });
    if (!moved) throw new SessionEnd(UploadErrorCode.UPLOAD_NOT_ACTIVE, 'This upload is no longer active.', 1008);
    if (reservedBytes !== null) {
      await this.deps.pool.release({ accountId: this.drive.accountId, bytes: this.file.accountReservedBytes });
      this.file = { ...this.file, driveAccountId: session.accountId, accountReservedBytes: reservedBytes };
    }
    this.drive = session;
    this.savedAt = null;
  }

  // --------------------------------------------------------------- Drive calls

  private async driveStatus(mayFailover: boolean): Promise<ChunkResult> {
    return this.driveCall('status', () => this.drive.status(), mayFailover);
  }

  /**
   * One Drive call with bounded retries: backoff on rate limits and transient
   * errors; a new session when Drive lost this one; another account when this
   * one refuses before anything is stored.
   */
  private async driveCall<T>(what: string, call: () => Promise<T>, mayFailover: boolean): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await call();
        if (attempt > 1) await this.deps.pool.reportSuccess(this.drive.accountId);
        return result;
      } catch (e) {
        if (!(e instanceof DriveError)) throw e;
        if (e.kind === 'not_found' && what === 'status') {
          await this.newSession();
          continue;
        }
        if ((e.kind === 'storage_full' || e.kind === 'auth_revoked' || e.kind === 'daily_cap') && mayFailover && this.driveCommitted === 0) {
          await this.deps.pool.reportFailure(this.drive.accountId, e);
          await this.moveAccount(e);
          continue;
        }
        if (!e.retryable || attempt >= this.deps.maxAttempts) return this.giveUp(e, what);
        const wait = this.waitFor(e, attempt);
        // Stryker disable next-line StringLiteral,ObjectLiteral: log text and log fields only
        this.logger.warn({ msg: 'Drive call failed; retrying', what, fileId: this.file._id, kind: e.kind, attempt, waitMs: wait });
        await sleep(wait);
        if (this.closed && what !== 'status') throw new SessionEnd('CLOSED', 'closed', 1000);
      }
    }
  }

  private async giveUp(e: DriveError, what: string): Promise<never> {
    // Stryker disable next-line StringLiteral,ObjectLiteral: log text and log fields only
    this.logger.warn({ msg: 'Drive call failed; giving up', what, fileId: this.file._id, kind: e.kind, reason: e.reason, status: e.status });
    await this.deps.pool.reportFailure(this.drive.accountId, e);
    if (e.retryable) throw storageBusy();
    throw new SessionEnd(UploadErrorCode.STORAGE_ERROR, 'Storage refused the upload.', 1011, 'failed');
  }

  private waitFor(e: DriveError, attempt: number): number {
    const backoff = this.deps.retryBaseMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2);
    return e.kind === 'rate_limited' ? Math.min(e.retryAfterMs ?? backoff, 30_000) : backoff;
  }

  // ------------------------------------------------------------ checkpoints

  /** Where a (re)connected client starts: the saved hash state, if it is at or before what Drive holds. */
  private resumePoint(driveCommitted: number): { offset: number; state: string | null } {
    const f = this.file;
    const saved: Array<[number | null, string | null]> = [
      [f.committedBytes, f.md5State],
      [f.pendingEnd, f.pendingMd5State],
      [f.nextEnd, f.nextMd5State],
    ];
    let best: { offset: number; state: string | null } = { offset: 0, state: null };
    for (const [offset, state] of saved) {
      if (offset !== null && state && offset <= driveCommitted && offset > best.offset) best = { offset, state };
    }
    return best;
  }

  /** Saves the hash state at `offset` (which Drive holds), after any earlier save. Never on the path of a byte. */
  private saveCheckpoint(offset: number): void {
    const state = this.states.get(offset);
    if (!state || (this.savedAt !== null && offset <= this.savedAt)) return;
    this.savedAt = offset;
    const epoch = this.sessionEpoch;
    this.lastSave = this.lastSave
      .then(async () => {
        const md5State = await state;
        if (epoch !== this.sessionEpoch) return;
        await this.deps.files.saveProgress(this.file._id, {
          committedBytes: offset,
          md5State,
          pendingEnd: null,
          pendingMd5State: null,
          nextEnd: null,
          nextMd5State: null,
        });
        for (const at of [...this.states.keys()]) if (at < offset) this.states.delete(at);
      })
      .catch((err: unknown) => {
        // Stryker disable next-line StringLiteral,ObjectLiteral: log text and log fields only
        this.logger.warn({ msg: 'checkpoint not saved; a resume will resend more', fileId: this.file._id, offset, err: String(err) });
      });
  }

  /** The digest of the whole file from a saved state, for a finish found at connect time. */
  private async savedDigest(): Promise<string | null> {
    const f = this.file;
    const state = f.committedBytes === f.sizeBytes ? f.md5State : f.pendingEnd === f.sizeBytes ? f.pendingMd5State : f.nextEnd === f.sizeBytes ? f.nextMd5State : null;
    if (!state && f.sizeBytes !== 0) return null;
    const h = await this.deps.md5.open(state);
    try {
      return await h.digest();
    } finally {
      void h.close();
    }
  }

  // ------------------------------------------------------------------- end

  /**
   * An empty file cannot finish a resumable session (Google documents no request that
   * would): it is stored with a one-request upload instead, and the session dropped.
   */
  private async finishEmpty(): Promise<void> {
    const folderId = (await this.deps.pool.get(this.drive.accountId))?.folderId ?? null;
    const stored = await this.driveCall(
      'empty',
      () =>
        this.drive.client.uploadSmallFile({
          name: this.file.filename,
          mimeType: this.file.contentType,
          parents: folderId ? [folderId] : undefined,
          body: Buffer.alloc(0),
        }),
      true,
    );
    await this.drive.cancel().catch(() => undefined);
    await this.finish(stored, await this.hash.digest());
  }

  /** Drive has the whole file: compare it with what was sent, then complete the upload. */
  private async finish(stored: DriveUploadedFile, expectedMd5: string | null): Promise<void> {
    const f = this.file;
    const sizeOk = Number(stored.size) === f.sizeBytes;
    const md5Ok = !expectedMd5 || !stored.md5Checksum || stored.md5Checksum === expectedMd5;
    if (!expectedMd5) {
      // Stryker disable next-line StringLiteral,ObjectLiteral: log text and log fields only
      this.logger.warn({ msg: 'finished without the hash of every byte; only the size is verified', fileId: f._id });
    }
    if (!sizeOk || !md5Ok) {
      // Stryker disable next-line StringLiteral,ObjectLiteral: log text and log fields only
      this.logger.error({ msg: 'stored file does not match what was sent', fileId: f._id, sizeOk, md5Ok });
      await this.drive.client.deleteFile(stored.id).catch(() => undefined);
      throw new SessionEnd(UploadErrorCode.CHECKSUM_MISMATCH, 'The stored file did not match what was sent. Please upload it again.', 1011, 'failed');
    }
    const md5 = stored.md5Checksum ?? expectedMd5 ?? '';
    const completed = await this.deps.ledger.complete(f._id, { driveFileId: stored.id, md5, sizeBytes: f.sizeBytes });
    if (!completed) throw new SessionEnd(UploadErrorCode.UPLOAD_NOT_ACTIVE, 'This upload is no longer active.', 1008);
    this.ended = true;
    await this.deps.pool.reportSuccess(this.drive.accountId).catch(() => undefined);
    this.driveCommitted = f.sizeBytes;
    this.send({ type: 'progress', value: 100, offset: f.sizeBytes });
    this.send({ type: 'success', value: `/api/v1/download/stream/${f._id}`, file_id: f._id });
    this.deps.events.publish({ type: 'upload.completed', fileId: f._id, filename: f.filename, size: f.sizeBytes });
    this.outcomePublished = true;
    this.close(1000);
  }

  private async cancel(): Promise<void> {
    this.closed = true;
    this.ws.pause();
    this.put?.abort();
    await this.pumping?.catch(() => undefined);
    await this.deps.ledger.end(this.file._id, 'cancelled', 'CANCELLED');
    this.ended = true;
    this.deps.events.publish({ type: 'upload.cancelled', fileId: this.file._id });
    this.outcomePublished = true;
    this.send({ type: 'error', code: UploadErrorCode.CANCELLED, value: 'The upload was cancelled.' });
    this.close(1000);
  }

  private async fail(e: unknown): Promise<void> {
    const end = e instanceof SessionEnd ? e : new SessionEnd(UploadErrorCode.STORAGE_ERROR, 'Something went wrong on our side; reconnect to resume the upload.', 1011);
    // Stryker disable next-line StringLiteral,ObjectLiteral: log text and log fields only
    if (!(e instanceof SessionEnd)) this.logger.error({ msg: 'upload socket failed', fileId: this.file._id, err: e });
    if (end.code === 'CLOSED' || this.ended) return;
    this.closed = true;
    this.put?.abort();
    if (end.endUpload) {
      await this.deps.ledger.end(this.file._id, end.endUpload, end.code).catch(() => undefined);
      this.ended = true;
    }
    this.deps.events.publish({ type: 'upload.failed', fileId: this.file._id, code: end.code });
    this.outcomePublished = true;
    this.send({ type: 'error', code: end.code, value: end.userMessage });
    this.close(end.closeCode);
  }

  private send(message: UploadServerMessage): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private close(code: number): void {
    this.closed = true;
    if (this.ws.readyState !== WS_CLOSED) this.ws.close(code);
  }

  private async onClose(): Promise<void> {
    this.closed = true;
    this.inbox.length = 0;
    // Without this, the admin dashboard would count a dropped upload as active until it expires.
    if (this.announced && !this.outcomePublished) {
      this.outcomePublished = true;
      this.deps.events.publish({ type: 'upload.disconnected', fileId: this.file._id, offset: this.driveCommitted });
    }
    // No more bytes will come for the open request: cut it, and save the
    // checkpoint closest to what Drive kept, so a reconnect resends little.
    const cut = this.put;
    this.put?.abort();
    try {
      await this.pumping?.catch(() => undefined);
      if (cut && !this.ended) await this.checkpointAfterCut().catch(() => undefined);
      await this.lastSave;
      void this.hash?.close();
    } catch {
      // the lock is released below whatever happened
    }
    // The lock is held until here, so a reconnect elsewhere never races this socket on the Drive session.
    try {
      await this.lock.release();
    } finally {
      this.markReleased();
    }
  }

  private async checkpointAfterCut(): Promise<void> {
    await Promise.all(this.hashing.splice(0));
    // Drive may still be taking in the request just cut: it answers a 5xx, or an
    // offset short of the bytes that left here, for a moment.
    const expected = Math.floor(this.flushedTo / RESUMABLE_CHUNK_ALIGNMENT) * RESUMABLE_CHUNK_ALIGNMENT;
    for (let attempt = 1; attempt <= 4; attempt++) {
      try {
        const status = await this.drive.status();
        if (status.done) return;
        if (status.committed >= expected || attempt === 4) {
          this.saveCheckpoint(this.knownStateAtOrBefore(status.committed));
          return;
        }
      } catch {
        // asked again below
      }
      await sleep(100 * attempt);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
