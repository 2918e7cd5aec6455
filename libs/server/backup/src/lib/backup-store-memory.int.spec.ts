import { createHash, randomFillSync } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { testWebdav } from '@ddx/local-services/testing';

import { BackupStore } from './backup-store';

// Its own file (and so its own jest worker state) so other tests' buffers do not blur the measurement.
const dav = testWebdav('backupmemory');
const MiB = 1024 * 1024;

/**
 * `size` pseudo-random bytes in 64 KiB chunks, hashed as they are produced.
 * The chunks come from a ring of 32 buffers so the generator itself makes no
 * garbage (fresh buffers alone grow RSS by ~40 MiB before V8 collects them);
 * backpressure keeps far fewer than 32 chunks in flight, and the SHA-256
 * comparison below would catch a buffer reused too early.
 */
function generated(size: number, hash: ReturnType<typeof createHash>): Readable {
  const ring = Array.from({ length: 32 }, () => Buffer.allocUnsafeSlow(64 * 1024));
  let produced = 0;
  let next = 0;
  return new Readable({
    read() {
      if (produced >= size) {
        this.push(null);
        return;
      }
      const buffer = ring[next++ % ring.length] as Buffer;
      const chunk = randomFillSync(buffer.subarray(0, Math.min(buffer.length, size - produced)));
      produced += chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
}

describe('BackupStore memory use', () => {
  const store = new BackupStore({ url: dav.url, username: dav.username, password: dav.password, prefix: dav.prefix });
  afterAll(() => store.close());

  it('streams a 100 MiB put with less than 40 MiB of RSS growth, and the server has every byte', async () => {
    const size = 100 * MiB;
    const path = store.backupPathFor('big100', 'hundred.bin');
    // Warm up first: connection, lazily loaded code, JIT.
    await store.put(store.backupPathFor('big100', 'warm-up.bin'), generated(MiB, createHash('sha256')), { size: MiB });
    const sent = createHash('sha256');
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    try {
      await store.put(path, generated(size, sent), { size });
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const growth = peak - baseline;
    process.stdout.write(`100 MiB put: RSS grew ${(growth / MiB).toFixed(1)} MiB\n`);
    expect(growth).toBeLessThan(40 * MiB);

    expect(statSync(join(dav.rootDir, path)).size).toBe(size);
    const received = createHash('sha256');
    for await (const chunk of await store.createReadStream(path)) received.update(chunk as Buffer);
    expect(received.digest('hex')).toBe(sent.digest('hex'));
    await store.deleteDir(`${dav.prefix}/big100`);
  }, 120_000);
});
