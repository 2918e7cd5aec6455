import { UPLOAD_MAX_FRAMES_IN_FLIGHT, UploadErrorCode, UploadServerMessage } from '@ddx/contracts';
import { FileDoc, FileRepository, SecretBox } from '@ddx/server-database';
import { LiveEventsPublisher } from '@ddx/server-queue';
import { ChunkResult, DriveAccountPool, DriveClient, DriveError, DriveUploadedFile, NoStorageAvailableError } from '@ddx/server-drive';
import { UploadLedger } from '@ddx/server-uploads';
import { Logger } from '@nestjs/common';
import { RawData, WebSocket } from 'ws';

import { ResumableMd5 } from './resumable-md5';
import { UploadLock } from './upload-lock';

export interface UploadSocketDeps {
  files: FileRepository;
  ledger: UploadLedger;
  pool: DriveAccountPool;
  secrets: SecretBox;
  events: LiveEventsPublisher;
  chunkSize: number;
  /** Attempts per Drive call on transient errors before the socket gives up (the upload stays resumable). */
  maxAttempts: number;
  retryBaseMs: number;
}

/** Ends the socket with an error message; `fatal` also ends the upload. */
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

/** A received frame with the upload's MD5 state before and after it. */
interface QueuedFrame {
  frame: Buffer;
  md5Before: string | null;
  md5After: string | null;
}

/**
 * One upload socket: frames in, resumable PUTs out. The committed offset only
 * comes from Drive; the client is told about bytes Drive has stored and no
 * others. At most UPLOAD_MAX_FRAMES_IN_FLIGHT frames wait here — beyond that
 * the socket stops reading, so memory per upload stays a few chunks.
 */
export class UploadSocketSession {
  // Stryker disable next-line StringLiteral: log context name
  private readonly logger = new Logger('UploadSocket');
  private readonly queue: QueuedFrame[] = [];
  private client!: DriveClient;
  private sessionUri!: string;
  private accountId!: string;
  private committed = 0;
  /** Where the next received frame starts. */
  private nextFrameStart = 0;
  /** Null when a crash lost the hash of some committed bytes (then only the size is checked). */
  private hasher: ResumableMd5 | null = null;
  private pumping?: Promise<void>;
  private closed = false;
  /** Whether admins were told this upload started, and whether they were told how it ended. */
  private announced = false;
  private outcomePublished = false;
  private lastProgressEventAt = 0;
  /** The chunk whose PUT is running, with its hash states. */
  private inFlight: { start: number; end: number; md5Before: string | null; md5After: string | null } | null = null;
  /** A checkpoint save already issued for the chunk after the one in flight. */
  private ahead: { end: number; saved: Promise<boolean> } | null = null;

  constructor(
    private readonly ws: WebSocket,
    private file: FileDoc,
    private readonly lock: UploadLock,
    private readonly deps: UploadSocketDeps,
  ) {}

  async start(): Promise<void> {
    this.ws.on('close', () => void this.onClose());
    this.ws.on('error', () => undefined);
    try {
      this.accountId = this.file.driveAccountId as string;
      this.client = await this.deps.pool.client(this.accountId);
      this.sessionUri = this.deps.secrets.open(this.file.driveSessionSealed as string, this.file._id);
      const status = await this.withRetries('status', () => this.client.queryCommitted(this.sessionUri, this.file.sizeBytes), true);
      if (status.done) {
        // Drive already holds the whole file (a lost `success`, or an empty file).
        this.send({ type: 'ready', offset: this.file.sizeBytes, chunk_size: this.deps.chunkSize, size: this.file.sizeBytes });
        return await this.finish(status.file, null);
      }
      await this.restoreHash(status.committed);
      this.committed = status.committed;
      this.nextFrameStart = status.committed;
      if (this.closed) return;
      this.ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
      this.send({ type: 'ready', offset: this.committed, chunk_size: this.deps.chunkSize, size: this.file.sizeBytes });
      this.deps.events.publish({ type: 'upload.started', fileId: this.file._id, filename: this.file.filename, size: this.file.sizeBytes, resumedAt: this.committed });
      this.announced = true;
      if (this.file.sizeBytes === 0) await this.finishEmpty();
    } catch (e) {
      await this.fail(e);
    }
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    if (!isBinary) {
      const text = data.toString();
      if (text === 'DONE') return; // completion is decided by byte count
      let type: unknown;
      try {
        type = (JSON.parse(text) as { type?: unknown }).type;
      } catch {
        type = undefined;
      }
      if (type === 'cancel') void this.cancel();
      return;
    }
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
    this.nextFrameStart += frame.length;
    // Hashed on arrival, i.e. while the previous frame's PUT is in flight,
    // instead of on the path between two PUTs.
    const md5Before = this.hasher?.save() ?? null;
    this.hasher?.update(frame);
    this.queue.push({ frame, md5Before, md5After: this.hasher?.save() ?? null });
    if (this.queue.length > UPLOAD_MAX_FRAMES_IN_FLIGHT) this.ws.pause();
    this.saveAhead();
    this.pumping ??= this.pump().finally(() => (this.pumping = undefined));
  }

