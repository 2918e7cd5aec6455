import { contentDisposition, parseRange } from './byte-range';

describe('parseRange at its edges', () => {
  it('takes a range only from a header that starts with "bytes=", around which spaces are allowed', () => {
    expect(parseRange('xbytes=0-1', 100)).toEqual({ kind: 'full' });
    expect(parseRange('  bytes=0-4  ', 100)).toEqual({ kind: 'partial', start: 0, end: 4 });
  });

  it('serves the whole file for "bytes=-" (neither end given)', () => {
    expect(parseRange('bytes=-', 100)).toEqual({ kind: 'full' });
  });

  it('refuses a suffix range of an empty file, and of zero bytes', () => {
    expect(parseRange('bytes=-5', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 100)).toEqual({ kind: 'unsatisfiable' });
  });

  it('accepts the last byte as a start and refuses the first byte past the end', () => {
    expect(parseRange('bytes=99-', 100)).toEqual({ kind: 'partial', start: 99, end: 99 });
    expect(parseRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=100-150', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=5-4', 100)).toEqual({ kind: 'unsatisfiable' });
  });

  it('clamps an end past the file and a suffix longer than the file', () => {
    expect(parseRange('bytes=90-1000', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(parseRange('bytes=-1000', 100)).toEqual({ kind: 'partial', start: 0, end: 99 });
    expect(parseRange('bytes=-1', 100)).toEqual({ kind: 'partial', start: 99, end: 99 });
  });
});

describe('contentDisposition', () => {
  it("percent-encodes the characters encodeURIComponent leaves alone (' ( ) *) in upper case", () => {
    expect(contentDisposition('attachment', "it's (1)*.txt")).toBe(`attachment; filename="it's (1)*.txt"; filename*=UTF-8''it%27s%20%281%29%2A.txt`);
  });
});
