import {
  AdminApiRoutes,
  AdminFile,
  AdminFileDetail,
  AdminFileList,
  BackupQueued,
  BulkResult,
  FileDeletion,
  IntegrityCheck,
  OrphanCleanup,
  OrphanReport,
} from '@ddx/contracts';
import { FileDoc } from '@ddx/server-database';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { AdminWorld, MiB, TestUser } from '../testing/admin-world';

jest.setTimeout(180_000);

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('admin files API (api + worker + Drive emulator + WebDAV)', () => {
  let w: AdminWorld;
  let owner: TestUser;

  beforeAll(async () => {
    w = await AdminWorld.start('adminfiles', { worker: true });
    owner = await w.registerUser('owner');
  });

  afterAll(async () => {
    await w?.close();
  });

  const get = <T>(path: string, token = w.adminToken) => w.req<T>('GET', path, token);
  const post = <T>(path: string, json: unknown = {}, token = w.adminToken) => w.req<T>('POST', path, token, json);
  const list = (query: string) => get<AdminFileList>(`${AdminApiRoutes.files}?${query}`);

  /** Uploads and waits for the WebDAV copy. */
  async function stored(data: Buffer, options: { filename?: string; contentType?: string; token?: string } = {}): Promise<FileDoc> {
    const id = await w.upload(data, options);
    const f = await w.backedUp(id);
    expect(f?.backupStatus).toBe('completed');
    return f as FileDoc;
  }

  it('browses all files with filters, sort and pages; search text is literal', async () => {
    const tag = randomBytes(3).toString('hex');
    const small = await stored(randomBytes(100), { filename: `${tag} a(1).png`, contentType: 'image/png', token: owner.token });
    const big = await stored(randomBytes(MiB), { filename: `${tag} b.pdf`, contentType: 'application/pdf', token: owner.token });
    const anon = await stored(randomBytes(5000), { filename: `${tag} c.zip`, contentType: 'application/zip' });

    const byName = await list(`name=${encodeURIComponent(tag)}&sort_by=size&sort_order=asc`);
    expect(byName.status).toBe(200);
    expect(byName.body.items.map((f) => f.file_id)).toEqual([small._id, anon._id, big._id]);
    expect(byName.body.items[0]).toMatchObject({ owner_id: owner.id, owner_email: owner.email, status: 'completed', backup_status: 'completed', md5: small.md5 });
    expect(byName.body.items[1]).toMatchObject({ owner_id: null, owner_email: null });
    expect(byName.text).not.toMatch(/uploadTokenHash|driveSessionSealed|md5State|"ip"/);

    expect((await list(`name=${encodeURIComponent('a(1)')}`)).body.items.map((f) => f.file_id)).toEqual([small._id]);
    expect((await list(`name=${encodeURIComponent('.*')}`)).body.total).toBe(0);
    expect((await list(`name=${tag}&type=images`)).body.items.map((f) => f.file_id)).toEqual([small._id]);
    expect((await list(`name=${tag}&type=documents`)).body.items.map((f) => f.file_id)).toEqual([big._id]);
    expect((await list(`name=${tag}&type=archives`)).body.items.map((f) => f.file_id)).toEqual([anon._id]);
    expect((await list(`name=${tag}&size_min=101&size_max=${MiB - 1}`)).body.items.map((f) => f.file_id)).toEqual([anon._id]);
    expect((await list(`name=${tag}&owner=${encodeURIComponent(owner.email)}`)).body.total).toBe(2);
    expect((await list(`name=${tag}&owner=${owner.id}`)).body.total).toBe(2);
    expect((await list(`name=${tag}&owner=anonymous`)).body.items.map((f) => f.file_id)).toEqual([anon._id]);
    expect((await list(`name=${tag}&owner=nobody@example.org`)).body.total).toBe(0);
    expect((await list(`name=${tag}&account=${small.driveAccountId}&backup_status=completed&status=completed`)).body.total).toBe(3);
    expect((await list(`name=${tag}&backup_status=failed`)).body.total).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    expect((await list(`name=${tag}&date_from=${today}&date_to=${today}`)).body.total).toBe(3);
    expect((await list(`name=${tag}&date_to=2000-01-01`)).body.total).toBe(0);
    const paged = await list(`name=${tag}&sort_by=filename&sort_order=desc&limit=2&page=2`);
    expect(paged.body).toMatchObject({ total: 3, page: 2, limit: 2, total_pages: 2 });
    expect(paged.body.items.map((f) => f.file_id)).toEqual([small._id]);
    expect((await list('limit=500')).status).toBe(400);
    expect((await list('size_min=abc')).status).toBe(400);
  });

  it('shows storage insights: the Drive copy (exists, size, MD5) and the WebDAV copy, and where downloads come from', async () => {
    const data = randomBytes(300_000);
    const f = await stored(data, { filename: 'insight.bin' });
    const detail = await get<AdminFileDetail>(AdminApiRoutes.file(f._id));
    expect(detail.status).toBe(200);
    expect(detail.body.file).toMatchObject({ file_id: f._id, size: data.length, md5: md5(data) });
    expect(detail.body.storage.drive).toMatchObject({ account_id: f.driveAccountId, account_usable: true, exists: true, size: data.length, md5: md5(data), size_matches: true, md5_matches: true });
    expect(detail.body.storage.backup).toMatchObject({ enabled: true, path: f.backupPath, exists: true, size: data.length, size_matches: true });
    expect(detail.body.storage.served_from).toBe('drive');

    await (await w.pool.client(f.driveAccountId as string)).deleteFile(f.driveFileId as string);
    const after = await get<AdminFileDetail>(AdminApiRoutes.file(f._id));
    expect(after.body.storage.drive).toMatchObject({ exists: false, error: null });
    expect(after.body.storage.served_from).toBe('backup');
    expect((await get(AdminApiRoutes.file('00000000-0000-4000-8000-000000000000'))).status).toBe(404);
  });

  it('quarantine stops downloads at once; release serves the file again; both are logged with the reason', async () => {
    const f = await stored(Buffer.from('quarantine me'), { filename: 'q.txt', contentType: 'text/plain' });
    expect((await w.download(f._id)).status).toBe(200);
    expect((await post(AdminApiRoutes.fileQuarantine(f._id), {})).status).toBe(400); // reason required
    const q = await post<AdminFile>(AdminApiRoutes.fileQuarantine(f._id), { reason: 'malware report' });
    expect(q.status).toBe(200);
    expect(q.body.quarantined).toBe(true);
    expect((await w.download(f._id)).status).toBe(404);
    expect((await fetch(`${w.api.url}/api/v1/files/${f._id}/meta`)).status).toBe(404);
    expect((await list(`quarantined=true&name=q.txt`)).body.items.map((x) => x.file_id)).toContain(f._id);
    const r = await post<AdminFile>(AdminApiRoutes.fileRelease(f._id), {});
    expect(r.body.quarantined).toBe(false);
    expect((await w.download(f._id)).status).toBe(200);
    const log = await w.activity({ target: f._id, action: { $in: ['admin.file_quarantine', 'admin.file_release'] } });
    expect(log.map((l) => l['action'])).toEqual(['admin.file_quarantine', 'admin.file_release']);
    expect(log[0]).toMatchObject({ actorEmail: w.adminEmail, ip: '127.0.0.1', details: expect.objectContaining({ reason: 'malware report' }) });
  });

  it('deletes a file from both stores through the cleanup queue and gives the quota back', async () => {
    const data = randomBytes(2 * MiB);
    const f = await stored(data, { filename: 'delete-me.bin', token: owner.token });
    const usedBefore = (await w.db.collection('users').findOne({ email: owner.email }))?.['storageUsedBytes'] as number;
    const res = await w.req<FileDeletion>('DELETE', `${AdminApiRoutes.file(f._id)}?reason=dmca`, w.adminToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ file_id: f._id, status: 'deleted', purge_queued: true });
    expect((await w.download(f._id)).status).toBe(404);
    expect((await w.purged(f._id))?.purgedAt).toBeTruthy();
    await expect((await w.pool.client(f.driveAccountId as string)).getMetadata(f.driveFileId as string)).rejects.toMatchObject({ kind: 'not_found' });
    expect(existsSync(join(w.webdav.rootDir, f.backupPath as string))).toBe(false);
    expect((await w.db.collection('users').findOne({ email: owner.email }))?.['storageUsedBytes']).toBe(usedBefore - data.length);
    expect((await w.req('DELETE', AdminApiRoutes.file(f._id), w.adminToken)).status).toBe(409);
    expect(await w.activity({ action: 'admin.file_delete', target: f._id, 'details.reason': 'dmca' })).toHaveLength(1);
  });

  it('checks integrity by re-reading both copies: a corrupted WebDAV copy is reported, the Drive copy passes', async () => {
    const data = randomBytes(700_000);
    const f = await stored(data, { filename: 'integrity.bin' });
    const ok = await post<IntegrityCheck>(AdminApiRoutes.fileIntegrity(f._id));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ mode: 'inline', ok: true, expected_md5: md5(data), drive: { checked: true, method: 'read', ok: true, md5: md5(data) }, backup: { checked: true, method: 'read', ok: true } });

    const onDisk = join(w.webdav.rootDir, f.backupPath as string);
    const corrupted = Buffer.from(readFileSync(onDisk));
    corrupted[1234] = (corrupted[1234] as number) ^ 0xff;
    writeFileSync(onDisk, corrupted);
    const bad = await post<IntegrityCheck>(AdminApiRoutes.fileIntegrity(f._id));
    expect(bad.body.ok).toBe(false);
    expect(bad.body.drive.ok).toBe(true);
    expect(bad.body.backup).toMatchObject({ ok: false, md5: md5(corrupted), size: data.length });
    expect(bad.body.backup.error).toMatch(/MD5/);
    expect(await w.activity({ action: 'admin.file_integrity_check', target: f._id })).toHaveLength(2);
  });

  it('force backup re-copies a file whose copy was lost', async () => {
    const data = randomBytes(400_000);
    const f = await stored(data, { filename: 'force.bin' });
    const onDisk = join(w.webdav.rootDir, f.backupPath as string);
    writeFileSync(onDisk, Buffer.from('truncated'));
    await w.files.setBackup(f._id, { backupStatus: 'failed', backupError: 'lost' });
    const res = await post<BackupQueued>(AdminApiRoutes.fileBackup(f._id));
    expect(res.status).toBe(202);
    expect(res.body.queued).toBe(true);
    const done = await w.fileWhen(f._id, (x) => x?.backupStatus === 'completed');
    expect(done?.backupStatus).toBe('completed');
    expect(md5(readFileSync(onDisk))).toBe(md5(data));
    expect(await w.activity({ action: 'admin.file_backup', target: f._id })).toHaveLength(1);
  });

  it('bulk quarantine, release and delete report per-id outcomes', async () => {
    const a = await stored(randomBytes(1000), { filename: 'bulk-a.bin' });
    const b = await stored(randomBytes(1000), { filename: 'bulk-b.bin' });
    const unknown = '00000000-0000-4000-8000-000000000001';
    expect((await post(AdminApiRoutes.filesBulk, { ids: [a._id], action: 'quarantine' })).status).toBe(400);
    const q = await post<BulkResult>(AdminApiRoutes.filesBulk, { ids: [a._id, b._id, unknown], action: 'quarantine', reason: 'review' });
    expect(q.body.succeeded.sort()).toEqual([a._id, b._id].sort());
    expect(q.body.failed).toEqual([{ id: unknown, error: 'NOT_FOUND', message: expect.any(String) }]);
    expect((await w.download(a._id)).status).toBe(404);
    const r = await post<BulkResult>(AdminApiRoutes.filesBulk, { ids: [a._id], action: 'release' });
    expect(r.body.succeeded).toEqual([a._id]);
    expect((await w.download(a._id)).status).toBe(200);
    const d = await post<BulkResult>(AdminApiRoutes.filesBulk, { ids: [a._id, b._id], action: 'delete' });
    expect(d.body.succeeded).toHaveLength(2);
    expect((await w.purged(b._id))?.purgedAt).toBeTruthy();
    expect(await w.activity({ action: 'admin.files_bulk' })).toHaveLength(3);
  });

  it('reports orphans both ways and cleans them up; records still served by their backup are kept', async () => {
    const withCopy = await stored(randomBytes(2000), { filename: 'orphan-with-copy.bin' });
    const noCopy = await stored(randomBytes(3000), { filename: 'orphan-no-copy.bin' });
    const client = await w.pool.client(withCopy.driveAccountId as string);
    await client.deleteFile(withCopy.driveFileId as string);
    await client.deleteFile(noCopy.driveFileId as string);
    await w.files.setBackup(noCopy._id, { backupStatus: 'failed', backupPath: null });
    const account = await w.pool.get(withCopy.driveAccountId as string);
    const stray = await client.uploadSmallFile({ name: 'stray.bin', parents: [account?.folderId as string], body: randomBytes(500) });

    // The grace period hides fresh Drive files (an upload may be finishing).
    const graced = await get<OrphanReport>(AdminApiRoutes.filesOrphans);
    expect(graced.body.accounts[0]?.untracked_on_drive.map((u) => u.drive_file_id)).not.toContain(stray.id);

    const report = await get<OrphanReport>(`${AdminApiRoutes.filesOrphans}?grace_minutes=0`);
    expect(report.status).toBe(200);
    const acc = report.body.accounts.find((a) => a.account_id === withCopy.driveAccountId);
    expect(acc?.checked).toBe(true);
    // Earlier tests may have left other missing files (with copies); ours are both listed.
    const missingIds = acc?.missing_on_drive.map((m) => m.file_id) ?? [];
    expect(missingIds).toEqual(expect.arrayContaining([withCopy._id, noCopy._id]));
    expect(acc?.untracked_on_drive.map((u) => u.drive_file_id)).toEqual([stray.id]);
    expect(report.body.totals).toEqual({ missing_on_drive: missingIds.length, untracked_on_drive: 1 });

    const cleaned = await post<OrphanCleanup>(AdminApiRoutes.filesOrphansCleanup, { grace_minutes: 0 });
    expect(cleaned.status).toBe(200);
    expect(cleaned.body).toMatchObject({ untracked_deleted: 1, missing_closed: 1, errors: [] });
    expect(cleaned.body.missing_kept).toContain(withCopy._id);
    expect(cleaned.body.missing_kept).not.toContain(noCopy._id);
    await expect(client.getMetadata(stray.id)).rejects.toMatchObject({ kind: 'not_found' });
    expect((await w.files.findById(noCopy._id))?.status).toBe('deleted');
    expect((await w.files.findById(withCopy._id))?.status).toBe('completed');
    const r = await w.download(withCopy._id);
    expect(r.status).toBe(200);
    expect(r.headers.get('x-served-from')).toBe('backup');
    const again = await get<OrphanReport>(`${AdminApiRoutes.filesOrphans}?grace_minutes=0`);
    expect(again.body.totals).toEqual({ missing_on_drive: missingIds.length - 1, untracked_on_drive: 0 });
    expect(await w.activity({ action: 'admin.orphans_cleanup', actorEmail: w.adminEmail })).toHaveLength(1);
  });
});