  private async pump(): Promise<void> {
    while (this.queue.length && !this.closed) {
      const next = this.queue[0] as QueuedFrame;
      try {
        await this.sendFrame(next);
      } catch (e) {
        await this.fail(e);
        return;
      }
      this.queue.shift();
      if (this.queue.length <= UPLOAD_MAX_FRAMES_IN_FLIGHT && this.ws.isPaused) this.ws.resume();
    }
  }

  private async sendFrame({ frame, md5Before, md5After }: QueuedFrame): Promise<void> {
    const start = this.committed;
    const end = start + frame.length;
    // Before a byte of this chunk goes out, MongoDB must hold the hash states
    // for every offset Drive can be at until the next save lands, so that a
    // process dying anywhere is continued exactly by the next one. Usually the
    // save was already made while the previous PUT ran (see `saveAhead`), so
    // this costs no round trip between two PUTs.
    const ahead = this.ahead;
    this.ahead = null;
    if (ahead?.end === end) await ahead.saved;
    else {
      if (ahead) await ahead.saved.catch(() => undefined);
      await this.deps.files.saveProgress(this.file._id, {
        committedBytes: start,
        md5State: md5Before ?? '',
        pendingEnd: end,
        pendingMd5State: md5After,
        nextEnd: null,
        nextMd5State: null,
      });
    }
    this.inFlight = { start, end, md5Before, md5After };
    this.saveAhead();
    try {
      let offset = start;
      let body = frame;
      for (let round = 1; ; round++) {
        if (round > this.deps.maxAttempts) {
          throw new SessionEnd(UploadErrorCode.STORAGE_ERROR, 'Storage is not answering right now; reconnect to resume the upload.', 1011);
        }
        const result = await this.putOrRecover(offset, body, start === 0, round);
        if (result.done) return await this.finish(result.file, this.hasher);
        const c = result.committed;
        if (c >= end) break;
        if (c < start) {
          // Drive lost bytes we had acknowledged; the client must resend from c.
          throw new SessionEnd(UploadErrorCode.STORAGE_ERROR, 'Storage lost part of the upload; reconnect to resume.', 1011);
        }
        body = frame.subarray(c - start);
        offset = c;
      }
    } finally {
      this.inFlight = null;
    }
    this.committed = end;
    this.send({ type: 'progress', value: Math.floor((100 * end) / this.file.sizeBytes), offset: end });
    if (Date.now() - this.lastProgressEventAt >= 1000) {
      this.lastProgressEventAt = Date.now();
      this.deps.events.publish({ type: 'upload.progress', fileId: this.file._id, offset: end, size: this.file.sizeBytes });
    }
  }

  /**
   * While a chunk PUT runs and the next frame is already here, saves the
   * checkpoint the next PUT needs: it covers the in-flight chunk's start and
   * end (Drive is at one of them until the PUT answers) and the next frame's
   * end. Issued only after the in-flight chunk's own save landed, so saves
   * never overtake each other.
   */
  private saveAhead(): void {
    const current = this.inFlight;
    const next = this.queue[1];
    if (!current || !next || this.ahead) return;
    const end = current.end + next.frame.length;
    const saved = this.deps.files.saveProgress(this.file._id, {
      committedBytes: current.start,
      md5State: current.md5Before ?? '',
      pendingEnd: current.end,
      pendingMd5State: current.md5After,
      nextEnd: end,
      nextMd5State: next.md5After,
    });
    saved.catch(() => undefined); // awaited by the next sendFrame
    this.ahead = { end, saved };
  }

  /** One chunk PUT; on a broken connection or 5xx the committed offset is asked for instead. */
  private async putOrRecover(offset: number, body: Buffer, firstChunk: boolean, round: number): Promise<ChunkResult> {
    try {
      return await this.withRetries('chunk', () => this.client.putChunk(this.sessionUri, offset, body, this.file.sizeBytes), firstChunk, false);
    } catch (e) {
      if (e instanceof DriveError && e.kind === 'transient') {
        // Part of the chunk may have been stored: ask Drive before sending again.
        // Stryker disable next-line StringLiteral,ObjectLiteral: log text and log fields only
        this.logger.warn({ msg: 'chunk PUT broke; asking Drive for the committed offset', fileId: this.file._id, status: e.status, round });
        await sleep(this.backoff(round));
        return this.withRetries('status', () => this.client.queryCommitted(this.sessionUri, this.file.sizeBytes), false);
      }
      throw e;
    }
  }

