import { createHash, randomBytes } from 'node:crypto';

import { ResumableMd5 } from './resumable-md5';

describe('ResumableMd5', () => {
  it('continues from a saved state to the same digest as one pass', async () => {
    const data = randomBytes(9 * 1024 * 1024 + 13);
    const first = await ResumableMd5.start();
    first.update(data.subarray(0, 4 * 1024 * 1024));
    const saved = first.save();
    const second = await ResumableMd5.start(saved);
    second.update(data.subarray(4 * 1024 * 1024));
    expect(second.peekHex()).toBe(createHash('md5').update(data).digest('hex'));
  });

  it('peeking does not disturb the running hash', async () => {
    const h = await ResumableMd5.start();
    h.update(Buffer.from('hello '));
    expect(h.peekHex()).toBe(createHash('md5').update('hello ').digest('hex'));
    h.update(Buffer.from('world'));
    expect(h.peekHex()).toBe(createHash('md5').update('hello world').digest('hex'));
  });

  it('hashes the empty input', async () => {
    expect((await ResumableMd5.start()).peekHex()).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });
});
