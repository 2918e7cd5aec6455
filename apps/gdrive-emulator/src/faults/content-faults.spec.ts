import { Readable } from 'node:stream';
import { drive as createDrive } from 'googleapis/build/src/apis/drive';
import { authClientFor, type ContractCase, type OAuthCredentialJson } from '../contract/contract-target';
import { CHUNK, md5, openSession, putChunk, readAll, testBytes } from '../contract/resumable-protocol';
import { startFixture, type EmulatorFixture } from '../testing/emulator-fixture';

/** Faults that make Drive hold or report other bytes than were sent, seen through googleapis. */
describe('content faults: corrupt_bytes and wrong_md5', () => {
  let fx: EmulatorFixture;
  let c: ContractCase;

  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(() => fx.emulator.close());
  beforeEach(async () => {
    await fx.control.reset();
    const account = await fx.control.addAccount({ email: 'a@emulator.local', serviceAccount: false });
    const auth = authClientFor('oauth', account.credentials.oauth as OAuthCredentialJson, fx.emulator.url);
    c = { kind: 'oauth', auth, drive: createDrive({ version: 'v3', auth }), rootUrl: fx.emulator.url, folderId: 'root', account };
  });

  async function download(fileId: string): Promise<Buffer> {
    const res = await c.drive.files.get({ fileId, alt: 'media' }, { rootUrl: c.rootUrl, responseType: 'stream', retry: false });
    return readAll(res.data as unknown as Readable);
  }

  async function reportedMd5(fileId: string): Promise<string> {
    return (await c.drive.files.get({ fileId, fields: 'md5Checksum' }, { rootUrl: c.rootUrl, retry: false })).data.md5Checksum as string;
  }

  async function createSmall(name: string, data: Buffer): Promise<{ id: string; md5Checksum: string }> {
    const res = await c.drive.files.create(
      { requestBody: { name }, media: { body: Readable.from([data]) }, fields: 'id,md5Checksum' },
      { rootUrl: c.rootUrl, retry: false },
    );
    return res.data as { id: string; md5Checksum: string };
  }

  function differingOffsets(a: Buffer, b: Buffer): number[] {
    const out: number[] = [];
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i);
    return out;
  }

  it('corrupt_bytes on an early resumable chunk flips the byte at `offset` of the stored file; md5Checksum stays the MD5 of what was sent', async () => {
    const data = testBytes(2 * CHUNK + 10, 7);
    const offset = CHUNK + 3; // in the second chunk, while the fault hits the first
    await fx.control.addFault({ kind: 'corrupt_bytes', route: 'upload.resumable.chunk', offset });
    const uri = await openSession(c, { name: 'c.bin', size: data.length, fields: 'id,md5Checksum,size' });
    expect((await putChunk(c, uri, 0, data.subarray(0, CHUNK), data.length)).status).toBe(308);
    expect(await fx.control.faults()).toEqual([]);
    expect((await putChunk(c, uri, CHUNK, data.subarray(CHUNK, 2 * CHUNK), data.length)).status).toBe(308);
    const done = await putChunk(c, uri, 2 * CHUNK, data.subarray(2 * CHUNK), data.length);
    expect(done.status).toBe(200);
    const file = done.data as { id: string; md5Checksum: string; size: string };
    expect(file).toMatchObject({ md5Checksum: md5(data), size: String(data.length) });

    const read = await download(file.id);
    expect(read.length).toBe(data.length);
    expect(differingOffsets(read, data)).toEqual([offset]);
    expect(read[offset]).toBe((data[offset] as number) ^ 0xff);
    expect(await reportedMd5(file.id)).toBe(md5(data));
    expect(md5(read)).not.toBe(md5(data));
    expect((await fx.control.stats()).faultsInjected).toBe(1);
  });

  it("corrupt_bytes with md5Of 'stored' on a multipart upload: md5Checksum is the MD5 of the (corrupt) stored bytes", async () => {
    const data = testBytes(5000, 3);
    await fx.control.addFault({ kind: 'corrupt_bytes', route: 'upload.multipart', md5Of: 'stored' });
    const created = await createSmall('s.bin', data);
    const read = await download(created.id);
    expect(differingOffsets(read, data)).toHaveLength(1);
    expect(created.md5Checksum).toBe(md5(read));
    expect(created.md5Checksum).not.toBe(md5(data));
    expect(await reportedMd5(created.id)).toBe(md5(read));
  });

  it('corrupt_bytes with an offset past the end flips the last byte', async () => {
    const data = testBytes(100, 5);
    await fx.control.addFault({ kind: 'corrupt_bytes', offset: 1_000_000 });
    const created = await createSmall('end.bin', data);
    expect(differingOffsets(await download(created.id), data)).toEqual([99]);
  });

  it('wrong_md5 stores the exact bytes but reports another md5Checksum, in the upload answer and later reads', async () => {
    const data = testBytes(3 * CHUNK, 9);
    await fx.control.addFault({ kind: 'wrong_md5', route: 'upload.resumable.chunk' });
    const uri = await openSession(c, { name: 'w.bin', size: data.length, fields: 'id,md5Checksum' });
    const done = await putChunk(c, uri, 0, data, data.length);
    expect(done.status).toBe(200);
    const file = done.data as { id: string; md5Checksum: string };
    expect(file.md5Checksum).toMatch(/^[0-9a-f]{32}$/);
    expect(file.md5Checksum).not.toBe(md5(data));
    expect(await reportedMd5(file.id)).toBe(file.md5Checksum);
    expect((await download(file.id)).equals(data)).toBe(true);
    expect((await fx.control.fileContent(file.id)).equals(data)).toBe(true);
  });

  it('content faults wait for a request that carries content, scoped by account and count', async () => {
    const other = await fx.control.addAccount({ email: 'b@emulator.local', serviceAccount: false });
    await fx.control.addFault({ kind: 'wrong_md5', account: other.email, count: 2 });
    await fx.control.addFault({ kind: 'corrupt_bytes', account: 'a@emulator.local', offset: 0 });
    // Metadata calls and reads of this account pass through and leave both faults queued.
    expect((await c.drive.about.get({ fields: 'user' }, { rootUrl: c.rootUrl, retry: false })).status).toBe(200);
    expect((await fx.control.faults()).map((f) => f.hits)).toEqual([0, 0]);

    const data = testBytes(64, 1);
    const first = await createSmall('one.bin', data);
    expect(differingOffsets(await download(first.id), data)).toEqual([0]);
    expect(first.md5Checksum).toBe(md5(data));
    const second = await createSmall('two.bin', data);
    expect((await download(second.id)).equals(data)).toBe(true);
    expect(second.md5Checksum).toBe(md5(data));
    expect(await fx.control.faults()).toEqual([expect.objectContaining({ kind: 'wrong_md5', hits: 0 })]);
  });

  it('refuses malformed content-fault and error-body specs', async () => {
    await expect(fx.control.addFault({ kind: 'corrupt_bytes', offset: -1 })).rejects.toThrow(/400/);
    await expect(fx.control.addFault({ kind: 'corrupt_bytes', md5Of: 'neither' as never })).rejects.toThrow(/400/);
    await expect(fx.control.addFault({ kind: 'server_error', body: 'xml' as never })).rejects.toThrow(/400/);
    expect(await fx.control.faults()).toEqual([]);
  });

  it.each([
    ['html', 502, /^text\/html/, /Error 502 \(Server Error\)/],
    ['empty', 504, null, /^$/],
    ['json', 500, /^application\/json/, /"internalError"/],
  ] as const)('server_error with a %s body answers %i in that shape', async (body, status, contentType, text) => {
    await fx.control.addFault({ kind: 'server_error', status, body, route: 'about.get' });
    const res = await fetch(`${fx.emulator.url}drive/v3/about?fields=user`, {
      headers: { Authorization: `Bearer ${(await c.auth.getAccessToken()).token}` },
    });
    expect(res.status).toBe(status);
    const type = res.headers.get('content-type');
    if (contentType) expect(type).toMatch(contentType);
    else expect(type).toBeNull();
    expect(await res.text()).toMatch(text);
  });
});
