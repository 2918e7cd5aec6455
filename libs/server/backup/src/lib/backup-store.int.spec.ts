import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { closeSync, createReadStream, openSync, readdirSync, readSync, writeFileSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { freePort } from '@ddx/local-services';
import { testServices, testWebdav } from '@ddx/local-services/testing';

import { backupFileName } from './backup-path';
import { BackupStore } from './backup-store';
import { BackupStoreError } from './backup-store-error';

// Runs against the Apache mod_dav started by global-setup (with Basic auth).
const dav = testWebdav('backupstore');
const MiB = 1024 * 1024;

function storeWith(overrides: Partial<ConstructorParameters<typeof BackupStore>[0]> = {}): BackupStore {
  return new BackupStore({ url: dav.url, username: dav.username, password: dav.password, prefix: dav.prefix, ...overrides });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function sha256(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `good` bytes, then an error — a Drive download dying halfway. */
function failingSource(good: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= good) {
        this.destroy(new Error('drive download interrupted'));
        return;
      }
      const n = Math.min(256 * 1024, good - sent);
      sent += n;
      this.push(randomBytes(n));
    },
  });
}

/** Names in a directory on the server's disk (Apache stores names as they are). */
function onDisk(dir: string): string[] {
  try {
    return readdirSync(join(dav.rootDir, dir)).sort();
  } catch {
    return [];
  }
}

/**
 * `onDisk` once Apache has removed its own temporary file of an aborted PUT
 * (`.davfs.tmp…`, deleted by mod_dav_fs shortly after the client sees the
 * error). Anything the store itself left behind still shows.
 */
async function settledOnDisk(dir: string, timeoutMs = 5000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const names = onDisk(dir);
    if (!names.some((n) => n.startsWith('.davfs.tmp')) || Date.now() > deadline) return names;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function expectStoreError(promise: Promise<unknown>, kind: BackupStoreError['kind']): Promise<BackupStoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackupStoreError);
  expect((error as BackupStoreError).kind).toBe(kind);
  return error as BackupStoreError;
}

