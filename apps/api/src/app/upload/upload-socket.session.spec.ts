import { FileDoc, UploadCheckpoint } from '@ddx/server-database';
import { ChunkResult } from '@ddx/server-drive';
import { EventEmitter } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';

import { ResumableMd5 } from './resumable-md5';
import { UploadLock } from './upload-lock';
import { UploadSocketDeps, UploadSocketSession } from './upload-socket.session';

const CHUNK = 1024;

class FakeSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  isPaused = false;
  readonly sent: Array<{ type: string; [k: string]: unknown }> = [];
  send(text: string): void {
    this.sent.push(JSON.parse(text));
  }
  close(): void {
    this.readyState = 3;
    this.emit('close');
  }
  pause(): void {
    this.isPaused = true;
  }
  resume(): void {
    this.isPaused = false;
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
const md5Hex = (data: Buffer) => createHash('md5').update(data).digest('hex');

/**
 * The checkpoint protocol: before any byte of a chunk reaches Drive, MongoDB
 * must already hold MD5 states for every offset Drive can be at until the next
 * save lands, so a process that dies at any moment is continued exactly.
 */
describe('UploadSocketSession checkpoints', () => {
  async function upload(data: Buffer, options: { saveMs: number; putMs: number }) {
    let landed: UploadCheckpoint | null = null;
    let putsInFlight = 0;
    let putsStarted = 0;
    /** Saves that landed between two PUTs, i.e. that the next PUT had to wait for. */
    let savesBetweenPuts = 0;
    const uncovered: string[] = [];

    const statesAt = (c: UploadCheckpoint): Map<number, string> => {
      const m = new Map<number, string>();
      if (c.md5State) m.set(c.committedBytes, c.md5State);
      if (c.pendingEnd !== null && c.pendingMd5State) m.set(c.pendingEnd, c.pendingMd5State);
      if (c.nextEnd !== null && c.nextMd5State) m.set(c.nextEnd, c.nextMd5State);
      return m;
    };
    const checkCovered = async (offset: number, why: string) => {
      if (offset === 0) return; // a fresh hash
      const state = landed ? statesAt(landed).get(offset) : undefined;
      if (!state) return void uncovered.push(`${why}: no state for ${offset}`);
      if ((await ResumableMd5.start(state)).peekHex() !== md5Hex(data.subarray(0, offset))) uncovered.push(`${why}: wrong state for ${offset}`);
    };

    const client = {
      queryCommitted: async (): Promise<ChunkResult> => ({ done: false, committed: 0 }),
      putChunk: async (_uri: string, offset: number, body: Buffer): Promise<ChunkResult> => {
        // Drive may end up at either end of this chunk if the process dies now.
        await checkCovered(offset, 'chunk start');
        await checkCovered(offset + body.length, 'chunk end');
        putsInFlight++;
        putsStarted++;
        await delay(options.putMs);
        putsInFlight--;
        const end = offset + body.length;
        if (end === data.length) return { done: true, file: { id: 'drive-1', name: 'f', size: String(end), md5Checksum: md5Hex(data) } as never };
        return { done: false, committed: end };
      },
    };
    const deps = {
      files: {
        saveProgress: async (_id: string, checkpoint: UploadCheckpoint) => {
          await delay(options.saveMs);
          landed = checkpoint;
          if (putsStarted > 0 && putsInFlight === 0) savesBetweenPuts++;
          return true;
        },
      },
      ledger: { complete: async () => ({}), end: async () => ({}) },
      pool: { client: async () => client, reportSuccess: async () => undefined },
      secrets: { open: () => 'session-uri' },
      events: { publish: () => undefined },
      chunkSize: CHUNK,
      maxAttempts: 3,
      retryBaseMs: 1,
    } as unknown as UploadSocketDeps;
    const file = { _id: 'file-1', filename: 'f.bin', sizeBytes: data.length, driveAccountId: 'acc', driveSessionSealed: 'sealed', committedBytes: 0 } as unknown as FileDoc;
    const lock = { release: async () => undefined } as unknown as UploadLock;
    const ws = new FakeSocket();

    await new UploadSocketSession(ws as unknown as WebSocket, file, lock, deps).start();
    // A fast client: every frame arrives at once (flow control pauses the socket, which the fake ignores).
    for (let at = 0; at < data.length; at += CHUNK) ws.emit('message', data.subarray(at, at + CHUNK), true);
    for (let i = 0; i < 500 && !ws.sent.some((m) => m.type === 'success' || m.type === 'error'); i++) await delay(5);
    return { sent: ws.sent, uncovered, savesBetweenPuts, putsStarted };
  }

  it('every chunk PUT starts with both of its ends checkpointed, and the saves run during the previous PUT', async () => {
    const data = randomBytes(6 * CHUNK + 77);
    const result = await upload(data, { saveMs: 3, putMs: 15 });
    expect(result.sent.at(-1)).toMatchObject({ type: 'success', file_id: 'file-1' });
    expect(result.uncovered).toEqual([]);
    expect(result.putsStarted).toBe(7);
    // Every save after the first one ran during the previous PUT: none sits between two PUTs.
    expect(result.savesBetweenPuts).toBe(0);
  });

  it('keeps the guarantee when saves are slower than PUTs', async () => {
    const data = randomBytes(4 * CHUNK);
    const result = await upload(data, { saveMs: 25, putMs: 2 });
    expect(result.sent.at(-1)).toMatchObject({ type: 'success' });
    expect(result.uncovered).toEqual([]);
  });
});
