import { Readable } from 'node:stream';
import { OAuth2Client } from 'google-auth-library';
import { drive as createDrive } from 'googleapis/build/src/apis/drive';
import {
  CONTRACT_ACCOUNT_LIMIT,
  EmulatorTarget,
  FOLDER_MIME,
  GoogleTarget,
  authClientFor,
  type ContractCase,
  type ContractTarget,
  type OAuthCredentialJson,
  type ServiceAccountCredentialJson,
} from './contract-target';
import {
  CHUNK,
  cancelSession,
  committedOf,
  domainOf,
  headerOf,
  initiateSession,
  md5,
  openSession,
  putChunk,
  queryStatus,
  readAll,
  reasonOf,
  testBytes,
  uploadResumable,
} from './resumable-protocol';

/**
 * Drive v3 behaviour the product relies on, checked only through googleapis /
 * google-auth-library. It runs against the emulator always, and against real Google
 * when GDRIVE_CONTRACT_CREDENTIALS names a credentials file — the same cases, so the
 * emulator cannot drift from the real thing unnoticed.
 */
jest.setTimeout(30_000);

const FILE_FIELDS = 'id,name,size,md5Checksum,createdTime,parents,trashed,mimeType';
const realCredentials = process.env['GDRIVE_CONTRACT_CREDENTIALS'];
const targets: ContractTarget[] = [new EmulatorTarget()];
if (realCredentials) {
  targets.push(new GoogleTarget(realCredentials));
} else {
  console.log(
    '[drive-contract] Real Google Drive part SKIPPED: GDRIVE_CONTRACT_CREDENTIALS is not set. ' +
      'Set it to a JSON file {"oauth":{client_id,client_secret,refresh_token}, "serviceAccount":{…key JSON…}, "folderId"?} ' +
      'to run the same contract against Google. Only the emulator part runs now.',
  );
}

async function uploadSmall(c: ContractCase, name: string, body: string | Buffer, parent = c.folderId): Promise<string> {
  const res = await c.drive.files.create(
    {
      requestBody: { name, parents: [parent] },
      media: { mimeType: 'application/octet-stream', body: Readable.from([Buffer.from(body)]) },
      fields: 'id',
    },
    { rootUrl: c.rootUrl },
  );
  return res.data.id as string;
}

