import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { drive as createDrive } from 'googleapis/build/src/apis/drive';
import {
  authClientFor,
  type ContractCase,
  type OAuthCredentialJson,
  type ServiceAccountCredentialJson,
} from './contract/contract-target';
import { CHUNK, committedOf, md5, openSession, putChunk, queryStatus, readAll, testBytes, uploadResumable } from './contract/resumable-protocol';
import { generateServiceAccountKey, startFixture, type EmulatorFixture } from './testing/emulator-fixture';

describe('startEmulator', () => {
  let dataDir: string;
  let fx: EmulatorFixture | null = null;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gdrive-emulator-spec-'));
  });
  afterEach(async () => {
    await fx?.emulator.close();
    fx = null;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps accounts, files, access tokens and in-progress sessions across a restart on the same data dir', async () => {
    fx = await startFixture({ dataDir });
    const account = await fx.control.addAccount({ serviceAccount: false });
    const auth = authClientFor('oauth', account.credentials.oauth as OAuthCredentialJson, fx.emulator.url);
    const drive = createDrive({ version: 'v3', auth });
    const c: ContractCase = { kind: 'oauth', auth, drive, rootUrl: fx.emulator.url, folderId: 'root', account };

    const small = testBytes(5000, 21);
    const created = await drive.files.create(
      { requestBody: { name: 'kept.bin' }, media: { body: Readable.from([small]) }, fields: 'id' },
      { rootUrl: c.rootUrl },
    );
    const big = testBytes(3 * CHUNK + 5, 22);
    const uri = await openSession(c, { name: 'half.bin', size: big.length, fields: 'id,size,md5Checksum' });
    expect((await putChunk(c, uri, 0, big.subarray(0, CHUNK), big.length)).status).toBe(308);

    const port = fx.emulator.port;
    await fx.emulator.close();
    fx = await startFixture({ dataDir, port });

    // Same cached access token, same file, same session URI.
    const download = await drive.files.get({ fileId: created.data.id as string, alt: 'media' }, { rootUrl: c.rootUrl, responseType: 'stream' });
    expect(md5(await readAll(download.data as unknown as Readable))).toBe(md5(small));
    const status = await queryStatus(c, uri, big.length);
    expect(committedOf(status)).toBe(CHUNK);
    const done = await uploadResumable(c, uri, big, CHUNK, CHUNK);
    // The running MD5 did not survive the restart; it must have been recomputed from disk.
    expect(done.data).toMatchObject({ size: String(big.length), md5Checksum: md5(big) });
  });

  it('declares accounts with pre-generated credentials, OAuth clients and users from a config file; reset keeps them', async () => {
    const privateKey = generateServiceAccountKey();
    const configPath = join(dataDir, 'config.json');
    await writeFile(
      configPath,
      JSON.stringify({
        tokenLifetimeSeconds: 120,
        accounts: [
          {
            email: 'pool-a@emulator.local',
            limit: 5_000_000,
            oauth: { client_id: 'launcher.apps.googleusercontent.com', client_secret: 's3cret', refresh_token: '1//launcher-a' },
            serviceAccount: { client_email: 'pool-a@launcher.iam.gserviceaccount.com', private_key: privateKey, private_key_id: 'k1' },
          },
        ],
        oauthClients: [{ client_id: 'web.apps.googleusercontent.com', client_secret: 'w', redirect_uris: ['http://localhost/cb'] }],
        users: [{ email: 'ann@example.com', name: 'Ann' }],
      }),
    );
    fx = await startFixture({ dataDir: join(dataDir, 'data'), config: configPath });

    const account = await fx.control.getAccount('pool-a@emulator.local');
    expect(account.limit).toBe(5_000_000);
    expect(account.credentials.oauth).toMatchObject({ client_id: 'launcher.apps.googleusercontent.com', refresh_token: '1//launcher-a' });
    expect(account.credentials.serviceAccount).toMatchObject({ client_email: 'pool-a@launcher.iam.gserviceaccount.com', private_key_id: 'k1' });

    for (const kind of ['oauth', 'service_account'] as const) {
      const credentials = kind === 'oauth' ? account.credentials.oauth : account.credentials.serviceAccount;
      const auth = authClientFor(kind, credentials as OAuthCredentialJson | ServiceAccountCredentialJson, fx.emulator.url);
      const about = await createDrive({ version: 'v3', auth }).about.get({ fields: 'user,storageQuota' }, { rootUrl: fx.emulator.url });
      expect(about.data.user?.emailAddress).toBe('pool-a@emulator.local');
      expect(about.data.storageQuota?.limit).toBe('5000000');
      const lifetime = (auth.credentials.expiry_date as number) - Date.now();
      expect(lifetime).toBeGreaterThan(110_000);
      expect(lifetime).toBeLessThanOrEqual(120_000);
    }

    const auth = authClientFor('oauth', account.credentials.oauth as OAuthCredentialJson, fx.emulator.url);
    const drive = createDrive({ version: 'v3', auth });
    await drive.files.create({ requestBody: { name: 'f' }, media: { body: Readable.from([Buffer.from('x')]) } }, { rootUrl: fx.emulator.url });
    expect((await fx.control.getAccount('pool-a@emulator.local')).usageInDrive).toBe(1);

    await fx.control.reset();
    const after = await fx.control.getAccount('pool-a@emulator.local');
    expect(after.usageInDrive).toBe(0);
    expect(after.credentials.oauth?.refresh_token).toBe('1//launcher-a');
    const fresh = authClientFor('oauth', after.credentials.oauth as OAuthCredentialJson, fx.emulator.url);
    const list = await createDrive({ version: 'v3', auth: fresh }).files.list({ fields: 'files(id)' }, { rootUrl: fx.emulator.url });
    expect(list.data.files).toEqual([]);
  });
});
