import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
// Test-only: the emulator app runs in-process so these tests need no network.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startEmulator, type RunningEmulator } from '../../../../../apps/gdrive-emulator/src/emulator';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { EmulatorControl } from '../../../../../apps/gdrive-emulator/src/testing/emulator-control';
import { DriveClient } from './drive-client';
import { DriveError } from './drive-error';

jest.setTimeout(60_000);

const KiB = 1024;
const md5 = (data: Buffer): string => createHash('md5').update(data).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function caught(promise: Promise<unknown>): Promise<DriveError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DriveError);
  return err as DriveError;
}

const STATUSES = [500, 502, 503, 504] as const;
const BODIES = ['json', 'html', 'empty'] as const;
const SHAPES = STATUSES.flatMap((status) => BODIES.map((body) => [status, body] as const));

/**
 * Every 5xx shape Drive (or Google's front end in front of it) answers with, on every kind
 * of call the product makes, through the real googleapis client: each must reach the
 * caller as a retryable `transient` DriveError, and the call must work once Drive does.
 */
describe('DriveClient: every 5xx shape is transient on every call', () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let client: DriveClient;
  const data = Buffer.alloc(300 * KiB, 7);
  let fileId: string;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    control = new EmulatorControl(emulator.url);
    const account = await control.addAccount({ email: 'pool-5xx@emulator.local', serviceAccount: false });
    const oauth = account.credentials.oauth as NonNullable<typeof account.credentials.oauth>;
    client = new DriveClient({
      credential: { kind: 'oauth', clientId: oauth.client_id, clientSecret: oauth.client_secret, refreshToken: oauth.refresh_token },
      apiRoot: emulator.url,
    });
    fileId = (await client.uploadSmallFile({ name: 'stored.bin', body: data })).id;
  });
  afterAll(() => emulator.close());
  afterEach(() => control.clearFaults());

  function expectTransient(err: DriveError, operation: string, status: number, body: (typeof BODIES)[number]): void {
    expect(err).toMatchObject({ kind: 'transient', operation, status, retryable: true });
    // Google's reason only comes with its JSON; an HTML page or nothing leaves none.
    expect(err.reason).toBe(body === 'json' ? (status === 503 ? 'backendError' : 'internalError') : null);
    expect(err.message).toBe(`Drive ${operation} failed: ${status}${body === 'json' ? (status === 503 ? ' backendError: Backend Error' : ' internalError: Internal Error') : ''}`);
  }

  it.each(SHAPES)('upload PUT: %i with a %s body → transient; the status query then resumes and the file is whole', async (status, body) => {
    const uri = await client.createResumableSession({ name: 'up.bin', size: data.length });
    const first = data.subarray(0, 256 * KiB);
    expect(await client.putChunk(uri, 0, first, data.length)).toEqual({ done: false, committed: first.length });
    await control.addFault({ kind: 'server_error', status, body, route: 'upload.resumable.chunk' });
    expectTransient(await caught(client.putChunk(uri, first.length, data.subarray(first.length), data.length)), 'putChunk', status, body);
    const state = await client.queryCommitted(uri, data.length);
    expect(state).toEqual({ done: false, committed: first.length });
    const done = await client.putChunk(uri, first.length, data.subarray(first.length), data.length);
    expect(done).toMatchObject({ done: true, file: { md5Checksum: md5(data), size: data.length } });
  });

  it.each(SHAPES)('status query: %i with a %s body → transient', async (status, body) => {
    const uri = await client.createResumableSession({ name: 'q.bin', size: data.length });
    await control.addFault({ kind: 'server_error', status, body, route: 'upload.resumable.status' });
    expectTransient(await caught(client.queryCommitted(uri, data.length)), 'queryCommitted', status, body);
    expect(await client.queryCommitted(uri, data.length)).toEqual({ done: false, committed: 0 });
  });

  it.each(SHAPES)('session start: %i with a %s body → transient', async (status, body) => {
    await control.addFault({ kind: 'server_error', status, body, route: 'upload.resumable.initiate' });
    expectTransient(await caught(client.createResumableSession({ name: 's.bin', size: 1 })), 'createResumableSession', status, body);
  });

  it.each(SHAPES)('metadata read: %i with a %s body → transient, then the real md5Checksum', async (status, body) => {
    await control.addFault({ kind: 'server_error', status, body, route: 'files.get' });
    expectTransient(await caught(client.getMetadata(fileId)), 'getMetadata', status, body);
    expect(await client.getMetadata(fileId)).toMatchObject({ id: fileId, md5Checksum: md5(data) });
  });

  it.each(SHAPES)('byte read: %i with a %s body → transient, then the same bytes', async (status, body) => {
    await control.addFault({ kind: 'server_error', status, body, route: 'files.download' });
    expectTransient(await caught(client.download(fileId)), 'download', status, body);
    expect(md5(await readAll((await client.download(fileId, { start: 0 })).stream))).toBe(md5(data));
  });

  it.each(SHAPES)('quota read: %i with a %s body → transient', async (status, body) => {
    await control.addFault({ kind: 'server_error', status, body, route: 'about.get' });
    expectTransient(await caught(client.about()), 'about', status, body);
  });

  it('a refused byte read keeps Google\'s reason although its body arrives as a stream: rate limit, daily cap', async () => {
    await control.addFault({ kind: 'user_rate_limit', route: 'files.download', retryAfterSeconds: 3 });
    expect(await caught(client.download(fileId))).toMatchObject({ kind: 'rate_limited', status: 403, reason: 'userRateLimitExceeded', retryAfterMs: 3000, retryable: true });
    await control.addFault({ kind: 'daily_limit', route: 'files.download' });
    expect(await caught(client.download(fileId, { start: 1 }))).toMatchObject({ kind: 'daily_cap', status: 403, reason: 'dailyLimitExceeded' });
    expect(md5(await readAll((await client.download(fileId)).stream))).toBe(md5(data));
  });
});
