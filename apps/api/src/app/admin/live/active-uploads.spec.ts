import { ActiveUploads } from './active-uploads';

const at = 'now';

describe('ActiveUploads', () => {
  it('counts an upload from its start until it completes, fails, is cancelled or loses its socket', () => {
    const active = new ActiveUploads(60_000);
    for (const id of ['a', 'b', 'c', 'd']) active.apply({ type: 'upload.started', at, fileId: id, filename: `${id}.bin`, size: 10, resumedAt: 0 }, 0);
    expect(active.count(0)).toBe(4);
    active.apply({ type: 'upload.completed', at, fileId: 'a', filename: 'a.bin', size: 10 }, 1);
    active.apply({ type: 'upload.failed', at, fileId: 'b', code: 'STORAGE_ERROR' }, 1);
    active.apply({ type: 'upload.cancelled', at, fileId: 'c' }, 1);
    expect(active.count(1)).toBe(1);
    active.apply({ type: 'upload.disconnected', at, fileId: 'd', offset: 4 }, 1);
    expect(active.count(1)).toBe(0);
  });

  it('forgets an upload with no progress for the idle time (its replica died without a word)', () => {
    const active = new ActiveUploads(60_000);
    active.apply({ type: 'upload.started', at, fileId: 'quiet', filename: 'q.bin', size: 10, resumedAt: 0 }, 0);
    active.apply({ type: 'upload.started', at, fileId: 'busy', filename: 'b.bin', size: 10, resumedAt: 0 }, 0);
    active.apply({ type: 'upload.progress', at, fileId: 'busy', offset: 4, size: 10 }, 50_000);
    expect(active.count(60_000)).toBe(2);
    expect(active.count(60_001)).toBe(1);
    expect(active.count(110_001)).toBe(0);
  });

  it('adds committed bytes between snapshots, once per byte', () => {
    const active = new ActiveUploads();
    active.apply({ type: 'upload.started', at, fileId: 'f', filename: 'f.bin', size: 12, resumedAt: 4 });
    active.apply({ type: 'upload.progress', at, fileId: 'f', offset: 8, size: 12 });
    active.apply({ type: 'upload.progress', at, fileId: 'f', offset: 8, size: 12 });
    expect(active.peekBytes()).toBe(4);
    active.apply({ type: 'upload.progress', at, fileId: 'f', offset: 12, size: 12 });
    expect(active.takeBytes()).toBe(8);
    expect(active.takeBytes()).toBe(0);
  });
});
