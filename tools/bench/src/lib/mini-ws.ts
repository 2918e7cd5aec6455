import { randomBytes, randomFillSync } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { request } from 'node:http';
import { Socket } from 'node:net';
import { endianness } from 'node:os';

const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * In-place XOR with a 4-byte key: `bufferutil`'s native `unmask` (the same
 * package the api uses to unmask; masking is the same operation), else the
 * 32-bit JavaScript loop below.
 */
const xorInPlace: (data: Buffer, mask: Buffer) => void = (() => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return (require('bufferutil') as { unmask(buffer: Buffer, mask: Buffer): void }).unmask;
  } catch {
    return maskInPlace;
  }
})();

/**
 * A minimal RFC 6455 client for the upload figures. Why not the `ws`
 * package's client: without its optional native `bufferutil`, `ws` masks
 * every byte in a JavaScript loop (~250 MB/s here), a cost a browser does not
 * have (it masks in native code) and that would be charged to the api's
 * figure on two shared cores. This client masks in place in native code
 * (frames are fresh buffers read from disk, never reused), with a random key
 * per frame as browsers do — the server still unmasks every byte.
 *
 * Only what the upload protocol needs: binary and text frames out, text and
 * close frames in (pings answered).
 */
export class MiniWebSocket extends EventEmitter {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private fragments: Buffer[] = [];
  private closed = false;

  private constructor(private readonly socket: Socket) {
    super();
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('close', () => this.finish(1006));
    socket.on('error', (e) => this.emit('error', e));
  }

  static connect(url: string, timeoutMs = 30_000): Promise<MiniWebSocket> {
    const u = new URL(url.replace(/^ws/, 'http'));
    const key = randomBytes(16).toString('base64');
    return new Promise((resolve, reject) => {
      const req = request({
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': key },
        timeout: timeoutMs,
      });
      req.on('upgrade', (_res, socket: Socket, head: Buffer) => {
        const ws = new MiniWebSocket(socket);
        resolve(ws);
        // After the caller's continuation has attached its listeners.
        if (head.length) setImmediate(() => ws.onData(head));
      });
      req.on('response', (res) => {
        res.resume();
        reject(new Error(`WebSocket upgrade refused: ${res.statusCode}`));
      });
      req.on('timeout', () => req.destroy(new Error('WebSocket upgrade timed out')));
      req.on('error', reject);
      req.end();
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Sends one binary frame; `data` is masked in place (its contents are gone afterwards). */
  sendBinary(data: Buffer): void {
    this.sendFrame(0x2, data);
  }

  sendText(text: string): void {
    this.sendFrame(0x1, Buffer.from(text, 'utf8'));
  }

  close(code = 1000): void {
    if (this.closed) return;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code);
    this.sendFrame(0x8, payload);
    this.socket.end();
  }

  terminate(): void {
    this.socket.destroy();
  }

  private sendFrame(opcode: number, data: Buffer): void {
    if (this.closed) return;
    const len = data.length;
    const headerLength = len < 126 ? 2 : len < 65536 ? 4 : 10;
    const header = Buffer.allocUnsafe(headerLength + 4);
    header[0] = 0x80 | opcode;
    if (len < 126) header[1] = 0x80 | len;
    else if (len < 65536) {
      header[1] = 0x80 | 126;
      header.writeUInt16BE(len, 2);
    } else {
      header[1] = 0x80 | 127;
      header.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
      header.writeUInt32BE(len >>> 0, 6);
    }
    const mask = header.subarray(headerLength);
    randomFillSync(mask);
    xorInPlace(data, mask);
    this.socket.cork();
    this.socket.write(header);
    this.socket.write(data);
    this.socket.uncork();
  }

  private onData(chunk: Buffer): void {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    for (;;) {
      const all = this.buffered.length === 1 ? (this.buffered[0] as Buffer) : Buffer.concat(this.buffered, this.bufferedBytes);
      this.buffered = [all];
      if (all.length < 2) return;
      const fin = (all[0] as number) & 0x80;
      const opcode = (all[0] as number) & 0x0f;
      let len = (all[1] as number) & 0x7f;
      let at = 2;
      if (len === 126) {
        if (all.length < 4) return;
        len = all.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (all.length < 10) return;
        len = all.readUInt32BE(2) * 2 ** 32 + all.readUInt32BE(6);
        at = 10;
      }
      if (all.length < at + len) return;
      const payload = all.subarray(at, at + len);
      const rest = all.subarray(at + len);
      this.buffered = rest.length ? [rest] : [];
      this.bufferedBytes = rest.length;
      this.onFrame(fin !== 0, opcode, payload);
      if (!rest.length) return;
    }
  }

  private onFrame(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === 0x8) {
      const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      if (!this.closed) {
        this.sendFrame(0x8, payload.subarray(0, 2));
        this.socket.end();
      }
      this.finish(code);
      return;
    }
    if (opcode === 0x9) return this.sendFrame(0xa, Buffer.from(payload));
    if (opcode === 0xa) return;
    this.fragments.push(Buffer.from(payload));
    if (!fin) return;
    const message = Buffer.concat(this.fragments);
    this.fragments = [];
    const first = opcode === 0 ? 0x1 : opcode;
    this.emit('message', message, first === 0x2);
  }

  private finish(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', code);
  }
}

/** XORs `data` with the 4-byte `mask`, 32 bits at a time where aligned. */
export function maskInPlace(data: Buffer, mask: Buffer): void {
  const len = data.length;
  let i = 0;
  // Bytes up to a 4-byte boundary of the underlying memory.
  while (i < len && (data.byteOffset + i) % 4 !== 0) {
    data[i] = (data[i] as number) ^ (mask[i & 3] as number);
    i++;
  }
  const words = LITTLE_ENDIAN ? (len - i) >>> 2 : 0;
  if (words > 0) {
    // The mask rotated to start at byte i, read in the machine's (little-endian) order.
    const m = (mask[i & 3] as number) | ((mask[(i + 1) & 3] as number) << 8) | ((mask[(i + 2) & 3] as number) << 16) | ((mask[(i + 3) & 3] as number) << 24);
    const view = new Uint32Array(data.buffer, data.byteOffset + i, words);
    for (let w = 0; w < words; w++) view[w] = (view[w] as number) ^ m;
    i += words * 4;
  }
  for (; i < len; i++) data[i] = (data[i] as number) ^ (mask[i & 3] as number);
}