  /**
   * Runs a Drive call with bounded retries: backoff on rate limits and
   * transient errors; failover to another account when this one refuses
   * before any byte is stored; a lost session ends the upload.
   */
  private async withRetries<T>(what: string, call: () => Promise<T>, mayFailover: boolean, retryTransient = true): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await call();
        if (attempt > 1) await this.deps.pool.reportSuccess(this.accountId);
        return result;
      } catch (e) {
        if (!(e instanceof DriveError)) throw e;
        if (e.kind === 'not_found') {
          throw new SessionEnd(UploadErrorCode.SESSION_EXPIRED, 'This upload session has expired. Please start the upload again.', 1008, 'failed');
        }
        if ((e.kind === 'storage_full' || e.kind === 'auth_revoked' || e.kind === 'daily_cap') && mayFailover && this.committed === 0) {
          await this.deps.pool.reportFailure(this.accountId, e);
          await this.failover();
          continue;
        }
        if (e.kind === 'transient' && !retryTransient) throw e;
        if (!e.retryable || attempt >= this.deps.maxAttempts) {
          // Stryker disable next-line StringLiteral,ObjectLiteral: log text and log fields only
          this.logger.warn({ msg: 'Drive call failed; giving up', what, fileId: this.file._id, kind: e.kind, reason: e.reason, status: e.status, attempt });
          await this.deps.pool.reportFailure(this.accountId, e);
          if (e.retryable) throw new SessionEnd(UploadErrorCode.STORAGE_ERROR, 'Storage is not answering right now; reconnect to resume the upload.', 1011);
          throw new SessionEnd(UploadErrorCode.STORAGE_ERROR, 'Storage refused the upload.', 1011, 'failed');
        }
        const wait = e.kind === 'rate_limited' ? Math.min(e.retryAfterMs ?? this.backoff(attempt), 30_000) : this.backoff(attempt);
        // Stryker disable next-line StringLiteral,ObjectLiteral: log text and log fields only
        this.logger.warn({ msg: 'Drive call failed; retrying', what, fileId: this.file._id, kind: e.kind, attempt, waitMs: wait });
        await sleep(wait);
        if (this.closed && what !== 'status') throw new SessionEnd('CLOSED', 'closed', 1000);
      }
    }
  }

  private backoff(attempt: number): number {
    return this.deps.retryBaseMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2);
  }

  /** Moves an upload that has stored nothing to another account, transparently for the client. */
  private async failover(): Promise<void> {
    let reservation;
    try {
      reservation = await this.deps.pool.reserve(this.file.sizeBytes, { exclude: [this.accountId] });
    } catch (e) {
      if (e instanceof NoStorageAvailableError) {
        throw new SessionEnd(UploadErrorCode.NO_STORAGE_AVAILABLE, 'No storage is available for this file right now.', 1011, 'failed');
      }
      throw e;
    }
    try {
      const client = await this.deps.pool.client(reservation.accountId);
      const sessionUri = await client.createResumableSession({
        name: this.file.filename,
        mimeType: this.file.contentType,
        size: this.file.sizeBytes,
        parents: reservation.folderId ? [reservation.folderId] : undefined,
      });
      const moved = await this.deps.files.switchAccount(this.file._id, this.accountId, {
        accountId: reservation.accountId,
        sessionSealed: this.deps.secrets.seal(sessionUri, this.file._id),
      });
      if (!moved) throw new SessionEnd(UploadErrorCode.UPLOAD_NOT_ACTIVE, 'This upload is no longer active.', 1008);
      await this.deps.pool.release({ accountId: this.accountId, bytes: this.file.accountReservedBytes });
      // Stryker disable next-line StringLiteral,ObjectLiteral: log text and log fields only
      this.logger.warn({ msg: 'upload moved to another Drive account', fileId: this.file._id, from: this.accountId, to: reservation.accountId });
      this.file = { ...this.file, driveAccountId: reservation.accountId, accountReservedBytes: reservation.bytes };
      this.accountId = reservation.accountId;
      this.client = client;
      this.sessionUri = sessionUri;
      // Nothing was stored, so the hash (of at most the frame being retried) stays valid.
      this.committed = 0;
    } catch (e) {
      await this.deps.pool.release(reservation);
      if (e instanceof DriveError) await this.deps.pool.reportFailure(reservation.accountId, e);
      throw e;
    }
  }

  private async restoreHash(driveCommitted: number): Promise<void> {
    const f = this.file;
    if (driveCommitted === 0) this.hasher = await ResumableMd5.start();
    else if (driveCommitted === f.committedBytes && f.md5State) this.hasher = await ResumableMd5.start(f.md5State);
    else if (driveCommitted === f.pendingEnd && f.pendingMd5State) this.hasher = await ResumableMd5.start(f.pendingMd5State);
    else if (driveCommitted === f.nextEnd && f.nextMd5State) this.hasher = await ResumableMd5.start(f.nextMd5State);
    else {
      this.hasher = null;
      // Stryker disable next-line StringLiteral,ObjectLiteral: log text and log fields only
      this.logger.warn({ msg: 'hash state lost for committed bytes; only the size will be verified', fileId: f._id, driveCommitted });
    }
  }

  private async finishEmpty(): Promise<void> {
    const result = await this.withRetries('chunk', () => this.client.putChunk(this.sessionUri, 0, Buffer.alloc(0), 0), true);
    if (!result.done) throw new SessionEnd(UploadErrorCode.STORAGE_ERROR, 'Storage did not accept the empty file.', 1011);
    await this.finish(result.file, this.hasher);
  }

  private async finish(stored: DriveUploadedFile, hasher: ResumableMd5 | null): Promise<void> {
    const f = this.file;
    let expectedMd5: string | null = hasher ? hasher.peekHex() : null;
    if (!hasher) {
      const saved =
        f.nextEnd === f.sizeBytes ? f.nextMd5State : f.pendingEnd === f.sizeBytes ? f.pendingMd5State : f.committedBytes === f.sizeBytes ? f.md5State : null;
      if (saved) expectedMd5 = (await ResumableMd5.start(saved)).peekHex();
    }
    const sizeOk = Number(stored.size) === f.sizeBytes;
    const md5Ok = !expectedMd5 || !stored.md5Checksum || stored.md5Checksum === expectedMd5;
    if (!sizeOk || !md5Ok) {
      // Stryker disable next-line StringLiteral,ObjectLiteral: log text and log fields only
      this.logger.error({ msg: 'stored file does not match what was sent', fileId: f._id, sizeOk, md5Ok });
      await this.client.deleteFile(stored.id).catch(() => undefined);
      throw new SessionEnd(UploadErrorCode.CHECKSUM_MISMATCH, 'The stored file did not match what was sent. Please upload it again.', 1011, 'failed');
    }
    const md5 = stored.md5Checksum ?? expectedMd5 ?? '';
    const completed = await this.deps.ledger.complete(f._id, { driveFileId: stored.id, md5, sizeBytes: f.sizeBytes });
    if (!completed) throw new SessionEnd(UploadErrorCode.UPLOAD_NOT_ACTIVE, 'This upload is no longer active.', 1008);
    await this.deps.pool.reportSuccess(this.accountId).catch(() => undefined);
    this.committed = f.sizeBytes;
    this.send({ type: 'progress', value: 100, offset: f.sizeBytes });
    this.send({ type: 'success', value: `/api/v1/download/stream/${f._id}`, file_id: f._id });
    this.deps.events.publish({ type: 'upload.completed', fileId: f._id, filename: f.filename, size: f.sizeBytes });
    this.outcomePublished = true;
    this.close(1000);
  }

  private async cancel(): Promise<void> {
    this.closed = true;
    this.ws.pause();
    await this.pumping?.catch(() => undefined);
    await this.deps.ledger.end(this.file._id, 'cancelled', 'CANCELLED');
    this.deps.events.publish({ type: 'upload.cancelled', fileId: this.file._id });
    this.outcomePublished = true;
    this.send({ type: 'error', code: UploadErrorCode.CANCELLED, value: 'The upload was cancelled.' });
    this.close(1000);
  }

  private async fail(e: unknown): Promise<void> {
    const end =
      e instanceof SessionEnd
        ? e
        : new SessionEnd(UploadErrorCode.STORAGE_ERROR, 'Something went wrong on our side; reconnect to resume the upload.', 1011);
    // Stryker disable next-line StringLiteral,ObjectLiteral: log text and log fields only
    if (!(e instanceof SessionEnd)) this.logger.error({ msg: 'upload socket failed', fileId: this.file._id, err: e });
    if (end.code === 'CLOSED') return;
    this.closed = true;
    if (end.endUpload) await this.deps.ledger.end(this.file._id, end.endUpload, end.code).catch(() => undefined);
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
    this.queue.length = 0;
    // Without this, the admin dashboard would count a dropped upload as active until it expires.
    if (this.announced && !this.outcomePublished) {
      this.outcomePublished = true;
      this.deps.events.publish({ type: 'upload.disconnected', fileId: this.file._id, offset: this.committed });
    }
    // Keep the lock until an in-flight PUT settles, so a reconnect elsewhere
    // never races it on the same Drive session.
    await this.pumping?.catch(() => undefined);
    await this.lock.release();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