for (const target of targets) {
  describe(`Drive v3 contract: ${target.name}`, () => {
    beforeAll(() => target.start());
    afterAll(() => target.stop());

    for (const kind of target.kinds) {
      describe(`${kind} credentials`, () => {
        let c: ContractCase;
        beforeEach(async () => {
          c = await target.openCase(kind);
        });
        afterEach(async () => {
          await target.closeCase(c);
        });

        it('opens a resumable session: 200 and an absolute Location with upload_id on the same server', async () => {
          const res = await initiateSession(c, { name: 'a.bin', size: 10 });
          expect(res.status).toBe(200);
          const location = new URL(res.headers.get('location') as string);
          expect(location.origin).toBe(new URL(c.rootUrl).origin);
          expect(location.searchParams.get('upload_id')).toBeTruthy();
        });

        it('answers 308 without Range before any byte is stored, then 308 + Range bytes=0-k (no Location)', async () => {
          const total = 3 * CHUNK + 10;
          const data = testBytes(total, 7);
          const uri = await openSession(c, { name: 'r.bin', size: total });

          const fresh = await queryStatus(c, uri, total);
          expect(fresh.status).toBe(308);
          expect(fresh.headers.get('range')).toBeNull();

          const first = await putChunk(c, uri, 0, data.subarray(0, CHUNK), total);
          expect(first.status).toBe(308);
          expect(first.headers.get('range')).toBe(`bytes=0-${CHUNK - 1}`);
          expect(first.headers.get('location')).toBeNull();

          const status = await queryStatus(c, uri, total);
          expect(status.status).toBe(308);
          expect(committedOf(status)).toBe(CHUNK);

          const second = await putChunk(c, uri, CHUNK, data.subarray(CHUNK, 3 * CHUNK), total);
          expect(second.status).toBe(308);
          expect(second.headers.get('range')).toBe(`bytes=0-${3 * CHUNK - 1}`);

          const last = await putChunk(c, uri, 3 * CHUNK, data.subarray(3 * CHUNK), total);
          expect(last.status).toBe(200);
          expect((last.data as { name: string }).name).toBe('r.bin');
        });

        it('never commits a misaligned offset for a non-final chunk that is not a multiple of 256 KiB', async () => {
          const total = 4 * CHUNK;
          const uri = await openSession(c, { name: 'm.bin', size: total });
          const res = await putChunk(c, uri, 0, testBytes(300_000), total);
          if (target.control) {
            expect(res.status).toBe(400);
            expect(reasonOf(res.data)).toBe('badRequest');
          } else {
            expect([400, 308]).toContain(res.status);
          }
          const status = await queryStatus(c, uri, total);
          expect(status.status).toBe(308);
          expect(committedOf(status) % CHUNK).toBe(0);
          expect(committedOf(status)).toBeLessThan(300_000);
        });

        it('stores exactly the uploaded bytes: size, md5Checksum, mimeType and a full download match the source', async () => {
          const data = testBytes(2 * 1024 * 1024 + 12_345, 11);
          const uri = await openSession(c, {
            name: 'exact.bin',
            size: data.length,
            contentType: 'application/x-ddx-test',
            fields: FILE_FIELDS,
          });
          const done = await uploadResumable(c, uri, data, 1024 * 1024);
          const file = done.data as { id: string; size: string; md5Checksum: string; mimeType: string; parents: string[] };
          expect(file.size).toBe(String(data.length));
          expect(file.md5Checksum).toBe(md5(data));
          expect(file.mimeType).toBe('application/x-ddx-test');
          expect(file.parents).toEqual([c.folderId]);

          const meta = await c.drive.files.get({ fileId: file.id, fields: FILE_FIELDS }, { rootUrl: c.rootUrl });
          expect(meta.data).toMatchObject({ id: file.id, name: 'exact.bin', size: String(data.length), md5Checksum: md5(data), trashed: false });
          expect(Number.isNaN(Date.parse(meta.data.createdTime as string))).toBe(false);

          const download = await c.drive.files.get({ fileId: file.id, alt: 'media' }, { rootUrl: c.rootUrl, responseType: 'stream' });
          expect(md5(await readAll(download.data as unknown as Readable))).toBe(md5(data));
          if (target.control) {
            expect(md5(await target.control.fileContent(file.id))).toBe(md5(data));
          }
        });

        it('replays 200 with the File for a status query on a finished session', async () => {
          const data = testBytes(1000, 3);
          const uri = await openSession(c, { name: 'done.bin', size: data.length, fields: 'id,size' });
          const done = await putChunk(c, uri, 0, data, data.length);
          expect(done.status).toBe(200);
          const replay = await queryStatus(c, uri, data.length);
          expect(replay.status).toBe(200);
          expect((replay.data as { id: string }).id).toBe((done.data as { id: string }).id);
        });

        it('answers 404 for an unknown upload_id', async () => {
          const uri = await openSession(c, { name: 'x.bin', size: 10 });
          const bogus = uri.replace(/upload_id=[^&]+/, `upload_id=ADbogus${Date.now()}`);
          const res = await queryStatus(c, bogus, 10);
          expect(res.status).toBe(404);
        });

        it('cancels a session with 499, after which the session is gone (404)', async () => {
          const uri = await openSession(c, { name: 'c.bin', size: CHUNK * 2 });
          await putChunk(c, uri, 0, testBytes(CHUNK), CHUNK * 2);
          const cancelled = await cancelSession(c, uri);
          expect(cancelled.status).toBe(499);
          expect((await queryStatus(c, uri, CHUNK * 2)).status).toBe(404);
        });

        it('accepts files.create multipart uploads with a chunked stream body, and media-only uploads', async () => {
          const parts = [testBytes(70_000, 5), testBytes(50_001, 6)];
          const whole = Buffer.concat(parts);
          const created = await c.drive.files.create(
            {
              requestBody: { name: 'multi.bin', parents: [c.folderId] },
              media: { mimeType: 'application/x-ddx-multi', body: Readable.from(parts) },
              fields: 'id,name,size,md5Checksum,mimeType',
            },
            { rootUrl: c.rootUrl },
          );
          expect(created.data).toMatchObject({ name: 'multi.bin', size: String(whole.length), md5Checksum: md5(whole), mimeType: 'application/x-ddx-multi' });

          const media = await c.drive.files.create(
            { media: { mimeType: 'text/plain', body: 'just bytes' }, fields: 'id,name,size,md5Checksum,mimeType' },
            { rootUrl: c.rootUrl },
          );
          try {
            expect(media.data).toMatchObject({ name: 'Untitled', size: '10', md5Checksum: md5(Buffer.from('just bytes')) });
            expect(media.data.mimeType).toMatch(/^text\/plain/);
          } finally {
            await c.drive.files.delete({ fileId: media.data.id as string }, { rootUrl: c.rootUrl });
          }
        });

        it('serves Range downloads as 206 + Content-Range, and 416 for a range past the end', async () => {
          const data = testBytes(1000, 9);
          const id = await uploadSmall(c, 'range.bin', data);
          const part = await c.drive.files.get(
            { fileId: id, alt: 'media' },
            { rootUrl: c.rootUrl, responseType: 'stream', headers: { Range: 'bytes=100-199' } },
          );
          expect(part.status).toBe(206);
          expect(headerOf(part.headers, 'content-range')).toBe('bytes 100-199/1000');
          expect(await readAll(part.data as unknown as Readable)).toEqual(data.subarray(100, 200));

          await expect(
            c.drive.files.get(
              { fileId: id, alt: 'media' },
              { rootUrl: c.rootUrl, responseType: 'stream', headers: { Range: 'bytes=5000-' }, retry: false },
            ),
          ).rejects.toMatchObject({ status: 416 });
        });

        it('deletes with 204; the file is 404 afterwards', async () => {
          const id = await uploadSmall(c, 'gone.bin', 'bye');
          const res = await c.drive.files.delete({ fileId: id }, { rootUrl: c.rootUrl });
          expect(res.status).toBe(204);
          const err = await c.drive.files.get({ fileId: id, fields: 'id' }, { rootUrl: c.rootUrl }).catch((e: unknown) => e);
          expect(err).toMatchObject({ status: 404 });
          expect(reasonOf(err)).toBe('notFound');
        });

        it("lists a folder's children with q, pageSize and pageToken", async () => {
          const folder = async (name: string): Promise<string> =>
            (
              await c.drive.files.create(
                { requestBody: { name, mimeType: FOLDER_MIME, parents: [c.folderId] }, fields: 'id' },
                { rootUrl: c.rootUrl },
              )
            ).data.id as string;
          const a = await folder('A');
          const b = await folder('B');
          for (const name of ['a1', 'a2', 'a3']) await uploadSmall(c, name, name, a);
          await uploadSmall(c, 'b1', 'b1', b);

          const q = `'${a}' in parents and trashed=false`;
          const page1 = await c.drive.files.list(
            { q, pageSize: 2, orderBy: 'name', fields: 'nextPageToken,files(id,name,parents)' },
            { rootUrl: c.rootUrl },
          );
          expect(page1.data.files?.map((f) => f.name)).toEqual(['a1', 'a2']);
          expect(page1.data.files?.[0].parents).toEqual([a]);
          expect(page1.data.nextPageToken).toBeTruthy();
          const page2 = await c.drive.files.list(
            { q, pageSize: 2, orderBy: 'name', pageToken: page1.data.nextPageToken as string, fields: 'nextPageToken,files(id,name)' },
            { rootUrl: c.rootUrl },
          );
          expect(page2.data.files?.map((f) => f.name)).toEqual(['a3']);
          expect(page2.data.nextPageToken).toBeUndefined();

          const byName = await c.drive.files.list({ q: `${q} and name='a2'`, fields: 'files(id,name)' }, { rootUrl: c.rootUrl });
          expect(byName.data.files?.map((f) => f.name)).toEqual(['a2']);

          const a3 = page2.data.files?.[0].id as string;
          await c.drive.files.update({ fileId: a3, requestBody: { trashed: true } }, { rootUrl: c.rootUrl });
          const afterTrash = await c.drive.files.list({ q, orderBy: 'name', fields: 'files(name)' }, { rootUrl: c.rootUrl });
          expect(afterTrash.data.files?.map((f) => f.name)).toEqual(['a1', 'a2']);
        });

        it('reports quotas as decimal strings and requires fields on about.get', async () => {
          const before = await c.drive.about.get({ fields: 'storageQuota,user' }, { rootUrl: c.rootUrl });
          const quota = before.data.storageQuota ?? {};
          for (const value of [quota.usage, quota.usageInDrive, quota.usageInDriveTrash]) expect(value).toMatch(/^\d+$/);
          expect(typeof before.data.user?.emailAddress).toBe('string');
          if (target.control) {
            expect(quota.limit).toBe(String(CONTRACT_ACCOUNT_LIMIT));
            expect(before.data.user?.emailAddress).toBe('contract@emulator.local');
            await uploadSmall(c, 'q.bin', testBytes(1234));
            const after = await c.drive.about.get({ fields: 'storageQuota' }, { rootUrl: c.rootUrl });
            expect(Number(after.data.storageQuota?.usage)).toBe(Number(quota.usage) + 1234);
          }

          const err = await c.drive.about.get({}, { rootUrl: c.rootUrl }).catch((e: unknown) => e);
          expect(err).toMatchObject({ status: 400 });
          expect(reasonOf(err)).toBe('required');
        });

        it('answers 401 authError for an access token it did not issue', async () => {
          const stale = new OAuth2Client();
          stale.setCredentials({ access_token: 'ya29.not-a-real-token', expiry_date: Date.now() + 3600_000 });
          const err = await createDrive({ version: 'v3', auth: stale })
            .about.get({ fields: 'user' }, { rootUrl: c.rootUrl })
            .catch((e: unknown) => e);
          expect(err).toMatchObject({ status: 401 });
          expect(reasonOf(err)).toBe('authError');
        });

        if (!target.emulated) return;
        // Below: behaviour that needs the emulator's knobs (faults, quotas, token lifetime).

        it('resumes after a connection dropped mid-chunk: the status query reports the aligned prefix that arrived', async () => {
          const control = target.control as NonNullable<ContractTarget['control']>;
          const data = testBytes(3 * 1024 * 1024 + 77, 13);
          const uri = await openSession(c, { name: 'resume.bin', size: data.length, fields: 'id,size,md5Checksum' });

          await control.addFault({ kind: 'drop_request', route: 'upload.resumable.chunk', afterBytes: 300 * 1024 });
          const dropped = await putChunk(c, uri, 0, data.subarray(0, 1024 * 1024), data.length).catch((e: unknown) => e);
          expect(dropped).toBeInstanceOf(Error);
          expect((dropped as { response?: unknown }).response).toBeUndefined();

          const status = await queryStatus(c, uri, data.length);
          expect(status.status).toBe(308);
          expect(committedOf(status)).toBe(CHUNK); // 300 KiB arrived → one 256 KiB unit kept

          // The whole chunk arrives but the answer is lost: the bytes are committed anyway.
          await control.addFault({ kind: 'drop_request', route: 'upload.resumable.chunk', afterBytes: 10 * 1024 * 1024 });
          const lost = await putChunk(c, uri, CHUNK, data.subarray(CHUNK, CHUNK + 1024 * 1024), data.length).catch((e: unknown) => e);
          expect(lost).toBeInstanceOf(Error);
          const afterLost = await queryStatus(c, uri, data.length);
          expect(committedOf(afterLost)).toBe(CHUNK + 1024 * 1024);

          const done = await uploadResumable(c, uri, data, 1024 * 1024, committedOf(afterLost));
          const file = done.data as { id: string; size: string; md5Checksum: string };
          expect(file.size).toBe(String(data.length));
          expect(file.md5Checksum).toBe(md5(data));
          expect(md5(await control.fileContent(file.id))).toBe(md5(data));
        });

        it('refuses a session whose declared size does not fit: 403 storageQuotaExceeded (usageLimits)', async () => {
          const control = target.control as NonNullable<ContractTarget['control']>;
          await control.updateAccount('contract@emulator.local', { limit: 1024 * 1024 });
          const tooBig = await initiateSession(c, { name: 'big.bin', size: 1024 * 1024 + 1 });
          expect(tooBig.status).toBe(403);
          expect(reasonOf(tooBig.data)).toBe('storageQuotaExceeded');
          expect(domainOf(tooBig.data)).toBe('usageLimits');
          expect(tooBig.headers.get('location')).toBeNull();
          expect((await initiateSession(c, { name: 'fits.bin', size: 1024 * 1024 })).status).toBe(200);
        });

        it('refuses a chunk that no longer fits the quota: 403 storageQuotaExceeded', async () => {
          const control = target.control as NonNullable<ContractTarget['control']>;
          await control.updateAccount('contract@emulator.local', { limit: 1024 * 1024 });
          const total = 3 * CHUNK;
          const uri = await openSession(c, { name: 'late.bin', size: total });
          expect((await putChunk(c, uri, 0, testBytes(CHUNK), total)).status).toBe(308);
          // Something else filled the drive meanwhile.
          await control.updateAccount('contract@emulator.local', { usage: 700 * 1024 });
          const res = await putChunk(c, uri, CHUNK, testBytes(2 * CHUNK), total);
          expect(res.status).toBe(403);
          expect(reasonOf(res.data)).toBe('storageQuotaExceeded');
          expect(committedOf(await queryStatus(c, uri, total))).toBe(CHUNK);
        });

        it('reports rate limits: 403 userRateLimitExceeded and the daily cap are not retried; 429 is retried by googleapis', async () => {
          const control = target.control as NonNullable<ContractTarget['control']>;
          await control.addFault({ kind: 'user_rate_limit', route: 'files.get' });
          const limited = await c.drive.files.get({ fileId: c.folderId, fields: 'id' }, { rootUrl: c.rootUrl }).catch((e: unknown) => e);
          expect(limited).toMatchObject({ status: 403 });
          expect(reasonOf(limited)).toBe('userRateLimitExceeded');
          expect((await control.stats()).byRoute['files.get'].requests).toBe(1);
          expect((await c.drive.files.get({ fileId: c.folderId, fields: 'id' }, { rootUrl: c.rootUrl })).status).toBe(200);

          await control.addFault({ kind: 'upload_cap', route: 'upload.resumable.initiate' });
          const capped = await initiateSession(c, { name: 'cap.bin', size: 10 });
          expect(capped.status).toBe(403);
          expect(reasonOf(capped.data)).toBe('userRateLimitExceeded');
          expect((capped.data as { error: { message: string } }).error.message).toBe('User rate limit exceeded.');

          await control.addFault({ kind: 'too_many_requests', route: 'files.list' });
          const tooMany = await c.drive.files.list({ fields: 'files(id)' }, { rootUrl: c.rootUrl, retry: false }).catch((e: unknown) => e);
          expect(tooMany).toMatchObject({ status: 429 });
          expect(reasonOf(tooMany)).toBe('rateLimitExceeded');

          await control.addFault({ kind: 'too_many_requests', route: 'files.list' });
          const retried = await c.drive.files.list({ fields: 'files(id)' }, { rootUrl: c.rootUrl });
          expect(retried.status).toBe(200);
          expect((await control.stats()).byRoute['files.list'].statuses).toEqual({ '429': 2, '200': 1 });
        });

        it('expires access tokens: a stale token is refused with 401 and the client refreshes on its own', async () => {
          const control = target.control as NonNullable<ContractTarget['control']>;
          const account = c.account as NonNullable<ContractCase['account']>;
          await control.settings({ tokenLifetimeSeconds: 1 });
          const credentials = (kind === 'oauth' ? account.credentials.oauth : account.credentials.serviceAccount) as
            | OAuthCredentialJson
            | ServiceAccountCredentialJson;
          const auth = authClientFor(kind, credentials, c.rootUrl);
          const drive = createDrive({ version: 'v3', auth });
          await drive.about.get({ fields: 'user' }, { rootUrl: c.rootUrl });
          const firstToken = auth.credentials.access_token as string;
          const tokenRequests = (await control.stats()).byRoute['token'].requests;

          await new Promise((resolve) => setTimeout(resolve, 1200));
          const stale = new OAuth2Client();
          stale.setCredentials({ access_token: firstToken, expiry_date: Date.now() + 3600_000 });
          const refused = await createDrive({ version: 'v3', auth: stale })
            .about.get({ fields: 'user' }, { rootUrl: c.rootUrl })
            .catch((e: unknown) => e);
          expect(refused).toMatchObject({ status: 401 });

          expect((await drive.about.get({ fields: 'user' }, { rootUrl: c.rootUrl })).status).toBe(200);
          expect(auth.credentials.access_token).not.toBe(firstToken);
          expect((await control.stats()).byRoute['token'].requests).toBe(tokenRequests + 1);

          if (kind === 'oauth') {
            // Expiry unknown to the client: it learns from the 401, refreshes and retries once.
            const oauth = credentials as OAuthCredentialJson;
            const reactive = new OAuth2Client({
              clientId: oauth.client_id,
              clientSecret: oauth.client_secret,
              endpoints: { oauth2TokenUrl: `${c.rootUrl}token` },
            });
            reactive.setCredentials({ access_token: firstToken, refresh_token: oauth.refresh_token });
            const res = await createDrive({ version: 'v3', auth: reactive }).about.get({ fields: 'user' }, { rootUrl: c.rootUrl });
            expect(res.status).toBe(200);
            expect((await control.stats()).byRoute['about.get'].statuses['401']).toBe(2);
          }
        });
      });
    }
  });
}
