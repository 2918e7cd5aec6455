import { createHash, randomBytes } from 'node:crypto';

import { Md5Thread } from './md5-thread';
import { ResumableMd5 } from './resumable-md5';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

describe('Md5Thread', () => {
  const thread = new Md5Thread();
  afterAll(() => thread.stop());

  it('hashes updates in the order they were made, also pieces larger than its shared buffers, sent without waiting', async () => {
    const data = randomBytes(9 * 1024 * 1024 + 17);
    const h = await thread.open();
    const cuts = [0, 3 * 1024 * 1024 + 5, 3 * 1024 * 1024 + 6, 7 * 1024 * 1024, data.length];
    const states = cuts.slice(1).map((end, i) => h.update(data.subarray(cuts[i], end)));
    await Promise.all(states);
    expect(await h.digest()).toBe(md5(data));
    // Each state is the hash of exactly the bytes before its offset.
    const at = await ResumableMd5.start(await states[1]);
    expect(at.peekHex()).toBe(md5(data.subarray(0, cuts[2])));
    await h.close();
  });

  it('keeps uploads apart and continues from a saved state', async () => {
    const a = randomBytes(2 * 1024 * 1024 + 3);
    const b = randomBytes(5000);
    const ha = await thread.open();
    const hb = await thread.open();
    const first = ha.update(a.subarray(0, 1000));
    void hb.update(b);
    await ha.update(a.subarray(1000));
    expect(await hb.digest()).toBe(md5(b));
    const resumed = await thread.open(await first);
    await resumed.update(a.subarray(1000));
    expect(await resumed.digest()).toBe(md5(a));
    expect(await ha.digest()).toBe(md5(a));
  });

  it('a digest asked for right after updates covers them all, without waiting for them first', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 9);
    const h = await thread.open();
    void h.update(data.subarray(0, 2 * 1024 * 1024 + 1));
    void h.update(data.subarray(2 * 1024 * 1024 + 1));
    expect(await h.digest()).toBe(md5(data));
  });

  it('an empty update leaves the hash as it was', async () => {
    const h = await thread.open();
    await h.update(Buffer.alloc(0));
    expect(await h.digest()).toBe(md5(Buffer.alloc(0)));
  });
});
