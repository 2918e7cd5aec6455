import {
  AdminReportRoutes,
  ReportDownloads,
  ReportErrorCode,
  ReportExportJson,
  ReportOverview,
  ReportRegistrations,
  ReportStorageByAccount,
  ReportStorageByType,
  ReportStorageByUser,
  ReportStorageOverTime,
  ReportUploads,
  ReportUserActivity,
} from '@ddx/contracts';
import { DownloadStatsRepository } from '@ddx/server-database';
import { Types } from 'mongoose';
import { randomBytes, randomUUID } from 'node:crypto';

import { AdminWorld, sleep } from '../testing/admin-world';
import { parseCsv } from '../../../testing/rfc4180';

jest.setTimeout(180_000);

/**
 * Known users, files, sign-ins and download counters in February 2021 (far
 * from "today", where the world's own admins and the end-to-end upload live),
 * then every report compared with what was created.
 */
describe('admin reports API (api + Drive emulator + FerretDB)', () => {
  let w: AdminWorld;
  let accountId = '';
  const RANGE = 'from=2021-02-01&to=2021-02-05';
  const u = {
    u1: { id: new Types.ObjectId(), email: 'alpha-reports@example.org', createdAt: '2021-02-01T10:00:00Z', status: 'active' },
    // A formula-looking address: exports must not let a spreadsheet run it.
    u2: { id: new Types.ObjectId(), email: '=cmd-reports@example.org', createdAt: '2021-02-01T23:59:59Z', status: 'active' },
    u3: { id: new Types.ObjectId(), email: 'gamma-reports@example.org', createdAt: '2021-02-03T00:00:00Z', status: 'suspended' },
    u4: { id: new Types.ObjectId(), email: 'delta-reports@example.org', createdAt: '2021-02-10T12:00:00Z', status: 'banned' },
  };
  const today = new Date().toISOString().slice(0, 10);

  const get = <T>(path: string, token = w.adminToken) => w.req<T>('GET', path, token);

  function file(over: Record<string, unknown>) {
    const createdAt = new Date((over['completedAt'] as string | undefined) ?? '2021-02-02T00:00:00Z');
    return {
      _id: randomUUID(),
      ownerId: null,
      filename: 'file.bin',
      originalFilename: 'file.bin',
      sizeBytes: 0,
      contentType: 'application/octet-stream',
      status: 'completed',
      failureReason: null,
      batchId: null,
      driveAccountId: accountId,
      driveFileId: `drive-${randomUUID()}`,
      md5: null,
      backupStatus: 'none',
      quarantined: false,
      downloadCount: 0,
      deletedAt: null,
      expiresAt: null,
      createdAt,
      updatedAt: createdAt,
      ...over,
      completedAt: over['completedAt'] === null ? null : over['completedAt'] ? new Date(over['completedAt'] as string) : createdAt,
    };
  }

  beforeAll(async () => {
    w = await AdminWorld.start('adminreports');
    accountId = (await w.pool.list())[0]?._id as string;
    await w.db.collection('users').insertMany(
      Object.values(u).map((x) => ({
        _id: x.id,
        email: x.email,
        passwordHash: null,
        role: 'regular',
        status: x.status,
        statusReason: null,
        tokenVersion: 0,
        storageQuotaBytes: 10 ** 9,
        storageUsedBytes: 0,
        storageReservedBytes: 0,
        storageFreeBytes: 10 ** 9,
        googleId: null,
        name: null,
        picture: null,
        createdAt: new Date(x.createdAt),
        lastLoginAt: null,
        passwordChangedAt: null,
      })),
    );
    const id = (k: keyof typeof u) => u[k].id.toHexString();
    await w.db.collection<{ _id: string }>('files').insertMany([
      // before the range: the storage baseline
      file({ ownerId: id('u1'), sizeBytes: 10_000, contentType: 'image/jpeg', completedAt: '2021-01-15T12:00:00Z' }),
      file({ ownerId: id('u1'), sizeBytes: 1000, contentType: 'image/png', completedAt: '2021-02-01T12:00:00Z', backupStatus: 'completed' }),
      // anonymous, generic type: the extension makes it audio
      file({ ownerId: null, filename: 'song.mp3', sizeBytes: 300, completedAt: '2021-02-02T05:00:00Z' }),
      // stored on 02-02, deleted on 02-04
      file({ ownerId: id('u2'), sizeBytes: 4000, contentType: 'text/plain', completedAt: '2021-02-02T10:00:00Z', status: 'deleted', deletedAt: new Date('2021-02-04T10:00:00Z') }),
      file({ ownerId: id('u1'), sizeBytes: 2000, contentType: 'application/pdf', completedAt: '2021-02-03T08:00:00Z', backupStatus: 'failed' }),
      // detached from its Drive account (served from the backup)
      file({ ownerId: id('u2'), sizeBytes: 5000, contentType: 'video/mp4', completedAt: '2021-02-03T09:00:00Z', driveAccountId: null }),
      // never finished: counts nowhere but "in progress" / nowhere at all
      file({ ownerId: id('u3'), sizeBytes: 700, contentType: 'image/gif', completedAt: null, createdAt: new Date('2021-02-02T00:00:00Z'), status: 'failed' }),
      file({ ownerId: id('u3'), sizeBytes: 800, contentType: 'image/gif', completedAt: null, createdAt: new Date('2021-02-02T00:00:00Z'), status: 'uploading', expiresAt: new Date('2100-01-01T00:00:00Z') }),
    ]);
    const login = (userId: string | null, at: string, action = 'user.login', actorType = 'user') => ({
      actorType,
      actorId: userId,
      actorEmail: null,
      action,
      target: null,
      ip: '203.0.113.1',
      details: null,
      at: new Date(at),
    });
    await w.db.collection('activity_logs').insertMany([
      login(id('u1'), '2021-02-01T09:00:00Z'),
      login(id('u1'), '2021-02-01T15:00:00Z'),
      login(id('u3'), '2021-02-04T00:00:00Z'),
      login(id('u2'), '2021-02-05T23:59:59.999Z', 'user.google_login'),
      // not sign-ins of users
      login(id('u4'), '2021-02-02T09:00:00Z', 'user.login_failed'),
      login(new Types.ObjectId().toHexString(), '2021-02-02T09:00:00Z', 'admin.login', 'admin'),
      // outside the range
      login(id('u4'), '2021-02-06T00:00:00Z'),
    ]);
    const counter = new DownloadStatsRepository(w.db);
    for (let i = 0; i < 3; i++) await counter.record(new Date('2021-02-02T08:00:00Z'));
    // Twenty first downloads of a day at once: the day's document is created once and counts all.
    await Promise.all(Array.from({ length: 20 }, () => counter.record(new Date('2021-02-03T13:00:00Z'))));
    await counter.record(new Date('2021-02-05T23:00:00Z'));
    await counter.record(new Date('2021-02-06T01:00:00Z'));
  });

  afterAll(async () => {
    await w?.close();
  });

  it('uploads per day: finished uploads and their bytes, empty days as zeros', async () => {
    const res = await get<ReportUploads>(`${AdminReportRoutes.uploads}?${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.body.range).toEqual({ from: '2021-02-01', to: '2021-02-05', days: 5 });
    expect(res.body.points).toEqual([
      { date: '2021-02-01', uploads: 1, bytes: 1000 },
      { date: '2021-02-02', uploads: 2, bytes: 4300 },
      { date: '2021-02-03', uploads: 2, bytes: 7000 },
      { date: '2021-02-04', uploads: 0, bytes: 0 },
      { date: '2021-02-05', uploads: 0, bytes: 0 },
    ]);
    expect(res.body.totals).toEqual({ uploads: 5, bytes: 12_300 });
  });

  it('weeks start on Monday and months on the 1st; the first bucket is clipped to the range', async () => {
    const weeks = await get<ReportUploads>(`${AdminReportRoutes.uploads}?from=2021-01-28&to=2021-02-05&granularity=week`);
    expect(weeks.body.points).toEqual([
      { date: '2021-01-28', uploads: 0, bytes: 0 },
      { date: '2021-02-01', uploads: 5, bytes: 12_300 },
    ]);
    const months = await get<ReportUploads>(`${AdminReportRoutes.uploads}?from=2021-01-10&to=2021-02-05&granularity=month`);
    expect(months.body.points).toEqual([
      { date: '2021-01-10', uploads: 1, bytes: 10_000 },
      { date: '2021-02-01', uploads: 5, bytes: 12_300 },
    ]);
    // A narrower range leaves the other days out.
    const one = await get<ReportUploads>(`${AdminReportRoutes.uploads}?from=2021-02-03&to=2021-02-03`);
    expect(one.body.points).toEqual([{ date: '2021-02-03', uploads: 2, bytes: 7000 }]);
  });

  it('storage over time: the baseline before the range, bytes added and removed, stored at the end of each day', async () => {
    const res = await get<ReportStorageOverTime>(`${AdminReportRoutes.storageOverTime}?${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.body.start_bytes).toBe(10_000);
    expect(res.body.points).toEqual([
      { date: '2021-02-01', added_bytes: 1000, removed_bytes: 0, stored_bytes: 11_000 },
      { date: '2021-02-02', added_bytes: 4300, removed_bytes: 0, stored_bytes: 15_300 },
      { date: '2021-02-03', added_bytes: 7000, removed_bytes: 0, stored_bytes: 22_300 },
      { date: '2021-02-04', added_bytes: 0, removed_bytes: 4000, stored_bytes: 18_300 },
      { date: '2021-02-05', added_bytes: 0, removed_bytes: 0, stored_bytes: 18_300 },
    ]);
    expect(res.body.totals).toEqual({ added_bytes: 12_300, removed_bytes: 4000, end_bytes: 18_300 });
  });

  it('storage by user as of the end of the range: a deleted file counts until its deletion day', async () => {
    const res = await get<ReportStorageByUser>(`${AdminReportRoutes.storageByUser}?${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.body.as_of).toBe('2021-02-05');
    expect(res.body.items).toEqual([
      { user_id: u.u1.id.toHexString(), email: u.u1.email, files: 3, bytes: 13_000 },
      { user_id: u.u2.id.toHexString(), email: u.u2.email, files: 1, bytes: 5000 },
      { user_id: null, email: null, files: 1, bytes: 300 },
    ]);
    expect(res.body.totals).toEqual({ files: 5, bytes: 18_300, owners: 2 });

    const before = await get<ReportStorageByUser>(`${AdminReportRoutes.storageByUser}?from=2021-02-01&to=2021-02-03&limit=1`);
    expect(before.body.items).toEqual([{ user_id: u.u1.id.toHexString(), email: u.u1.email, files: 3, bytes: 13_000 }]);
    expect(before.body.totals).toEqual({ files: 6, bytes: 22_300, owners: 2 });
  });

  it('storage by type: MIME families, generic types by their extension, every kind listed', async () => {
    const res = await get<ReportStorageByType>(`${AdminReportRoutes.storageByType}?${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { type: 'documents', files: 1, bytes: 2000 },
      { type: 'images', files: 2, bytes: 11_000 },
      { type: 'videos', files: 1, bytes: 5000 },
      { type: 'audio', files: 1, bytes: 300 },
      { type: 'other', files: 0, bytes: 0 },
    ]);
    expect(res.body.totals).toEqual({ files: 5, bytes: 18_300 });
  });

  it('storage by account: every account, plus the files detached from any', async () => {
    const res = await get<ReportStorageByAccount>(`${AdminReportRoutes.storageByAccount}?${RANGE}`);
    expect(res.status).toBe(200);
    const account = (await w.pool.list())[0];
    expect(res.body.items).toEqual([
      { account_id: accountId, label: account?.label, email: account?.email, files: 4, bytes: 13_300 },
      { account_id: null, label: null, email: null, files: 1, bytes: 5000 },
    ]);
    expect(res.body.totals).toEqual({ files: 5, bytes: 18_300 });
  });

  it('registrations per day', async () => {
    const res = await get<ReportRegistrations>(`${AdminReportRoutes.registrations}?${RANGE}`);
    expect(res.body.points.map((p) => p.registrations)).toEqual([2, 0, 1, 0, 0]);
    expect(res.body.totals).toEqual({ registrations: 3 });
  });

  it('user activity: top uploaders of the range, active users and sign-ins per day', async () => {
    const res = await get<ReportUserActivity>(`${AdminReportRoutes.userActivity}?${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.body.top_uploaders).toEqual([
      { user_id: u.u2.id.toHexString(), email: u.u2.email, uploads: 2, bytes: 9000 },
      { user_id: u.u1.id.toHexString(), email: u.u1.email, uploads: 2, bytes: 3000 },
    ]);
    expect(res.body.points).toEqual([
      { date: '2021-02-01', active_users: 1, logins: 2 },
      { date: '2021-02-02', active_users: 1, logins: 0 },
      { date: '2021-02-03', active_users: 2, logins: 0 },
      { date: '2021-02-04', active_users: 1, logins: 1 },
      { date: '2021-02-05', active_users: 1, logins: 1 },
    ]);
    expect(res.body.totals).toEqual({ active_users: 3, logins: 4, uploaders: 2 });

    const week = await get<ReportUserActivity>(`${AdminReportRoutes.userActivity}?${RANGE}&granularity=week&limit=1`);
    expect(week.body.points).toEqual([{ date: '2021-02-01', active_users: 3, logins: 4 }]);
    expect(week.body.top_uploaders).toHaveLength(1);
  });

  it('downloads per day from the day counters (concurrent first downloads of a day all counted)', async () => {
    const res = await get<ReportDownloads>(`${AdminReportRoutes.downloads}?${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.body.points).toEqual([
      { date: '2021-02-01', downloads: 0 },
      { date: '2021-02-02', downloads: 3 },
      { date: '2021-02-03', downloads: 20 },
      { date: '2021-02-04', downloads: 0 },
      { date: '2021-02-05', downloads: 1 },
    ]);
    expect(res.body.totals).toEqual({ downloads: 24 });
  });

  it("overview: the range's figures", async () => {
    const res = await get<ReportOverview>(`${AdminReportRoutes.overview}?${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.body.period).toEqual({ new_users: 3, active_users: 3, uploads: 5, uploaded_bytes: 12_300, downloads: 24 });
  });

  it('a real upload and its downloads are counted end to end: a full GET and a range from byte 0 count, HEAD, 304 and later ranges do not', async () => {
    const user = await w.registerUser('reporter');
    const data = randomBytes(4096);
    const id = await w.upload(data, { filename: 'report.pdf', contentType: 'application/pdf', token: user.token });
    const url = `${w.api.url}/api/v1/download/stream/${id}`;

    const full = await fetch(url);
    expect(Buffer.from(await full.arrayBuffer())).toEqual(data);
    const etag = full.headers.get('etag') as string;
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(200);
    const later = await fetch(url, { headers: { Range: 'bytes=100-' } });
    expect(later.status).toBe(206);
    await later.arrayBuffer();
    expect((await fetch(url, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    const first = await fetch(url, { headers: { Range: 'bytes=0-99' } });
    expect(first.status).toBe(206);
    await first.arrayBuffer();

    // Counting is fire-and-forget: wait for both counters to land.
    const todayRange = `from=${today}&to=${today}`;
    let downloads: ReportDownloads | null = null;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(200)) {
      downloads = (await get<ReportDownloads>(`${AdminReportRoutes.downloads}?${todayRange}`)).body;
      if (downloads.totals.downloads >= 2 && (await w.files.findById(id))?.downloadCount === 2) break;
    }
    expect(downloads?.points).toEqual([{ date: today, downloads: 2 }]);
    expect((await w.files.findById(id))?.downloadCount).toBe(2);

    const overview = await get<ReportOverview>(`${AdminReportRoutes.overview}?${todayRange}`);
    expect(overview.status).toBe(200);
    const o = overview.body;
    // Today: the superadmin and the admin the world created, and the user who uploaded.
    expect(o.period).toEqual({ new_users: 3, active_users: 1, uploads: 1, uploaded_bytes: 4096, downloads: 2 });
    // Totals now: the four users above plus today's three accounts; the stored files (the 2021 ones still stored and the upload).
    expect(o.users).toEqual({ total: 7, active: 5, suspended: 1, banned: 1, admins: 2 });
    expect(o.files).toEqual({ stored: 6, stored_bytes: 18_300 + 4096, in_progress: 1, anonymous: 1 });
    expect(o.backups).toEqual({ done: 1, failed: 1, pending: 4 });
    expect(o.accounts).toMatchObject({ total: 1, enabled: 1 });

    const types = await get<ReportStorageByType>(`${AdminReportRoutes.storageByType}?to=${today}`);
    expect(types.body.items.find((t) => t.type === 'documents')).toEqual({ type: 'documents', files: 2, bytes: 2000 + 4096 });
    const uploads = await get<ReportUploads>(`${AdminReportRoutes.uploads}?${todayRange}`);
    expect(uploads.body.points).toEqual([{ date: today, uploads: 1, bytes: 4096 }]);
    const activity = await get<ReportUserActivity>(`${AdminReportRoutes.userActivity}?${todayRange}`);
    expect(activity.body.top_uploaders).toEqual([{ user_id: user.id, email: user.email, uploads: 1, bytes: 4096 }]);
    expect(activity.body.points).toEqual([{ date: today, active_users: 1, logins: 1 }]);
  });

  it('CSV export parses back to the same numbers; formula-looking text is neutralised; the export is logged', async () => {
    const uploads = await get<ReportUploads>(`${AdminReportRoutes.uploads}?${RANGE}`);
    const csv = await get<unknown>(`${AdminReportRoutes.export}?report=uploads&format=csv&${RANGE}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="report-uploads-2021-02-01-to-2021-02-05.csv"');
    const table = parseCsv(csv.text);
    expect(table[0]).toEqual(['date', 'uploads', 'bytes']);
    expect(table.slice(1).map(([date, n, b]) => ({ date, uploads: Number(n), bytes: Number(b) }))).toEqual(uploads.body.points);

    const users = parseCsv((await get<unknown>(`${AdminReportRoutes.export}?report=storage-by-user&${RANGE}`)).text);
    expect(users).toEqual([
      ['user_id', 'email', 'files', 'bytes'],
      [u.u1.id.toHexString(), u.u1.email, '3', '13000'],
      [u.u2.id.toHexString(), `'${u.u2.email}`, '1', '5000'],
      ['', '', '1', '300'],
    ]);

    const overview = parseCsv((await get<unknown>(`${AdminReportRoutes.export}?report=overview&${RANGE}`)).text);
    expect(overview).toContainEqual(['period.uploaded_bytes', '12300']);
    expect(overview).toContainEqual(['period.downloads', '24']);

    const logged = await w.activity({ action: 'admin.report_export', target: 'uploads' });
    expect(logged[0]).toMatchObject({ actorEmail: w.adminEmail, details: { format: 'csv', from: '2021-02-01', to: '2021-02-05' } });
  });

  it('JSON export holds the same rows', async () => {
    const res = await get<ReportExportJson>(`${AdminReportRoutes.export}?report=storage-over-time&format=json&${RANGE}&granularity=week`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({
      report: 'storage-over-time',
      range: { from: '2021-02-01', to: '2021-02-05', days: 5 },
      columns: ['date', 'added_bytes', 'removed_bytes', 'stored_bytes'],
      rows: [{ date: '2021-02-01', added_bytes: 12_300, removed_bytes: 4000, stored_bytes: 18_300 }],
    });
    const accounts = await get<ReportExportJson>(`${AdminReportRoutes.export}?report=storage-by-account&format=json&${RANGE}`);
    expect(accounts.body.rows.map((r) => [r['account_id'], r['files'], r['bytes']])).toEqual([
      [accountId, 4, 13_300],
      [null, 1, 5000],
    ]);
  });

  it('ranges are checked: backwards or longer than 366 days, bad dates and options are 400s with stable codes', async () => {
    const backwards = await get(`${AdminReportRoutes.uploads}?from=2021-02-05&to=2021-02-01`);
    expect(backwards.status).toBe(400);
    expect(backwards.body.error).toBe(ReportErrorCode.REPORT_RANGE_INVALID);
    const long = await get(`${AdminReportRoutes.overview}?from=2020-01-01&to=2021-01-01`);
    expect(long.status).toBe(400);
    expect(long.body.error).toBe(ReportErrorCode.REPORT_RANGE_TOO_LONG);
    expect((await get(`${AdminReportRoutes.export}?report=uploads&from=2020-01-01&to=2021-01-01`)).body.error).toBe(ReportErrorCode.REPORT_RANGE_TOO_LONG);
    expect((await get(`${AdminReportRoutes.uploads}?from=2020-01-01&to=2020-12-31`)).status).toBe(200); // 366 days
    for (const bad of ['from=yesterday', 'to=2021-02-30', 'granularity=hour', 'limit=0']) {
      const res = await get(`${AdminReportRoutes.userActivity}?${bad}`);
      expect([bad, res.status, res.body.error]).toEqual([bad, 400, 'VALIDATION']);
    }
    const unknown = await get(`${AdminReportRoutes.export}?report=custom&format=csv`);
    expect([unknown.status, unknown.body.error]).toEqual([400, 'VALIDATION']);
    const pdf = await get(`${AdminReportRoutes.export}?report=uploads&format=pdf`);
    expect([pdf.status, pdf.body.error]).toEqual([400, 'VALIDATION']);
  });

  it('needs an admin token: none, or a user token, is refused; a superadmin may read', async () => {
    const user = await w.registerUser('notadmin');
    for (const path of [AdminReportRoutes.overview, `${AdminReportRoutes.export}?report=uploads`]) {
      expect((await w.req('GET', path, undefined)).status).toBe(401);
      const asUser = await get(path, user.token);
      expect(asUser.status).toBe(401);
      expect(asUser.text).not.toContain('uploads');
    }
    expect((await get(AdminReportRoutes.overview, w.rootToken)).status).toBe(200);
  });

  it('documents every report route in OpenAPI from its contract, with the admin bearer scheme', async () => {
    const doc = (await (await fetch(`${w.api.url}/api/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/admin/reports/'))
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, security: op.security })));
    expect(documented.map((d) => d.route).sort()).toEqual(Object.values(AdminReportRoutes).map((p) => `GET ${p}`).sort());
    for (const d of documented) expect(d.security).toEqual([{ admin: [] }]);
  });
});
