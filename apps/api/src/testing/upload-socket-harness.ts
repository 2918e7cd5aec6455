/// <reference types="jest" />
import { FileDoc, FileRepository, SecretBox } from '@ddx/server-database';
import { LiveEventsPublisher } from '@ddx/server-queue';
import { ChunkResult, DriveAccountPool, DriveClient, DriveError, DriveErrorKind } from '@ddx/server-drive';
import { UploadLedger } from '@ddx/server-uploads';
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';

import { ResumableMd5 } from '../app/upload/resumable-md5';
import { UploadLock } from '../app/upload/upload-lock';
import { UploadSocketDeps, UploadSocketSession } from '../app/upload/upload-socket.session';
import { strictMock } from './strict-mock';

export const CHUNK = 1024;

export const md5Hex = (data: Uint8Array) => createHash('md5').update(data).digest('hex');

/** The saved MD5 state after hashing `data`, as the session stores it. */
export async function md5StateOf(data: Uint8Array): Promise<string> {
  const h = await ResumableMd5.start();
  h.update(data);
  return h.save();
}

export const driveError = (kind: DriveErrorKind, extra: { retryAfterMs?: number; status?: number } = {}) =>
  new DriveError({ kind, operation: 'test', status: extra.status ?? null, reason: null, retryAfterMs: extra.retryAfterMs, message: kind });

/** A socket that records what the session sends and how it closes it. */
export class FakeSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  isPaused = false;
  closeCode: number | null = null;
  readonly sent: Array<{ type: string; [k: string]: unknown }> = [];
  readonly pauses: number[] = [];
  send(text: string): void {
    this.sent.push(JSON.parse(text));
  }
  close(code: number): void {
    this.closeCode = code;
    this.readyState = 3;
    this.emit('close');
  }
  pause(): void {
    this.isPaused = true;
    this.pauses.push(Date.now());
  }
  resume(): void {
    this.isPaused = false;
  }
  frame(data: Buffer): void {
    this.emit('message', data, true);
  }
  text(text: string): void {
    this.emit('message', Buffer.from(text), false);
  }
}

/** Drive storing every chunk it is sent, ending with the size and MD5 of what it holds. */
export function honestDrive(size: number, start: Buffer = Buffer.alloc(0)) {
  let held = start;
  return {
    get held() {
      return held;
    },
    put: async (_uri: string, offset: number, body: Buffer): Promise<ChunkResult> => {
      held = Buffer.concat([held.subarray(0, offset), body]);
      if (held.length === size) return { done: true, file: { id: 'drive-file', name: 'f', size: String(size), md5Checksum: md5Hex(held) } as never };
      return { done: false, committed: held.length };
    },
  };
}

export interface HarnessOptions {
  file?: Partial<FileDoc>;
  size: number;
  committed?: number;
  put?: (uri: string, offset: number, body: Buffer, size: number) => Promise<ChunkResult>;
  maxAttempts?: number;
}

/** One session with every dependency strictly mocked. */
export function harness(options: HarnessOptions) {
  const client = strictMock<DriveClient>('client', {
    queryCommitted: jest.fn(async (): Promise<ChunkResult> => ({ done: false, committed: options.committed ?? 0 })),
    putChunk: jest.fn(options.put ?? honestDrive(options.size).put),
    deleteFile: jest.fn(async () => undefined),
  });
  const files = strictMock<FileRepository>('files', {
    saveProgress: jest.fn(async () => true),
  });
  const ledger = strictMock<UploadLedger>('ledger', { complete: jest.fn(async () => ({})), end: jest.fn(async () => true) });
  const pool = strictMock<DriveAccountPool>('pool', {
    client: jest.fn(async () => client),
    reportSuccess: jest.fn(async () => undefined),
    reportFailure: jest.fn(async () => undefined),
  });
  const secrets = strictMock<SecretBox>('secrets', { open: jest.fn(() => 'session-uri') });
  const events = strictMock<LiveEventsPublisher>('events', { publish: jest.fn() });
  const lock = strictMock<UploadLock>('lock', { release: jest.fn(async () => undefined) });
  const deps: UploadSocketDeps = { files, ledger, pool, secrets, events, chunkSize: CHUNK, maxAttempts: options.maxAttempts ?? 3, retryBaseMs: 1 };
  const file = {
    _id: 'file-1',
    filename: 'f.bin',
    contentType: 'application/octet-stream',
    sizeBytes: options.size,
    driveAccountId: 'acc-1',
    driveSessionSealed: 'sealed',
    accountReservedBytes: options.size,
    committedBytes: 0,
    md5State: null,
    pendingEnd: null,
    pendingMd5State: null,
    nextEnd: null,
    nextMd5State: null,
    ...options.file,
  } as unknown as FileDoc;
  const ws = new FakeSocket();
  const session = new UploadSocketSession(ws as unknown as WebSocket, file, lock, deps);
  const outcome = () => ws.sent.find((m) => m.type === 'success' || m.type === 'error');
  return {
    ws,
    session,
    client,
    files,
    ledger,
    pool,
    secrets,
    events,
    lock,
    deps,
    file,
    outcome,
    /** Waits until the session has sent its success or error. */
    async settled() {
      for (let i = 0; i < 400 && !outcome(); i++) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 5));
      return outcome();
    },
    /** Sends `data` from `from` in chunk-sized frames, all at once. */
    sendAll(data: Buffer, from = 0) {
      for (let at = from; at < data.length; at += CHUNK) ws.frame(data.subarray(at, at + CHUNK));
    },
  };
}
