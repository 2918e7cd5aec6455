import { createHash, generateKeyPairSync } from 'node:crypto';
import type { Readable } from 'node:stream';
// Test-only: the emulator app runs in-process so these tests need no network.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startEmulator, type RunningEmulator } from '../../../../../apps/gdrive-emulator/src/emulator';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { EmulatorControl, type EmulatorAccount } from '../../../../../apps/gdrive-emulator/src/testing/emulator-control';
import { DriveClient } from './drive-client';
import type { DriveCredential } from './drive-credential';
import { DriveError } from './drive-error';
import type { ChunkResult, DriveUploadedFile } from './drive-types';

jest.setTimeout(30_000);

const MiB = 1024 * 1024;
const md5 = (data: Buffer): string => createHash('md5').update(data).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function bytes(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** What the upload service does: send chunks, and on `transient` ask Drive where to resume. */
async function uploadWithResume(
  client: DriveClient,
  sessionUri: string,
  data: Buffer,
  chunkSize: number,
): Promise<{ file: DriveUploadedFile; failures: DriveError[] }> {
  const failures: DriveError[] = [];
  let offset = 0;
  for (;;) {
    let result: ChunkResult;
    try {
      result = await client.putChunk(sessionUri, offset, data.subarray(offset, Math.min(offset + chunkSize, data.length)), data.length);
    } catch (err) {
      if (!(err instanceof DriveError) || err.kind !== 'transient' || failures.length >= 3) throw err;
      failures.push(err);
      result = await client.queryCommitted(sessionUri, data.length);
    }
    if (result.done) return { file: result.file, failures };
    offset = result.committed;
  }
}

async function caught(promise: Promise<unknown>): Promise<DriveError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DriveError);
  return err as DriveError;
}

