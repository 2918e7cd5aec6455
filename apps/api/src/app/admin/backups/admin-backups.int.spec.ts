import { AdminApiRoutes, BackupBatch, BackupQueued, BackupSummary, FailedBackupList } from '@ddx/contracts';
import { RunningApp } from '@ddx/local-services';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { AdminWorld, closedPort } from '../testing/admin-world';

jest.setTimeout(180_000);

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('admin backups API (api + failing worker, then a working one + Drive emulator + WebDAV)', () => {
  let w: AdminWorld;
  let broken: RunningApp;
  const data = { a: randomBytes(300_000), b: randomBytes(5000), c: randomBytes(70_000) };
  const ids = { a: '', b: '', c: '' };

  beforeAll(async () => {
    // One attempt per copy, and no sweeper: only the admin API queues backups again.
    w = await AdminWorld.start('adminbackups', { env: { BACKUP_MAX_ATTEMPTS: '1', BACKUP_SWEEP_MS: '3600000' } });
    broken = await w.startWorker({ WEBDAV_URL: `http://127.0.0.1:${await closedPort()}` });
  });

  afterAll(async () => {
    await w?.close();
  });

  const get = <T>(path: string, token = w.adminToken) => w.req<T>('GET', path, token);
  const post = <T>(path: string, token = w.adminToken) => w.req<T>('POST', path, token, {});
  const onDisk = (path: string | null | undefined) => join(w.webdav.rootDir, path as string);

  it('a backup that cannot reach WebDAV shows in the failed list with its reason and attempts; the summary counts it', async () => {
    ids.a = await w.upload(data.a, { filename: 'a.bin' });
    ids.b = await w.upload(data.b, { filename: 'b.bin' });
    for (const id of [ids.a, ids.b]) expect((await w.fileWhen(id, (f) => f?.backupStatus === 'failed'))?.backupStatus).toBe('failed');

    const failed = await get<FailedBackupList>(AdminApiRoutes.backupsFailed);
    expect(failed.status).toBe(200);
    expect(failed.body.total).toBe(2);
    expect(failed.body.items.map((i) => i.file_id).sort()).toEqual([ids.a, ids.b].sort());
    for (const item of failed.body.items) {
      expect(item.attempts).toBe(1);
      expect(item.reason).toMatch(/ECONNREFUSED|reach|connect/i);
    }
    expect(failed.body.items.find((i) => i.file_id === ids.a)).toMatchObject({ filename: 'a.bin', size: data.a.length });

    const summary = await get<BackupSummary>(AdminApiRoutes.backupsSummary);
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({
      enabled: true,
      counts: { none: 0, queued: 0, in_progress: 0, completed: 0, failed: 2 },
      last_success_at: null,
      queue: { failed: 2, depth: 0 },
      webdav: { reachable: true, ok: true, error: null },
    });
    expect(summary.body.target).toBe(`${w.webdav.url}${w.webdav.prefix}`);
    expect(summary.body.last_failure?.reason).toMatch(/ECONNREFUSED|reach|connect/i);
    expect([ids.a, ids.b]).toContain(summary.body.last_failure?.file_id);
    expect(summary.body.webdav?.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it('retrying one failed backup replaces its failed job and completes once a working worker runs', async () => {
    await w.stopWorker(broken);
    await w.startWorker();
    const res = await post<BackupQueued>(AdminApiRoutes.backupRetry(ids.a));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ file_id: ids.a, queued: true });
    const f = await w.backedUp(ids.a);
    expect(f?.backupStatus).toBe('completed');
    expect(md5(readFileSync(onDisk(f?.backupPath)))).toBe(md5(data.a));

    // Only the retried file moved.
    expect((await w.files.findById(ids.b))?.backupStatus).toBe('failed');
    const failed = await get<FailedBackupList>(AdminApiRoutes.backupsFailed);
    expect(failed.body.items.map((i) => i.file_id)).toEqual([ids.b]);
    const summary = await get<BackupSummary>(AdminApiRoutes.backupsSummary);
    expect(summary.body.counts).toMatchObject({ completed: 1, failed: 1 });
    expect(summary.body.queue.failed).toBe(1);
    expect(Date.parse(summary.body.last_success_at as string)).toBeGreaterThan(Date.now() - 60_000);

    const again = await post(AdminApiRoutes.backupRetry(ids.a));
    expect(again.status).toBe(409);
    expect((await post(AdminApiRoutes.backupRetry('00000000-0000-4000-8000-000000000000'))).status).toBe(404);
    const log = await w.activity({ action: 'admin.backup_retry', target: ids.a });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ actorEmail: w.adminEmail, ip: '127.0.0.1', details: expect.objectContaining({ outcome: 'queued', attempts: 1 }) });
  });

  it('retry-all queues every failed backup again', async () => {
    const res = await post<BackupBatch>(AdminApiRoutes.backupsRetryAllFailed);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ queued: 1, skipped: 0, remaining: 0 });
    const f = await w.backedUp(ids.b);
    expect(f?.backupStatus).toBe('completed');
    expect(existsSync(onDisk(f?.backupPath))).toBe(true);
    expect((await get<FailedBackupList>(AdminApiRoutes.backupsFailed)).body.total).toBe(0);
    expect((await get<BackupSummary>(AdminApiRoutes.backupsSummary)).body.counts).toMatchObject({ completed: 2, failed: 0 });
  });

  it('trigger queues stored files that have no copy and no job (and nothing else does here)', async () => {
    ids.c = await w.upload(data.c, { filename: 'c.bin' });
    const first = await w.backedUp(ids.c);
    expect(first?.backupStatus).toBe('completed');
    rmSync(dirname(onDisk(first?.backupPath)), { recursive: true, force: true });
    await w.files.setBackup(ids.c, { backupStatus: 'none', backupPath: null, backedUpAt: null });

    // No sweeper runs in this world: without the trigger the copy stays missing.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await w.files.findById(ids.c))?.backupStatus).toBe('none');
    expect((await get<BackupSummary>(AdminApiRoutes.backupsSummary)).body.counts.none).toBe(1);

    const res = await post<BackupBatch>(AdminApiRoutes.backupsTrigger);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ queued: 1, skipped: 0, remaining: 0 });
    const f = await w.backedUp(ids.c);
    expect(f?.backupStatus).toBe('completed');
    expect(md5(readFileSync(onDisk(f?.backupPath)))).toBe(md5(data.c));
    expect(await w.activity({ action: 'admin.backup_trigger', actorEmail: w.adminEmail })).toHaveLength(1);
  });
});
