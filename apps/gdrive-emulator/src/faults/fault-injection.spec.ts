import { Readable } from 'node:stream';
import { drive as createDrive, type drive_v3 } from 'googleapis/build/src/apis/drive';
import { authClientFor, type ContractCase, type OAuthCredentialJson } from '../contract/contract-target';
import { CHUNK, md5, openSession, putChunk, queryStatus, readAll, testBytes } from '../contract/resumable-protocol';
import type { EmulatorAccount } from '../testing/emulator-control';
import { startFixture, type EmulatorFixture } from '../testing/emulator-fixture';

describe('fault injection and stats', () => {
  let fx: EmulatorFixture;
  let account: EmulatorAccount;
  let c: ContractCase;

  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(() => fx.emulator.close());
  beforeEach(async () => {
    await fx.control.reset();
    account = await fx.control.addAccount({ email: 'a@emulator.local', serviceAccount: false });
    c = caseFor(account);
  });

  function caseFor(acc: EmulatorAccount): ContractCase {
    const auth = authClientFor('oauth', acc.credentials.oauth as OAuthCredentialJson, fx.emulator.url);
    return { kind: 'oauth', auth, drive: createDrive({ version: 'v3', auth }), rootUrl: fx.emulator.url, folderId: 'root', account: acc };
  }

  const about = (drive: drive_v3.Drive) => drive.about.get({ fields: 'user' }, { rootUrl: fx.emulator.url, retry: false });

  it('scopes a fault to one account and consumes it `count` times', async () => {
    const other = caseFor(await fx.control.addAccount({ email: 'b@emulator.local', serviceAccount: false }));
    await fx.control.addFault({ kind: 'server_error', status: 503, account: 'a@emulator.local', route: 'about.*', count: 2 });
    expect((await about(other.drive)).status).toBe(200);
    await expect(about(c.drive)).rejects.toMatchObject({ status: 503 });
    await expect(about(c.drive)).rejects.toMatchObject({ status: 503 });
    expect((await about(c.drive)).status).toBe(200);
    expect(await fx.control.faults()).toEqual([]);
  });

  it('keeps a count:-1 fault until cleared, matches path globs and adds Retry-After', async () => {
    await fx.control.addFault({ kind: 'user_rate_limit', route: '/drive/v3/about', count: -1, retryAfterSeconds: 7 });
    for (let i = 0; i < 3; i++) {
      const err = await about(c.drive).catch((e: { status: number; response: { headers: Headers } }) => e);
      expect(err).toMatchObject({ status: 403 });
      expect((err as { response: { headers: Headers } }).response.headers.get('retry-after')).toBe('7');
    }
    expect(await fx.control.faults()).toEqual([expect.objectContaining({ kind: 'user_rate_limit', hits: 3 })]);
    await fx.control.clearFaults();
    expect((await about(c.drive)).status).toBe(200);
  });

  it('answers 401 for revoked_token and delays by delayMs', async () => {
    await fx.control.addFault({ kind: 'revoked_token', route: 'about.get' });
    await expect(about(c.drive)).rejects.toMatchObject({ status: 401 });
    await fx.control.addFault({ kind: 'delay', delayMs: 300, route: 'about.get' });
    const started = Date.now();
    expect((await about(c.drive)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('cuts a download after afterBytes of body; the client sees a broken stream', async () => {
    const data = testBytes(200_000, 4);
    const created = await c.drive.files.create(
      { requestBody: { name: 'd.bin' }, media: { body: Readable.from([data]) }, fields: 'id' },
      { rootUrl: c.rootUrl },
    );
    await fx.control.addFault({ kind: 'drop_response', route: 'files.download', afterBytes: 1000 });
    const res = await c.drive.files.get(
      { fileId: created.data.id as string, alt: 'media' },
      { rootUrl: c.rootUrl, responseType: 'stream', retry: false },
    );
    await expect(readAll(res.data as unknown as Readable)).rejects.toThrow();
    const stats = await fx.control.stats();
    expect(stats.byRoute['files.download']).toMatchObject({ requests: 1, bytesOut: 1000, statuses: { '0': 1 } });

    const whole = await c.drive.files.get({ fileId: created.data.id as string, alt: 'media' }, { rootUrl: c.rootUrl, responseType: 'stream' });
    expect(md5(await readAll(whole.data as unknown as Readable))).toBe(md5(data));
  });

  it('loses a session (404 from then on) and counts request bytes per route', async () => {
    const uri = await openSession(c, { name: 's.bin', size: 2 * CHUNK });
    expect((await putChunk(c, uri, 0, testBytes(CHUNK), 2 * CHUNK)).status).toBe(308);
    const stats = await fx.control.stats();
    expect(stats.byRoute['upload.resumable.chunk']).toMatchObject({ requests: 1, bytesIn: CHUNK, statuses: { '308': 1 } });

    await fx.control.addFault({ kind: 'lose_session', route: 'upload.resumable.*' });
    expect((await queryStatus(c, uri, 2 * CHUNK)).status).toBe(404);
    expect((await putChunk(c, uri, CHUNK, testBytes(CHUNK), 2 * CHUNK)).status).toBe(404);
  });

  it('answers storage_quota on a chunk, and refuses malformed fault specs', async () => {
    const uri = await openSession(c, { name: 'q.bin', size: 2 * CHUNK });
    await fx.control.addFault({ kind: 'storage_quota', route: 'upload.resumable.chunk' });
    const res = await putChunk(c, uri, 0, testBytes(CHUNK), 2 * CHUNK);
    expect(res.status).toBe(403);
    expect(res.data).toMatchObject({ error: { errors: [{ reason: 'storageQuotaExceeded', domain: 'usageLimits' }] } });
    await expect(fx.control.addFault({ kind: 'explode' as never })).rejects.toThrow(/400/);
    await expect(fx.control.addFault({ kind: 'server_error', status: 404 })).rejects.toThrow(/400/);
  });

  it('expires resumable sessions after sessionLifetimeSeconds (404, like Drive after a week)', async () => {
    await fx.control.settings({ sessionLifetimeSeconds: 0.5 });
    const uri = await openSession(c, { name: 'old.bin', size: 2 * CHUNK });
    expect((await queryStatus(c, uri, 2 * CHUNK)).status).toBe(308);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await queryStatus(c, uri, 2 * CHUNK)).status).toBe(404);
  });

  it('omits storageQuota.limit for an unlimited account', async () => {
    const unlimited = caseFor(await fx.control.addAccount({ email: 'u@emulator.local', limit: null, serviceAccount: false }));
    const res = await unlimited.drive.about.get({ fields: 'storageQuota' }, { rootUrl: fx.emulator.url });
    expect(res.data.storageQuota).toEqual({ usage: '0', usageInDrive: '0', usageInDriveTrash: '0' });
  });
});