describe('DriveClient against the Drive emulator', () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let account: EmulatorAccount;
  const serviceAccountKey = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;

  const credentialOf = (kind: DriveCredential['kind'], acc: EmulatorAccount = account): DriveCredential => {
    if (kind === 'oauth') {
      const oauth = acc.credentials.oauth;
      if (!oauth) throw new Error('account has no OAuth credentials');
      return { kind: 'oauth', clientId: oauth.client_id, clientSecret: oauth.client_secret, refreshToken: oauth.refresh_token };
    }
    return { kind: 'service_account', json: acc.credentials.serviceAccount as never };
  };
  const clientFor = (kind: DriveCredential['kind'] = 'oauth', acc?: EmulatorAccount): DriveClient =>
    new DriveClient({ credential: credentialOf(kind, acc), apiRoot: emulator.url });

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    control = new EmulatorControl(emulator.url);
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    await control.reset();
    account = await control.addAccount({
      email: 'pool-1@emulator.local',
      limit: 200 * MiB,
      serviceAccount: { private_key: serviceAccountKey, client_email: 'pool-1@ddx.iam.gserviceaccount.com' },
    });
  });

  it('defaults to Google and normalises the API root', () => {
    const google = new DriveClient({ credential: credentialOf('oauth') });
    expect(google.apiRoot).toBe('https://www.googleapis.com/');
    expect(new DriveClient({ credential: credentialOf('oauth'), apiRoot: emulator.url.slice(0, -1) }).apiRoot).toBe(emulator.url);
  });

  describe.each(['oauth', 'service_account'] as const)('with %s credentials', (kind) => {
    it('uploads 13 MiB + 7 bytes in 4 MiB chunks and reads back the same bytes', async () => {
      const client = clientFor(kind);
      const data = bytes(13 * MiB + 7, 1);
      const folderId = await client.ensureFolder('uploads');
      const uri = await client.createResumableSession({ name: 'big.bin', size: data.length, mimeType: 'application/x-big', parents: [folderId] });

      const first = await client.putChunk(uri, 0, data.subarray(0, 4 * MiB), data.length);
      expect(first).toEqual({ done: false, committed: 4 * MiB });
      expect(await client.queryCommitted(uri, data.length)).toEqual({ done: false, committed: 4 * MiB });

      let offset = 4 * MiB;
      let result: ChunkResult = first;
      while (!result.done) {
        result = await client.putChunk(uri, offset, data.subarray(offset, Math.min(offset + 4 * MiB, data.length)), data.length);
        if (!result.done) offset = result.committed;
      }
      expect(result.file).toMatchObject({ name: 'big.bin', size: data.length, md5Checksum: md5(data), mimeType: 'application/x-big' });
      // A finished session replays the file.
      expect(await client.queryCommitted(uri, data.length)).toEqual(result);

      const meta = await client.getMetadata(result.file.id);
      expect(meta).toMatchObject({ id: result.file.id, size: data.length, md5Checksum: md5(data), parents: [folderId], trashed: false });
      const download = await client.download(result.file.id);
      expect(download).toMatchObject({ status: 200, contentLength: data.length, totalSize: data.length });
      expect(md5(await readAll(download.stream))).toBe(md5(data));
      expect(md5(await control.fileContent(result.file.id))).toBe(md5(data));

      const about = await client.about();
      expect(about).toEqual({ limit: 200 * MiB, usage: data.length, usageInDrive: data.length, usageInDriveTrash: 0, email: 'pool-1@emulator.local' });
    });
  });

  it('resumes after a 503 on a chunk, from the offset Drive reports', async () => {
    const client = clientFor('service_account');
    const data = bytes(13 * MiB + 7, 2);
    const uri = await client.createResumableSession({ name: 'r503.bin', size: data.length });
    await control.addFault({ kind: 'server_error', status: 503, route: 'upload.resumable.chunk', count: 1 });
    const { file, failures } = await uploadWithResume(client, uri, data, 4 * MiB);
    expect(failures.map((f) => [f.kind, f.status, f.reason])).toEqual([['transient', 503, 'backendError']]);
    expect(file).toMatchObject({ size: data.length, md5Checksum: md5(data) });
  });

  it('resumes after a connection dropped mid-chunk without resending committed bytes', async () => {
    const client = clientFor('oauth');
    const data = bytes(13 * MiB + 7, 3);
    const uri = await client.createResumableSession({ name: 'drop.bin', size: data.length });
    expect(await client.putChunk(uri, 0, data.subarray(0, 4 * MiB), data.length)).toEqual({ done: false, committed: 4 * MiB });
    await control.addFault({ kind: 'drop_request', route: 'upload.resumable.chunk', afterBytes: MiB + 100 });

    const err = await caught(client.putChunk(uri, 4 * MiB, data.subarray(4 * MiB, 8 * MiB), data.length));
    expect(err).toMatchObject({ kind: 'transient', status: null });
    const uploadId = new URL(uri).searchParams.get('upload_id') as string;
    expect(err.message).not.toContain(uploadId);
    expect(await client.queryCommitted(uri, data.length)).toEqual({ done: false, committed: 5 * MiB });

    const before = (await control.stats()).byRoute['upload.resumable.chunk'].bytesIn;
    let offset = 5 * MiB;
    let result: ChunkResult = { done: false, committed: offset };
    while (!result.done) {
      result = await client.putChunk(uri, offset, data.subarray(offset, Math.min(offset + 4 * MiB, data.length)), data.length);
      if (!result.done) offset = result.committed;
    }
    expect(result.file.md5Checksum).toBe(md5(data));
    expect((await control.stats()).byRoute['upload.resumable.chunk'].bytesIn - before).toBe(data.length - 5 * MiB);
  });

  it('serves byte ranges (206) and refuses a range past the end', async () => {
    const client = clientFor('oauth');
    const data = bytes(MiB, 4);
    const file = await client.uploadSmallFile({ name: 'small.bin', body: data });
    expect(file).toMatchObject({ size: MiB, md5Checksum: md5(data) });

    const part = await client.download(file.id, { start: 100, end: 1099 });
    expect(part).toMatchObject({ status: 206, contentLength: 1000, totalSize: MiB, contentRange: `bytes 100-1099/${MiB}` });
    expect((await readAll(part.stream)).equals(data.subarray(100, 1100))).toBe(true);

    const tail = await client.download(file.id, { start: MiB - 10 });
    expect((await readAll(tail.stream)).equals(data.subarray(MiB - 10))).toBe(true);

    expect(await caught(client.download(file.id, { start: 5 * MiB }))).toMatchObject({ kind: 'bad_request', status: 416 });
  });

  it('surfaces a download cut mid-stream as a transient DriveError on the stream', async () => {
    const client = clientFor('oauth');
    const file = await client.uploadSmallFile({ name: 'cut.bin', body: bytes(300_000, 5) });
    await control.addFault({ kind: 'drop_response', route: 'files.download', afterBytes: 50_000 });
    const download = await client.download(file.id);
    const err = await caught(readAll(download.stream));
    expect(err).toMatchObject({ kind: 'transient', operation: 'download' });
  });

  it('finds or creates folders, lists them, deletes files and cancels sessions', async () => {
    const client = clientFor('oauth');
    const folder = await client.ensureFolder("it's ddx");
    expect(await client.ensureFolder("it's ddx")).toBe(folder);
    const a = await client.uploadSmallFile({ name: 'a.txt', body: Buffer.from('a'), parents: [folder] });
    await client.uploadSmallFile({ name: 'b.txt', body: Buffer.from('bb'), parents: [folder] });
    const page = await client.listFolder(folder, { pageSize: 1 });
    expect(page.files).toHaveLength(1);
    expect(page.nextPageToken).toBeTruthy();
    const rest = await client.listFolder(folder, { pageToken: page.nextPageToken as string });
    expect([...page.files, ...rest.files].map((f) => f.name).sort()).toEqual(['a.txt', 'b.txt']);

    await client.deleteFile(a.id);
    expect(await caught(client.getMetadata(a.id))).toMatchObject({ kind: 'not_found', status: 404 });

    const uri = await client.createResumableSession({ name: 'c.bin', size: 10 });
    await client.cancelSession(uri);
    await client.cancelSession(uri); // already gone: still fine
    expect(await caught(client.queryCommitted(uri, 10))).toMatchObject({ kind: 'not_found' });
  });

  describe('maps failures to DriveError kinds', () => {
    it('rate_limited: 403 userRateLimitExceeded, 403 rateLimitExceeded and 429 with Retry-After', async () => {
      const client = clientFor('oauth');
      await control.addFault({ kind: 'user_rate_limit', route: 'about.get' });
      expect(await caught(client.about())).toMatchObject({ kind: 'rate_limited', status: 403, reason: 'userRateLimitExceeded' });
      await control.addFault({ kind: 'rate_limit', route: 'about.get' });
      expect(await caught(client.about())).toMatchObject({ kind: 'rate_limited', status: 403, reason: 'rateLimitExceeded' });
      await control.addFault({ kind: 'too_many_requests', route: 'upload.resumable.chunk', retryAfterSeconds: 3 });
      const uri = await client.createResumableSession({ name: 'x', size: 1 });
      expect(await caught(client.putChunk(uri, 0, Buffer.from('x'), 1))).toMatchObject({
        kind: 'rate_limited',
        status: 429,
        retryAfterMs: 3000,
      });
    });

    it('daily_cap: the 750 GB/day cap and the daily query limit', async () => {
      const client = clientFor('oauth');
      await control.addFault({ kind: 'upload_cap', route: 'upload.resumable.initiate' });
      expect(await caught(client.createResumableSession({ name: 'x', size: 1 }))).toMatchObject({ kind: 'daily_cap', reason: 'userRateLimitExceeded' });
      await control.addFault({ kind: 'daily_limit', route: 'files.get' });
      expect(await caught(client.getMetadata('root'))).toMatchObject({ kind: 'daily_cap', reason: 'dailyLimitExceeded' });
    });

    it('storage_full: at session start and on a chunk', async () => {
      const client = clientFor('service_account');
      await control.updateAccount(account.id, { limit: 10 * MiB });
      expect(await caught(client.createResumableSession({ name: 'x', size: 11 * MiB }))).toMatchObject({
        kind: 'storage_full',
        status: 403,
        reason: 'storageQuotaExceeded',
      });
      const uri = await client.createResumableSession({ name: 'x', size: 8 * MiB });
      await control.updateAccount(account.id, { usage: 5 * MiB });
      expect(await caught(client.putChunk(uri, 0, bytes(8 * MiB, 6), 8 * MiB))).toMatchObject({ kind: 'storage_full' });
    });

    it('auth_revoked: a 401 answer, a revoked refresh token, a forged service-account key', async () => {
      const client = clientFor('oauth');
      await control.addFault({ kind: 'revoked_token', route: 'files.get' });
      expect(await caught(client.getMetadata('root'))).toMatchObject({ kind: 'auth_revoked', status: 401, reason: 'authError' });

      await control.revokeAccount(account.id);
      const fresh = clientFor('oauth');
      expect(await caught(fresh.about())).toMatchObject({ kind: 'auth_revoked', status: 400, reason: 'invalid_grant' });

      const other = await control.addAccount({ email: 'pool-2@emulator.local' });
      const forgedKey = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      }).privateKey;
      const forged = new DriveClient({
        credential: { kind: 'service_account', json: JSON.stringify({ ...other.credentials.serviceAccount, private_key: forgedKey }) },
        apiRoot: emulator.url,
      });
      const err = await caught(forged.about());
      expect(err).toMatchObject({ kind: 'auth_revoked', reason: 'invalid_grant' });
      expect(err.message).not.toContain('PRIVATE KEY');

      expect(() => new DriveClient({ credential: { kind: 'service_account', json: '{"client_email":"x"}' }, apiRoot: emulator.url })).toThrow(
        expect.objectContaining({ kind: 'auth_revoked', reason: 'malformed_credentials' }),
      );
    });

    it('not_found: unknown file and a lost session', async () => {
      const client = clientFor('oauth');
      expect(await caught(client.getMetadata('1doesNotExist'))).toMatchObject({ kind: 'not_found', reason: 'notFound' });
      expect(await caught(client.deleteFile('1doesNotExist'))).toMatchObject({ kind: 'not_found' });
      const uri = await client.createResumableSession({ name: 'x', size: 10 });
      await control.addFault({ kind: 'lose_session', route: 'upload.resumable.*' });
      expect(await caught(client.putChunk(uri, 0, Buffer.alloc(10), 10))).toMatchObject({ kind: 'not_found', status: 404 });
    });

    it('transient: 500 and a dropped answer', async () => {
      const client = clientFor('oauth');
      await control.addFault({ kind: 'server_error', route: 'about.get' });
      expect(await caught(client.about())).toMatchObject({ kind: 'transient', status: 500 });
      await control.addFault({ kind: 'drop_response', route: 'files.list' });
      expect(await caught(client.listFolder('root'))).toMatchObject({ kind: 'transient', status: null });
    });

    it('bad_request: a misaligned non-final chunk, without the session URI in the message', async () => {
      const client = clientFor('oauth');
      const uri = await client.createResumableSession({ name: 'x', size: MiB });
      const err = await caught(client.putChunk(uri, 0, bytes(300_000, 7), MiB));
      expect(err).toMatchObject({ kind: 'bad_request', status: 400, reason: 'badRequest' });
      expect(err.message).not.toContain(new URL(uri).searchParams.get('upload_id') as string);
      expect(err.retryable).toBe(false);
    });
  });
});
