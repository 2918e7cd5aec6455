import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * MD5 of uploads, computed on a worker thread so that hashing never sits on
 * the event loop between a frame arriving and its bytes leaving for Drive.
 * Its state serialises (hash-wasm), so a checkpoint in MongoDB lets any api
 * replica continue a hash where another one stopped.
 *
 * One thread serves every upload of the process; each upload is a stream of
 * ordered requests, so a state always belongs to an exact offset. Bytes reach
 * it through a few shared buffers reused for the life of the process (a copy
 * of 1 MiB costs well under a millisecond), so its memory stays fixed (8 MiB)
 * whatever passes through — handing over each frame instead would leave the
 * thread's garbage collector to free tens of MiB at its own pace.
 */
const SLOT_BYTES = 1024 * 1024;
const SLOTS = 8;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
// Resolved from the app's entry script (its node_modules), whatever the working directory.
let hashWasm;
try {
  hashWasm = createRequire(workerData.from)('hash-wasm');
} catch {
  hashWasm = require('hash-wasm');
}
const { createMD5 } = hashWasm;
const streams = new Map();
let queue = Promise.resolve();
parentPort.on('message', (m) => {
  queue = queue.then(async () => {
    try {
      let h = streams.get(m.stream);
      if (m.op === 'open') {
        h = await createMD5();
        h.init();
        if (m.state) h.load(Buffer.from(m.state, 'base64'));
        streams.set(m.stream, h);
        parentPort.postMessage({ id: m.id });
      } else if (m.op === 'update') {
        h.update(new Uint8Array(m.slot, 0, m.length));
        parentPort.postMessage({ id: m.id, state: Buffer.from(h.save()).toString('base64') });
      } else if (m.op === 'digest') {
        const saved = h.save();
        const hex = h.digest('hex');
        h.load(saved);
        parentPort.postMessage({ id: m.id, hex });
      } else if (m.op === 'close') {
        streams.delete(m.stream);
        parentPort.postMessage({ id: m.id });
      }
    } catch (e) {
      parentPort.postMessage({ id: m.id, error: String(e && e.message || e) });
    }
  });
});
`;

interface Answer {
  id: number;
  state?: string;
  hex?: string;
  error?: string;
}

@Injectable()
export class Md5Thread implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker | null = null;
  private nextId = 1;
  private nextStream = 1;
  private readonly waiting = new Map<number, { resolve: (a: Answer) => void; reject: (e: Error) => void }>();
  private readonly slots: SharedArrayBuffer[] = [];
  private readonly freeSlots: SharedArrayBuffer[] = [];
  private readonly slotWaiters: Array<(slot: SharedArrayBuffer) => void> = [];

  /** A hash starting from `state` (a saved state), or from nothing. */
  async open(state?: string | null): Promise<Md5Stream> {
    const stream = this.nextStream++;
    await this.request({ op: 'open', stream, state: state ?? null });
    return new Md5Stream(this, stream);
  }

  /** Started with the app, so that its memory is part of the process's base, not of the first upload. */
  onApplicationBootstrap(): void {
    this.thread();
  }

  /** After the upload sockets have let go (UploadGateway.beforeApplicationShutdown). */
  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  /** Ends the thread (the app shutting down); pending requests fail. */
  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }

  /** @internal Hashes `bytes` into `stream` through a shared buffer; the saved state after them. */
  async update(stream: number, bytes: Uint8Array): Promise<string> {
    let state = '';
    for (let at = 0; at < bytes.length || at === 0; at += SLOT_BYTES) {
      const part = bytes.subarray(at, at + SLOT_BYTES);
      const slot = await this.takeSlot();
      try {
        new Uint8Array(slot).set(part);
        state = (await this.request({ op: 'update', stream, slot, length: part.length })).state as string;
      } finally {
        this.giveSlot(slot);
      }
      if (bytes.length === 0) break;
    }
    return state;
  }

  private takeSlot(): Promise<SharedArrayBuffer> {
    const free = this.freeSlots.pop();
    if (free) return Promise.resolve(free);
    if (this.slots.length < SLOTS) {
      const slot = new SharedArrayBuffer(SLOT_BYTES);
      this.slots.push(slot);
      return Promise.resolve(slot);
    }
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  private giveSlot(slot: SharedArrayBuffer): void {
    const waiter = this.slotWaiters.shift();
    if (waiter) waiter(slot);
    else this.freeSlots.push(slot);
  }

  /** @internal */
  request(message: Record<string, unknown>): Promise<Answer> {
    const worker = this.thread();
    const id = this.nextId++;
    return new Promise<Answer>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    }).then((a) => {
      if (a.error) throw new Error(`MD5 thread: ${a.error}`);
      return a;
    });
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { from: process.argv[1] ?? join(process.cwd(), 'index.js') } });
    worker.unref();
    worker.on('message', (a: Answer) => {
      const w = this.waiting.get(a.id);
      this.waiting.delete(a.id);
      w?.resolve(a);
    });
    const failAll = (e: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`MD5 thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }
}

/** One upload's hash. Requests run in the order they are made. */
export class Md5Stream {
  constructor(
    private readonly thread: Md5Thread,
    private readonly stream: number,
  ) {}

  /** Settles when the last update so far has been hashed: updates go one after another. */
  private tail: Promise<unknown> = Promise.resolve();

  /**
   * Hashes `bytes` after every earlier update and resolves with the saved state
   * after them. The bytes are copied when their turn comes: keep them unchanged until then.
   */
  update(bytes: Uint8Array): Promise<string> {
    const done = this.tail.then(() => this.thread.update(this.stream, bytes));
    this.tail = done.catch(() => undefined);
    return done;
  }

  /** The MD5 (hex) of every update made before this call; the hash goes on. */
  async digest(): Promise<string> {
    const done = this.tail.then(() => this.thread.request({ op: 'digest', stream: this.stream }));
    this.tail = done.catch(() => undefined);
    return (await done).hex as string;
  }

  /** Forgets the hash once every update made before this call is done. */
  async close(): Promise<void> {
    const done = this.tail.then(() => this.thread.request({ op: 'close', stream: this.stream }));
    this.tail = done.catch(() => undefined);
    await done.catch(() => undefined);
  }
}
