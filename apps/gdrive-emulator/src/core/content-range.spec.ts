import { parseUploadContentRange, resolveByteRange } from './content-range';

describe('parseUploadContentRange', () => {
  it('reads the three forms Drive accepts', () => {
    expect(parseUploadContentRange('bytes 0-524287/2000000')).toEqual({ kind: 'data', start: 0, end: 524287, total: 2000000 });
    expect(parseUploadContentRange('bytes 262144-524287/*')).toEqual({ kind: 'data', start: 262144, end: 524287, total: null });
    expect(parseUploadContentRange('bytes */2000000')).toEqual({ kind: 'status', total: 2000000 });
    expect(parseUploadContentRange('bytes */*')).toEqual({ kind: 'status', total: null });
  });

  it.each(['bytes 5-4/10', 'bytes 0-10/10', 'bytes=0-1/2', 'items 0-1/2', 'bytes 0-/10'])('rejects %p', (header) => {
    expect(parseUploadContentRange(header)).toBeNull();
  });
});

describe('resolveByteRange', () => {
  it('resolves closed, open and suffix ranges, clamping the end', () => {
    expect(resolveByteRange('bytes=100-199', 1000)).toEqual({ kind: 'partial', start: 100, end: 199 });
    expect(resolveByteRange('bytes=900-', 1000)).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(resolveByteRange('bytes=-10', 1000)).toEqual({ kind: 'partial', start: 990, end: 999 });
    expect(resolveByteRange('bytes=990-5000', 1000)).toEqual({ kind: 'partial', start: 990, end: 999 });
  });

  it('marks ranges past the end as unsatisfiable and ignores what it cannot use', () => {
    expect(resolveByteRange('bytes=1000-', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(resolveByteRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(resolveByteRange('bytes=0-1,5-6', 1000)).toEqual({ kind: 'full' });
    expect(resolveByteRange(undefined, 1000)).toEqual({ kind: 'full' });
  });
});