describe('BackupStore against Apache mod_dav', () => {
  const store = storeWith();
  afterAll(() => store.close());

  describe('a 20 MiB file', () => {
    const size = 20 * MiB;
    const source = join(testServices().dataDir, `backup-source-${randomBytes(4).toString('hex')}.bin`);
    let sourceHash: string;
    const path = store.backupPathFor('f20mib', 'big file.bin');

    beforeAll(() => {
      const data = randomFillSync(Buffer.alloc(size));
      writeFileSync(source, data);
      sourceHash = createHash('sha256').update(data).digest('hex');
    });

    function sourceBytes(start: number, end: number): Buffer {
      const fd = openSync(source, 'r');
      const out = Buffer.alloc(end - start + 1);
      readSync(fd, out, 0, out.length, start);
      closeSync(fd);
      return out;
    }

    it('streams up with a known size and nothing but the final file remains', async () => {
      const result = await store.put(path, createReadStream(source, { highWaterMark: 256 * 1024 }), { size });
      expect(result).toEqual({ path, size });
      expect(onDisk(`${dav.prefix}/f20mib`)).toEqual(['big file.bin']);
    });

    it('stat reports its size and a fresh modification time', async () => {
      const stat = await store.stat(path);
      expect(stat?.size).toBe(size);
      expect(stat?.isDirectory).toBe(false);
      expect(Math.abs(Date.now() - (stat?.lastModified.getTime() ?? 0))).toBeLessThan(5 * 60_000);
    });

    it('ranged reads return exactly the requested bytes', async () => {
      for (const [start, end] of [
        [0, 0],
        [1, 10],
        [1_234_567, 2_345_678],
        [size - 10, size - 1],
      ] as const) {
        expect((await readAll(await store.createReadStream(path, { start, end }))).equals(sourceBytes(start, end))).toBe(true);
      }
      const tail = await readAll(await store.createReadStream(path, { start: size - 100 }));
      expect(tail.equals(sourceBytes(size - 100, size - 1))).toBe(true);
    });

    it('a full read has the SHA-256 of the source', async () => {
      expect(await sha256(await store.createReadStream(path))).toBe(sourceHash);
    });

    it('a range past the end is refused, not answered with wrong bytes', async () => {
      const error = await expectStoreError(store.createReadStream(path, { start: size + 10 }), 'protocol');
      expect(error.status).toBe(416);
    });
  });

  it('streams a source of unknown length (chunked)', async () => {
    const data = randomBytes(3 * MiB + 17);
    const path = store.backupPathFor('chunked', 'no-length.bin');
    const result = await store.put(path, Readable.from([data.subarray(0, MiB), data.subarray(MiB)]));
    expect(result.size).toBe(data.length);
    expect((await readAll(await store.createReadStream(path))).equals(data)).toBe(true);
  });

  it('names with spaces, unicode and #?% round-trip and stay readable on the server', async () => {
    const names = ['a b.txt', 'ünïcødé 文件 🎉.txt', 'x#y?z%25%.txt', "q!'()*~+&=;,@$.txt", 'a\\\\b/c.txt', '..'];
    for (const [i, name] of names.entries()) {
      const fileId = `names${i}`;
      const path = store.backupPathFor(fileId, name);
      const content = Buffer.from(`content of ${name}`);
      await store.put(path, Readable.from([content]), { size: content.length });
      expect((await store.stat(path))?.size).toBe(content.length);
      expect((await readAll(await store.createReadStream(path))).toString()).toBe(content.toString());
      expect(onDisk(`${dav.prefix}/${fileId}`)).toEqual([backupFileName(name)]);
    }
    // The readable ones are stored under their own name, not an encoded one.
    expect(onDisk(`${dav.prefix}/names2`)).toEqual(['x#y?z%25%.txt']);
    expect(onDisk(`${dav.prefix}/names4`)).toEqual(['a__b_c.txt']);
  });

  it('a second put replaces the content', async () => {
    const path = store.backupPathFor('overwrite', 'doc.txt');
    await store.put(path, Readable.from([Buffer.from('first version, longer than the second')]));
    await store.put(path, Readable.from([Buffer.from('second')]));
    expect((await readAll(await store.createReadStream(path))).toString()).toBe('second');
    expect((await store.stat(path))?.size).toBe(6);
  });

  it('a source failing mid-put leaves nothing at the final path', async () => {
    const path = store.backupPathFor('failing', 'half.bin');
    const error = await expectStoreError(store.put(path, failingSource(5 * MiB)), 'source');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('drive download interrupted');
    expect(await store.stat(path)).toBeNull();
    expect(await settledOnDisk(`${dav.prefix}/failing`)).toEqual([]);
  });

  it('a failed overwrite keeps the previous copy intact', async () => {
    const path = store.backupPathFor('keep', 'doc.bin');
    const v1 = randomBytes(MiB);
    await store.put(path, Readable.from([v1]), { size: v1.length });
    await expectStoreError(store.put(path, failingSource(2 * MiB)), 'source');
    expect((await readAll(await store.createReadStream(path))).equals(v1)).toBe(true);
    expect(await settledOnDisk(`${dav.prefix}/keep`)).toEqual(['doc.bin']);
  });

  it('a source shorter than the announced size fails at once instead of hanging', async () => {
    const path = store.backupPathFor('short', 'short.bin');
    const started = Date.now();
    const error = await expectStoreError(store.put(path, Readable.from([randomBytes(1000)]), { size: 5000 }), 'source');
    expect(error.message).toContain('1000 of 5000');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await store.stat(path)).toBeNull();
  });

  it('delete removes a file, deleteDir a whole collection, and both report absence', async () => {
    const a = store.backupPathFor('deleteme', 'a.txt');
    const b = store.backupPathFor('deleteme', 'b.txt');
    await store.put(a, Readable.from([Buffer.from('a')]));
    await store.put(b, Readable.from([Buffer.from('b')]));
    const dir = `${dav.prefix}/deleteme`;
    expect((await store.stat(dir))?.isDirectory).toBe(true);

    expect(await store.delete(a)).toBe(true);
    expect(await store.stat(a)).toBeNull();
    expect(await store.delete(a)).toBe(false);
    expect(await store.stat(b)).not.toBeNull();

    expect(await store.deleteDir(dir)).toBe(true);
    expect(await store.stat(b)).toBeNull();
    expect(await store.stat(dir)).toBeNull();
    expect(await store.deleteDir(`${dir}/`)).toBe(false);
  });

  it('stat of a missing path is null and reading it is not_found', async () => {
    const path = store.backupPathFor('missing', 'nothing.txt');
    expect(await store.stat(path)).toBeNull();
    await expectStoreError(store.createReadStream(path), 'not_found');
  });

  it('ensureDir creates nested collections and accepts existing ones', async () => {
    const dir = `${dav.prefix}/deep/er/est`;
    await store.ensureDir(dir);
    await store.ensureDir(dir);
    expect((await store.stat(dir))?.isDirectory).toBe(true);
  });

  it('quota() is null on Apache, which reports no RFC 4331 quota', async () => {
    expect(await store.quota()).toBeNull();
  });

  it('ping answers with latency, also before the prefix exists', async () => {
    const ping = await store.ping();
    expect(ping).toEqual({ ok: true, reachable: true, latencyMs: expect.any(Number) });
    const fresh = await storeWith({ prefix: `${dav.prefix}-never-created` }).ping();
    expect(fresh.ok).toBe(true);
  });

  describe('credentials', () => {
    const wrongPassword = `wrong-${randomBytes(8).toString('hex')}`;

    it('wrong credentials fail with kind auth and the password appears nowhere', async () => {
      const wrong = storeWith({ password: wrongPassword });
      const statError = await expectStoreError(wrong.stat(store.backupPathFor('x', 'y')), 'auth');
      expect(statError.status).toBe(401);
      const putError = await expectStoreError(wrong.put(store.backupPathFor('x', 'y'), Readable.from([Buffer.from('z')])), 'auth');
      expect(putError.retryable).toBe(false);
      const ping = await wrong.ping();
      expect(ping).toMatchObject({ ok: false, reachable: true, error: { kind: 'auth' } });
      for (const text of [statError.message, String(statError.stack), putError.message, JSON.stringify(ping)]) {
        expect(text).not.toContain(wrongPassword);
      }
      wrong.close();
    });

    it('credentials inside the URL are moved out of it', async () => {
      const url = new URL(dav.url);
      url.username = dav.username;
      url.password = dav.password;
      const fromUrl = new BackupStore({ url: url.toString(), prefix: dav.prefix });
      expect((await fromUrl.ping()).ok).toBe(true);
      expect(fromUrl.target).toBe(`${dav.url}${dav.prefix}`);
      fromUrl.close();
    });
  });

  describe('an unreachable server', () => {
    it('a closed port fails fast with kind unreachable and no password in the message', async () => {
      const port = await freePort();
      const secret = `s-${randomBytes(8).toString('hex')}`;
      const closed = new BackupStore({ url: `http://backup:${secret}@127.0.0.1:${port}`, prefix: '/p' });
      const started = Date.now();
      const error = await expectStoreError(closed.put('/p/f/a.txt', Readable.from([Buffer.from('a')])), 'unreachable');
      expect(error.code).toBe('ECONNREFUSED');
      expect(error.retryable).toBe(true);
      await expectStoreError(closed.stat('/p/f/a.txt'), 'unreachable');
      const ping = await closed.ping();
      expect(ping).toMatchObject({ ok: false, reachable: false, error: { kind: 'unreachable' } });
      expect(Date.now() - started).toBeLessThan(3000);
      for (const text of [error.message, String(error.stack), String((error.cause as Error | undefined)?.message), JSON.stringify(ping)]) {
        expect(text).not.toContain(secret);
      }
      closed.close();
    });

    describe('a server that accepts connections but never answers', () => {
      let silent: Server;
      let port: number;
      const sockets = new Set<Socket>();
      beforeAll(async () => {
        silent = createServer((socket) => {
          sockets.add(socket);
          socket.on('error', () => undefined);
        });
        await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
        port = (silent.address() as { port: number }).port;
      });
      afterAll(async () => {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => silent.close(resolve));
      });

      it('times out with kind unreachable', async () => {
        const hanging = new BackupStore({ url: `http://127.0.0.1:${port}`, prefix: '/p', requestTimeoutMs: 300, idleTimeoutMs: 300 });
        const started = Date.now();
        const error = await expectStoreError(hanging.stat('/p/x'), 'unreachable');
        expect(error.code).toBe('ETIMEDOUT');
        await expectStoreError(hanging.put('/p/f/x', Readable.from([Buffer.from('x')])), 'unreachable');
        expect(Date.now() - started).toBeLessThan(3000);
        hanging.close();
      });
    });
  });
});
