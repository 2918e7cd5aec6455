import { Readable } from 'node:stream';
import { drive as createDrive } from 'googleapis/build/src/apis/drive';
import { authClientFor, type ContractCase, type OAuthCredentialJson } from '../contract/contract-target';
import { CHUNK, md5, openSession, putChunk, queryStatus, readAll, testBytes } from '../contract/resumable-protocol';
import type { EmulatorAccount } from '../testing/emulator-control';
import { startFixture, type EmulatorFixture } from '../testing/emulator-fixture';

// Only lower bounds on durations: a busy machine makes anything slower, never faster.
// The 3 ms slack covers timer and clock granularity.
const SLACK_MS = 3;

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

describe('network profile (a distant Drive)', () => {
  let fx: EmulatorFixture;
  let c: ContractCase;
  let account: EmulatorAccount;

  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(() => fx.emulator.close());
  beforeEach(async () => {
    await fx.control.reset();
    account = await fx.control.addAccount({ email: 'far@emulator.local', serviceAccount: false });
    c = freshCase();
  });

  /** A new googleapis client: its first call fetches a token, so it pays the OAuth round trip too. */
  function freshCase(): ContractCase {
    const auth = authClientFor('oauth', account.credentials.oauth as OAuthCredentialJson, fx.emulator.url);
    return { kind: 'oauth', auth, drive: createDrive({ version: 'v3', auth }), rootUrl: fx.emulator.url, folderId: 'root', account };
  }

  async function createFile(data: Buffer): Promise<string> {
    const created = await c.drive.files.create(
      { requestBody: { name: 'f.bin' }, media: { body: Readable.from([data]) }, fields: 'id' },
      { rootUrl: c.rootUrl },
    );
    return created.data.id as string;
  }

  async function download(fileId: string, range?: string): Promise<Buffer> {
    const res = await c.drive.files.get(
      { fileId, alt: 'media' },
      { rootUrl: c.rootUrl, responseType: 'stream', ...(range ? { headers: { Range: range } } : {}) },
    );
    return readAll(res.data as unknown as Readable);
  }

  it('is off by default', async () => {
    expect(await fx.control.network()).toEqual({ latencyMs: 0, bandwidthBytesPerSecond: null, bandwidthMbps: null });
  });

  it('delays every request by a round trip: token, metadata, session, PUTs, status query, alt=media', async () => {
    const latency = 60;
    const rtt = 2 * latency - SLACK_MS;
    const data = testBytes(2 * CHUNK, 3);
    const fileId = await createFile(data);
    await fx.control.setNetwork({ latencyMs: latency });

    // Token + about.get: two round trips.
    const first = await timed(() => freshCase().drive.about.get({ fields: 'user' }, { rootUrl: fx.emulator.url }));
    expect(first.value.status).toBe(200);
    expect(first.ms).toBeGreaterThanOrEqual(2 * rtt);

    const meta = await timed(() => c.drive.files.get({ fileId, fields: 'id,size' }, { rootUrl: c.rootUrl }));
    expect(meta.value.data.size).toBe(String(data.length));
    expect(meta.ms).toBeGreaterThanOrEqual(rtt);

    const session = await timed(() => openSession(c, { name: 'r.bin', size: 2 * CHUNK }));
    expect(session.ms).toBeGreaterThanOrEqual(rtt);
    const put = await timed(() => putChunk(c, session.value, 0, data.subarray(0, CHUNK), 2 * CHUNK));
    expect(put.value.status).toBe(308);
    expect(put.ms).toBeGreaterThanOrEqual(rtt);
    const status = await timed(() => queryStatus(c, session.value, 2 * CHUNK));
    expect(status.value.status).toBe(308);
    expect(status.ms).toBeGreaterThanOrEqual(rtt);
    const last = await timed(() => putChunk(c, session.value, CHUNK, data.subarray(CHUNK), 2 * CHUNK));
    expect(last.value.status).toBe(200);
    expect(last.ms).toBeGreaterThanOrEqual(rtt);

    const media = await timed(() => download(fileId));
    expect(md5(media.value)).toBe(md5(data));
    expect(media.ms).toBeGreaterThanOrEqual(rtt);
    const range = await timed(() => download(fileId, 'bytes=10-1033'));
    expect(range.value).toEqual(data.subarray(10, 1034));
    expect(range.ms).toBeGreaterThanOrEqual(rtt);
  });

  it('caps upload and download throughput per connection (bodies take at least size / cap)', async () => {
    const cap = 1024 * 1024;
    const data = testBytes(4 * CHUNK, 5); // 1 MiB: at least one second each way under the cap
    const fileId = await createFile(data);
    expect(await fx.control.setNetwork({ bandwidthBytesPerSecond: cap })).toEqual({
      latencyMs: 0,
      bandwidthBytesPerSecond: cap,
      bandwidthMbps: cap / 125_000,
    });
    const floorMs = (bytes: number) => (bytes / cap) * 1000 - 50; // the first chunk may pass unpaced

    const uri = await openSession(c, { name: 'slow.bin', size: data.length });
    const up = await timed(() => putChunk(c, uri, 0, data, data.length));
    expect(up.value.status).toBe(200);
    expect(up.ms).toBeGreaterThanOrEqual(floorMs(data.length));

    const down = await timed(() => download(fileId));
    expect(md5(down.value)).toBe(md5(data));
    expect(down.ms).toBeGreaterThanOrEqual(floorMs(data.length));
  });

  it('is set and cleared through the control API, and refuses nonsense with a clear message', async () => {
    await fx.control.setNetwork({ latencyMs: 20 });
    await fx.control.setNetwork({ bandwidthMbps: 800 });
    // A patch changes only what it names.
    expect(await fx.control.network()).toEqual({ latencyMs: 20, bandwidthBytesPerSecond: 100_000_000, bandwidthMbps: 800 });
    const slow = await timed(() => c.drive.about.get({ fields: 'user' }, { rootUrl: fx.emulator.url }));
    expect(slow.ms).toBeGreaterThanOrEqual(2 * (2 * 20 - SLACK_MS)); // token + about

    expect(await fx.control.clearNetwork()).toEqual({ latencyMs: 0, bandwidthBytesPerSecond: null, bandwidthMbps: null });
    await fx.control.setNetwork({ latencyMs: 5, bandwidthBytesPerSecond: 2_000_000 });
    expect((await fx.control.setNetwork({ bandwidthBytesPerSecond: null })).bandwidthBytesPerSecond).toBeNull();
    await fx.control.reset();
    expect((await fx.control.network()).latencyMs).toBe(0);

    for (const bad of [{ latencyMs: -1 }, { latencyMs: '20' }, { latencyMs: 1e9 }, { bandwidthMbps: 0.001 }, { speed: 1 }, { bandwidthMbps: 1, bandwidthBytesPerSecond: 1e6 }]) {
      await expect(fx.control.setNetwork(bad as never)).rejects.toThrow(/^control PATCH network: 400 .*"error": "(latencyMs|bandwidthMbps|unknown network setting|give bandwidth)/s);
    }
    expect((await fx.control.network()).latencyMs).toBe(0);
  });

  it('leaves the control API itself undelayed, so tests can always steer it', async () => {
    await fx.control.setNetwork({ latencyMs: 10_000 });
    // Delayed, each of these calls would take 20 s and the test would run past its timeout.
    expect((await fx.control.network()).latencyMs).toBe(10_000);
    expect((await fx.control.clearNetwork()).latencyMs).toBe(0);
  }, 10_000);
});

describe('network profile from startup options', () => {
  it('starts with the profile it was given and keeps it across reset', async () => {
    const fx = await startFixture({ latencyMs: 30, bandwidthBytesPerSecond: 50_000_000 });
    try {
      const expected = { latencyMs: 30, bandwidthBytesPerSecond: 50_000_000, bandwidthMbps: 400 };
      expect(await fx.control.network()).toEqual(expected);
      await fx.control.clearNetwork();
      await fx.control.reset();
      expect(await fx.control.network()).toEqual(expected);
      const account = await fx.control.addAccount({ email: 'start@emulator.local', serviceAccount: false });
      const auth = authClientFor('oauth', account.credentials.oauth as OAuthCredentialJson, fx.emulator.url);
      const about = await timed(() => createDrive({ version: 'v3', auth }).about.get({ fields: 'user' }, { rootUrl: fx.emulator.url }));
      expect(about.ms).toBeGreaterThanOrEqual(2 * (2 * 30 - SLACK_MS));
    } finally {
      await fx.emulator.close();
    }
  });

  it('refuses a negative latency at start', async () => {
    await expect(startFixture({ latencyMs: -5 })).rejects.toThrow(/latencyMs must be/);
  });
});
