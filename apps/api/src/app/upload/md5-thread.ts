import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'node:worker_threads';

/**
 * MD5 of uploads, computed on a worker thread so that hashing never sits on
 * the event loop between a frame arriving and its bytes leaving for Drive.
 * Its state serialises (hash-wasm), so a checkpoint in MongoDB lets any api
 * replica continue a hash where another one stopped.
 *
 * One thread serves every upload of the process; each upload is a stream of
 * ordered requests, so a state always belongs to an exact offset.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createMD5 } = require('hash-wasm');
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
        h.update(new Uint8Array(m.data, m.offset, m.length));
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
export class Md5Thread implements OnModuleDestroy {
  private worker: Worker | null = null;
  private nextId = 1;
  private nextStream = 1;
  private readonly waiting = new Map<number, { resolve: (a: Answer) => void; reject: (e: Error) => void }>();

  /** A hash starting from `state` (a saved state), or from nothing. */
  async open(state?: string | null): Promise<Md5Stream> {
    const stream = this.nextStream++;
    await this.request({ op: 'open', stream, state: state ?? null });
    return new Md5Stream(this, stream);
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  /** Ends the thread (the app shutting down); pending requests fail. */
  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }

  /** @internal */
  request(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Answer> {
    const worker = this.thread();
    const id = this.nextId++;
    return new Promise<Answer>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ ...message, id }, transfer);
    }).then((a) => {
      if (a.error) throw new Error(`MD5 thread: ${a.error}`);
      return a;
    });
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
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

  /**
   * Hashes `bytes` and resolves with the saved state after them. The bytes are
   * handed to the thread without a copy when they own their memory: the caller
   * must not use them afterwards.
   */
  async update(bytes: Buffer): Promise<string> {
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
    const data = whole ? (bytes.buffer as ArrayBuffer) : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const answer = await this.thread.request({ op: 'update', stream: this.stream, data, offset: 0, length: bytes.byteLength }, [data as ArrayBuffer]);
    return answer.state as string;
  }

  /** The MD5 (hex) of everything hashed so far; the hash goes on. */
  async digest(): Promise<string> {
    return (await this.thread.request({ op: 'digest', stream: this.stream })).hex as string;
  }

  async close(): Promise<void> {
    await this.thread.request({ op: 'close', stream: this.stream }).catch(() => undefined);
  }
}
