import { MultipartRelatedParser, boundaryFromContentType } from './multipart-related-parser';

/** The exact framing googleapis-common writes for `uploadType=multipart`. */
function googleapisBody(boundary: string, metadata: object, media: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\ncontent-type: application/json\r\n\r\n${JSON.stringify(metadata)}\r\n`),
    Buffer.from(`--${boundary}\r\ncontent-type: application/x-test\r\n\r\n`),
    media,
    Buffer.from(`\r\n--${boundary}--`),
  ]);
}

async function parse(body: Buffer, boundary: string, splitEvery: number): Promise<{ headers: Record<string, string>[]; parts: Buffer[] }> {
  const headers: Record<string, string>[] = [];
  const parts: Buffer[] = [];
  const parser = new MultipartRelatedParser(boundary, (h) => {
    headers.push(h);
    const chunks: Buffer[] = [];
    return { write: (c) => void chunks.push(Buffer.from(c)), end: () => void parts.push(Buffer.concat(chunks)) };
  });
  for (let i = 0; i < body.length; i += splitEvery) await parser.push(body.subarray(i, i + splitEvery));
  await parser.finish();
  return { headers, parts };
}

describe('MultipartRelatedParser', () => {
  const boundary = '6a1f5f7e-3c1b-4e0c-9a40-0123456789ab';
  // Media that contains CRLFs and a near-miss of the delimiter, to catch naive splitting.
  const media = Buffer.concat([Buffer.from(`\r\n--${boundary.slice(0, 10)}\r\n`), Buffer.alloc(5000, 7), Buffer.from('\r\n')]);

  it.each([1, 2, 3, 7, 41, 64 * 1024])('recovers both parts when the body arrives in %i-byte pieces', async (size) => {
    const body = googleapisBody(boundary, { name: 'x', parents: ['p'] }, media);
    const { headers, parts } = await parse(body, boundary, size);
    expect(headers).toEqual([{ 'content-type': 'application/json' }, { 'content-type': 'application/x-test' }]);
    expect(JSON.parse(parts[0].toString())).toEqual({ name: 'x', parents: ['p'] });
    expect(parts[1].equals(media)).toBe(true);
  });

  it('rejects a body without the closing delimiter', async () => {
    const body = googleapisBody(boundary, {}, media).subarray(0, -5);
    await expect(parse(body, boundary, 1024)).rejects.toThrow(/Malformed multipart/);
  });

  it('reads quoted and bare boundaries and refuses other content types', () => {
    expect(boundaryFromContentType('multipart/related; boundary=abc')).toBe('abc');
    expect(boundaryFromContentType('multipart/related; boundary="a b"')).toBe('a b');
    expect(boundaryFromContentType('multipart/form-data; boundary=abc')).toBeNull();
  });
});
