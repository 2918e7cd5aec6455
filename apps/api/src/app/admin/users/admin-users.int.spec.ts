import { AdminApiRoutes, AdminUser, AdminUserDetail, AdminUserList, BulkResult, UserDeletion } from '@ddx/contracts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';

import { call, uniqueEmail } from '../../auth/testing/http';
import { AdminWorld, MiB, PASSWORD, ROOT_EMAIL, TestUser } from '../testing/admin-world';

jest.setTimeout(180_000);

const ANY_USER = '0123456789abcdef01234567';
const ANY_FILE = '00000000-0000-4000-8000-000000000000';

/** Every admin route for users, files, storage accounts and backups, for the token checks. */
const ROUTES: Array<[string, string]> = [
  ['GET', AdminApiRoutes.users],
  ['GET', AdminApiRoutes.usersExport],
  ['POST', AdminApiRoutes.usersBulk],
  ['GET', AdminApiRoutes.user(ANY_USER)],
  ['DELETE', AdminApiRoutes.user(ANY_USER)],
  ['GET', AdminApiRoutes.userFiles(ANY_USER)],
  ['POST', AdminApiRoutes.userSuspend(ANY_USER)],
  ['POST', AdminApiRoutes.userBan(ANY_USER)],
  ['POST', AdminApiRoutes.userReactivate(ANY_USER)],
  ['PUT', AdminApiRoutes.userQuota(ANY_USER)],
  ['POST', AdminApiRoutes.userPassword(ANY_USER)],
  ['PUT', AdminApiRoutes.userRole(ANY_USER)],
  ['GET', AdminApiRoutes.files],
  ['POST', AdminApiRoutes.filesBulk],
  ['GET', AdminApiRoutes.filesOrphans],
  ['POST', AdminApiRoutes.filesOrphansCleanup],
  ['GET', AdminApiRoutes.file(ANY_FILE)],
  ['DELETE', AdminApiRoutes.file(ANY_FILE)],
  ['POST', AdminApiRoutes.fileQuarantine(ANY_FILE)],
  ['POST', AdminApiRoutes.fileRelease(ANY_FILE)],
  ['POST', AdminApiRoutes.fileBackup(ANY_FILE)],
  ['POST', AdminApiRoutes.fileIntegrity(ANY_FILE)],
  ['GET', AdminApiRoutes.storageAccounts],
  ['POST', AdminApiRoutes.storageAccounts],
  ['POST', AdminApiRoutes.storageRefreshAll],
  ['GET', AdminApiRoutes.storageAccount('acc')],
  ['DELETE', AdminApiRoutes.storageAccount('acc')],
  ['POST', AdminApiRoutes.storageEnable('acc')],
  ['POST', AdminApiRoutes.storageDisable('acc')],
  ['POST', AdminApiRoutes.storageCheck('acc')],
  ['POST', AdminApiRoutes.storageDeleteAllFiles('acc')],
  ['GET', AdminApiRoutes.backupsSummary],
  ['GET', AdminApiRoutes.backupsFailed],
  ['POST', AdminApiRoutes.backupsRetryAllFailed],
  ['POST', AdminApiRoutes.backupRetry(ANY_FILE)],
  ['POST', AdminApiRoutes.backupsTrigger],
];

describe('admin users API (api + worker + Drive emulator + WebDAV)', () => {
  let w: AdminWorld;

  beforeAll(async () => {
    w = await AdminWorld.start('adminusers', { worker: true });
  });

  afterAll(async () => {
    await w?.close();
  });

  const get = <T>(path: string, token = w.adminToken) => w.req<T>('GET', path, token);
  const post = <T>(path: string, json: unknown = {}, token = w.adminToken) => w.req<T>('POST', path, token, json);
  const put = <T>(path: string, json: unknown, token = w.adminToken) => w.req<T>('PUT', path, token, json);
  const me = (token: string) => call(w.api.url, 'GET', '/api/v1/auth/users/me', { token });

  it('refuses every admin route without a token and with a user token (even an admin account\'s user token)', async () => {
    const user = await w.registerUser('plain');
    const adminUserToken = (await w.userLogin(w.adminEmail)).body.access_token;
    for (const [method, path] of ROUTES) {
      for (const [who, token] of [
        ['none', undefined],
        ['user', user.token],
        ['admin-as-user', adminUserToken],
      ] as const) {
        const res = await w.req(method, path, token, method === 'GET' || method === 'DELETE' ? undefined : {});
        expect({ method, path, who, status: res.status }).toEqual({ method, path, who, status: 401 });
      }
    }
  });

  it('documents every admin route in OpenAPI from its contract, with the admin bearer scheme', async () => {
    const doc = (await (await fetch(`${w.api.url}/api/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const ops = Object.entries(doc.paths)
      .filter(([path]) => /^\/api\/v1\/admin\/(users|files|storage|backups)(\/|$)/.test(path))
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, security: op.security })));
    expect(ops).toHaveLength(ROUTES.length);
    for (const op of ops) expect(op).toEqual({ route: op.route, security: [{ admin: [] }] });
    expect(ops.map((o) => o.route)).toEqual(expect.arrayContaining(['GET /api/v1/admin/users/export', 'GET /api/v1/admin/users/{id}', 'DELETE /api/v1/admin/storage/accounts/{id}']));
  });

  it('keeps superadmin-only routes from admins (403, logged) and answers unknown ids with 404', async () => {
    const user = await w.registerUser('target');
    expect((await put(AdminApiRoutes.userRole(user.id), { role: 'admin' })).status).toBe(403);
    expect((await post(AdminApiRoutes.storageDeleteAllFiles('acc'))).status).toBe(403);
    expect(await w.activity({ action: 'admin.permission_denied', actorEmail: w.adminEmail, target: `PUT ${AdminApiRoutes.userRole(user.id)}` })).toHaveLength(1);
    expect((await get(AdminApiRoutes.user(ANY_USER))).status).toBe(404);
    expect((await get(AdminApiRoutes.user('not-an-id'))).status).toBe(400);
  });

  it('lists users with literal search, role/status filters, sort, pages, and files count / storage used from one aggregation', async () => {
    const tag = `srch${randomBytes(3).toString('hex')}`;
    const made: TestUser[] = [];
    for (const n of ['b', 'a', 'c']) {
      const email = `${tag}.${n}+x@example.org`;
      await call(w.api.url, 'POST', '/api/v1/auth/register', { json: { email, password: PASSWORD } });
      const login = await w.userLogin(email);
      const id = (await w.db.collection('users').findOne({ email }))?._id.toString() as string;
      made.push({ id, email, password: PASSWORD, token: login.body.access_token });
    }
    // Two files for "a": 1 MiB + 10 bytes.
    const a = made[1] as TestUser;
    await w.upload(randomBytes(MiB), { token: a.token });
    await w.upload(randomBytes(10), { token: a.token });

    const list = await get<AdminUserList>(`${AdminApiRoutes.users}?search=${encodeURIComponent(`${tag}.`)}&sort_by=email&sort_order=asc&limit=2`);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 3, page: 1, limit: 2, total_pages: 2 });
    expect(list.body.items.map((u) => u.email)).toEqual([`${tag}.a+x@example.org`, `${tag}.b+x@example.org`]);
    expect(list.body.items[0]).toMatchObject({ files_count: 2, storage_used_bytes: MiB + 10, role: 'regular', status: 'active', has_password: true });
    expect(list.body.items[1]).toMatchObject({ files_count: 0, storage_used_bytes: 0 });
    expect(list.text).not.toMatch(/scrypt|passwordHash|tokenVersion/);
    const page2 = await get<AdminUserList>(`${AdminApiRoutes.users}?search=${tag}.&sort_by=email&sort_order=desc&limit=2&page=2`);
    expect(page2.body.items.map((u) => u.email)).toEqual([`${tag}.a+x@example.org`]);

    // Regex characters are literal: "+x" matches, ".*" matches nothing.
    expect((await get<AdminUserList>(`${AdminApiRoutes.users}?search=${encodeURIComponent('+x@example')}`)).body.total).toBeGreaterThanOrEqual(3);
    expect((await get<AdminUserList>(`${AdminApiRoutes.users}?search=${encodeURIComponent('.*')}`)).body.total).toBe(0);
    // By id.
    expect((await get<AdminUserList>(`${AdminApiRoutes.users}?search=${a.id}`)).body.items.map((u) => u.id)).toEqual([a.id]);

    await post(AdminApiRoutes.userSuspend((made[2] as TestUser).id), { reason: 'spam' });
    const suspended = await get<AdminUserList>(`${AdminApiRoutes.users}?search=${tag}.&status=suspended`);
    expect(suspended.body.items.map((u) => u.email)).toEqual([`${tag}.c+x@example.org`]);
    const active = await get<AdminUserList>(`${AdminApiRoutes.users}?search=${tag}.&status=active`);
    expect(active.body.total).toBe(2);
    const admins = await get<AdminUserList>(`${AdminApiRoutes.users}?role=superadmin`);
    expect(admins.body.items.map((u) => u.email)).toEqual([ROOT_EMAIL]);
    expect((await get(`${AdminApiRoutes.users}?role=owner`)).status).toBe(400);

    const detail = await get<AdminUserDetail>(AdminApiRoutes.user(a.id));
    expect(detail.body).toMatchObject({ id: a.id, files_count: 2, storage_used_bytes: MiB + 10, storage: { used_bytes: MiB + 10, reserved_bytes: 0 } });
    const files = await get<{ items: Array<{ filename: string; owner_email: string }>; total: number }>(`${AdminApiRoutes.userFiles(a.id)}?sort_by=size&sort_order=asc`);
    expect(files.body.total).toBe(2);
    expect(files.body.items[0]).toMatchObject({ owner_email: a.email });
  });

  it('exports CSV (header + one row per user) and JSON at users/export, which no :id route shadows', async () => {
    const total = (await get<AdminUserList>(AdminApiRoutes.users)).body.total;
    const res = await fetch(`${w.api.url}${AdminApiRoutes.usersExport}?format=csv`, { headers: { Authorization: `Bearer ${w.adminToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="users-.*\.csv"$/);
    const lines = (await res.text()).split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('id,email,role,status,status_reason,name,has_password,google_linked,created_at,last_login_at,storage_quota_bytes,files_count,storage_used_bytes');
    expect(lines).toHaveLength(total + 1);
    expect(lines.some((l) => l.includes(`,${ROOT_EMAIL},superadmin,`))).toBe(true);

    const json = await get<{ users: AdminUser[]; total: number; exported_at: string }>(`${AdminApiRoutes.usersExport}?format=json&role=superadmin`);
    expect(json.status).toBe(200);
    expect(json.body.total).toBe(1);
    expect(json.body.users.map((u) => u.email)).toEqual([ROOT_EMAIL]);
    expect(json.text).not.toMatch(/scrypt/);
    expect(await w.activity({ action: 'admin.users_export', actorEmail: w.adminEmail })).toHaveLength(2);
  });

  it('a ban takes effect at once: sign-in refused, existing tokens dead, the user\'s files not downloadable; reactivation undoes it', async () => {
    const user = await w.registerUser('banned');
    const fileId = await w.upload(Buffer.from('mine'), { token: user.token, filename: 'mine.txt', contentType: 'text/plain' });
    expect((await w.download(fileId)).status).toBe(200);
    expect((await me(user.token)).status).toBe(200);

    const ban = await post<AdminUser>(AdminApiRoutes.userBan(user.id), { reason: 'abuse of service' });
    expect(ban.status).toBe(200);
    expect(ban.body).toMatchObject({ status: 'banned', status_reason: 'abuse of service' });
    expect((await me(user.token)).status).toBe(401);
    const login = await w.userLogin(user.email);
    expect(login.status).toBe(403);
    expect(login.body['error']).toBe('ACCOUNT_BANNED');
    expect((await w.download(fileId)).status).toBe(404);

    const back = await post<AdminUser>(AdminApiRoutes.userReactivate(user.id), {});
    expect(back.body).toMatchObject({ status: 'active', status_reason: null });
    expect((await me(user.token)).status).toBe(401); // old tokens stay revoked
    const again = await w.userLogin(user.email);
    expect(again.status).toBe(200);
    expect((await me(again.body.access_token)).status).toBe(200);
    expect((await w.download(fileId)).status).toBe(200);

    const rows = await w.activity({ target: user.id, action: { $in: ['admin.user_ban', 'admin.user_reactivate'] } });
    expect(rows.map((r) => r['action']).sort()).toEqual(['admin.user_ban', 'admin.user_reactivate']);
    for (const r of rows) expect(r).toMatchObject({ actorType: 'admin', actorEmail: w.adminEmail, ip: '127.0.0.1' });
    expect(rows.find((r) => r['action'] === 'admin.user_ban')?.['details']).toMatchObject({ reason: 'abuse of service', from: 'active', to: 'banned' });
  });

  it('suspension revokes tokens and refuses sign-in; moderation needs a reason; nobody moderates themselves or their equals', async () => {
    const user = await w.registerUser('susp');
    expect((await post(AdminApiRoutes.userSuspend(user.id), {})).status).toBe(400);
    expect((await post(AdminApiRoutes.userSuspend(user.id), { reason: 'check' })).status).toBe(200);
    expect((await me(user.token)).status).toBe(401);
    expect((await w.userLogin(user.email)).body['error']).toBe('ACCOUNT_SUSPENDED');

    const adminId = (await w.db.collection('users').findOne({ email: w.adminEmail }))?._id.toString() as string;
    const self = await post(AdminApiRoutes.userBan(adminId), { reason: 'x' });
    expect(self.status).toBe(403);
    expect(self.body['error']).toBe('SELF_ACTION');
    const otherAdminEmail = uniqueEmail('peer');
    const otherAdminId = await w.createAdmin(otherAdminEmail, 'admin');
    expect((await post(AdminApiRoutes.userBan(otherAdminId), { reason: 'x' })).status).toBe(403);
    expect((await w.db.collection('users').findOne({ email: otherAdminEmail }))?.['status']).toBe('active');
    // A superadmin may moderate an admin.
    expect((await post(AdminApiRoutes.userSuspend(otherAdminId), { reason: 'x' }, w.rootToken)).status).toBe(200);
  });

  it('sets the quota through the ledger: free bytes move with it and uploads obey it', async () => {
    const user = await w.registerUser('quota');
    await w.upload(randomBytes(1000), { token: user.token });
    const res = await put<AdminUser>(AdminApiRoutes.userQuota(user.id), { quota_bytes: 5000 });
    expect(res.status).toBe(200);
    expect(res.body.storage_quota_bytes).toBe(5000);
    const detail = await get<AdminUserDetail>(AdminApiRoutes.user(user.id));
    expect(detail.body.storage).toEqual({ quota_bytes: 5000, used_bytes: 1000, reserved_bytes: 0, free_bytes: 4000 });
    const tooBig = await fetch(`${w.api.url}/api/v1/upload/initiate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ filename: 'big.bin', size: 4001, content_type: 'application/octet-stream' }),
    });
    expect(tooBig.status).toBeGreaterThanOrEqual(400);
    await w.upload(randomBytes(4000), { token: user.token });
    expect((await put(AdminApiRoutes.userQuota(user.id), { quota_bytes: -1 })).status).toBe(400);
    const log = await w.activity({ action: 'admin.user_quota', target: user.id });
    expect(log[0]?.['details']).toMatchObject({ to: 5000 });
  });

  it('resets passwords under the policy; a superadmin\'s only by a superadmin', async () => {
    const user = await w.registerUser('reset');
    expect((await post(AdminApiRoutes.userPassword(user.id), { new_password: 'short' })).body['error']).toBe('WEAK_PASSWORD');
    expect((await post(AdminApiRoutes.userPassword(user.id), { new_password: 'a brand new passphrase' })).status).toBe(200);
    expect((await me(user.token)).status).toBe(401);
    expect((await w.userLogin(user.email, PASSWORD)).status).toBe(401);
    expect((await w.userLogin(user.email, 'a brand new passphrase')).status).toBe(200);

    const rootId = (await w.db.collection('users').findOne({ email: ROOT_EMAIL }))?._id.toString() as string;
    const denied = await post(AdminApiRoutes.userPassword(rootId), { new_password: 'taking over the root' });
    expect(denied.status).toBe(403);
    expect(await w.activity({ action: 'admin.permission_denied', target: rootId, 'details.attempted': 'reset_password' })).toHaveLength(1);

    const secondRootEmail = uniqueEmail('root2');
    const secondRootId = await w.createAdmin(secondRootEmail, 'superadmin');
    const byAdmin = await post(AdminApiRoutes.userPassword(secondRootId), { new_password: 'admin cannot do this' });
    expect(byAdmin.status).toBe(403);
    await expect(w.adminLogin(secondRootEmail, 'admin cannot do this')).rejects.toThrow();
    const byRoot = await post(AdminApiRoutes.userPassword(secondRootId), { new_password: 'root can do this one' }, w.rootToken);
    expect(byRoot.status).toBe(200);
    expect(await w.adminLogin(secondRootEmail, 'root can do this one')).toBeTruthy();
    expect(await w.activity({ action: 'admin.user_password_reset', target: secondRootId, actorEmail: ROOT_EMAIL })).toHaveLength(1);
  });

  it('changes roles only as superadmin, never demoting a superadmin, and the new role applies at once', async () => {
    const user = await w.registerUser('promote');
    expect((await put(AdminApiRoutes.userRole(user.id), { role: 'admin' })).status).toBe(403);
    expect((await w.db.collection('users').findOne({ _id: new Types.ObjectId(user.id) }))?.['role']).toBe('regular');
    // Not even the superadmin can promote an account whose e-mail address was never confirmed.
    const unverified = await put(AdminApiRoutes.userRole(user.id), { role: 'admin' }, w.rootToken);
    expect({ status: unverified.status, error: unverified.body['error'] }).toEqual({ status: 409, error: 'EMAIL_NOT_VERIFIED' });
    expect((await w.db.collection('users').findOne({ _id: new Types.ObjectId(user.id) }))?.['role']).toBe('regular');
    await w.db.collection('users').updateOne({ _id: new Types.ObjectId(user.id) }, { $set: { emailVerified: true } });
    const promoted = await put<AdminUser>(AdminApiRoutes.userRole(user.id), { role: 'admin' }, w.rootToken);
    expect(promoted.status).toBe(200);
    expect(promoted.body.role).toBe('admin');
    const token = await w.adminLogin(user.email, PASSWORD);
    expect((await get(AdminApiRoutes.users, token)).status).toBe(200);
    expect((await put(AdminApiRoutes.userRole(user.id), { role: 'regular' }, w.rootToken)).status).toBe(200);
    expect((await get(AdminApiRoutes.users, token)).status).toBe(401); // role change revoked the token

    const rootId = (await w.db.collection('users').findOne({ email: ROOT_EMAIL }))?._id.toString() as string;
    const otherRoot = await w.createAdmin(uniqueEmail('root3'), 'superadmin');
    expect((await put(AdminApiRoutes.userRole(otherRoot), { role: 'regular' }, w.rootToken)).status).toBe(403);
    expect((await put(AdminApiRoutes.userRole(rootId), { role: 'admin' }, w.rootToken)).body['error']).toBe('SELF_ACTION');
    expect((await put(AdminApiRoutes.userRole(user.id), { role: 'owner' }, w.rootToken)).status).toBe(400);
    const log = await w.activity({ action: 'admin.user_role', target: user.id });
    expect(log.map((r) => r['details'])).toEqual([expect.objectContaining({ from: 'regular', to: 'admin' }), expect.objectContaining({ from: 'admin', to: 'regular' })]);
  });

  it('bulk actions apply the single-user rules per id and report each failure', async () => {
    const [u1, u2] = [await w.registerUser('bulk1'), await w.registerUser('bulk2')];
    const rootId = (await w.db.collection('users').findOne({ email: ROOT_EMAIL }))?._id.toString() as string;
    expect((await post(AdminApiRoutes.usersBulk, { ids: [u1.id], action: 'ban' })).status).toBe(400); // reason required
    const res = await post<BulkResult>(AdminApiRoutes.usersBulk, { ids: [u1.id, u2.id, ANY_USER, rootId], action: 'suspend', reason: 'bulk check' });
    expect(res.status).toBe(200);
    expect(res.body.succeeded.sort()).toEqual([u1.id, u2.id].sort());
    expect(res.body.failed).toEqual([
      { id: ANY_USER, error: 'NOT_FOUND', message: expect.any(String) },
      { id: rootId, error: 'PERMISSION_DENIED', message: expect.any(String) },
    ]);
    for (const u of [u1, u2]) expect((await me(u.token)).status).toBe(401);
    const back = await post<BulkResult>(AdminApiRoutes.usersBulk, { ids: [u1.id, u2.id], action: 'reactivate' });
    expect(back.body.succeeded).toHaveLength(2);
    expect((await w.userLogin(u1.email)).status).toBe(200);
    expect(await w.activity({ action: 'admin.users_bulk', actorEmail: w.adminEmail })).toHaveLength(2);
  });

  it("deleting a user deletes the account and purges every file from Drive and WebDAV through the cleanup queue", async () => {
    const user = await w.registerUser('doomed');
    const ids = [await w.upload(randomBytes(2 * MiB), { token: user.token, filename: 'one.bin' }), await w.upload(randomBytes(3000), { token: user.token, filename: 'two.bin' })];
    const stored = [];
    for (const id of ids) {
      const f = await w.backedUp(id);
      expect(f?.backupStatus).toBe('completed');
      expect(existsSync(join(w.webdav.rootDir, f?.backupPath as string))).toBe(true);
      stored.push(f as NonNullable<typeof f>);
    }
    const pool = w.pool;
    const accountId = stored[0]?.driveAccountId as string;
    const usageBefore = (await pool.get(accountId))?.quotaUsageBytes as number;

    const res = await w.req<UserDeletion>('DELETE', `${AdminApiRoutes.user(user.id)}?reason=${encodeURIComponent('requested by user')}`, w.adminToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user_id: user.id, email: user.email, files_deleted: 2, purges_queued: 2 });
    expect((await me(user.token)).status).toBe(401);
    expect((await w.userLogin(user.email)).status).toBe(401);
    for (const id of ids) expect((await w.download(id)).status).toBe(404);
    expect(await w.db.collection('users').countDocuments({ _id: new Types.ObjectId(user.id) })).toBe(0);

    for (const f of stored) {
      expect((await w.purged(f._id))?.purgedAt).toBeTruthy();
      await expect((await pool.client(accountId)).getMetadata(f.driveFileId as string)).rejects.toMatchObject({ kind: 'not_found' });
      expect(existsSync(join(w.webdav.rootDir, f.backupPath as string))).toBe(false);
    }
    expect((await pool.get(accountId))?.quotaUsageBytes).toBe(usageBefore - 2 * MiB - 3000);
    const log = await w.activity({ action: 'admin.user_delete', target: user.id });
    expect(log[0]).toMatchObject({ actorEmail: w.adminEmail, ip: '127.0.0.1', details: expect.objectContaining({ email: user.email, filesDeleted: 2, reason: 'requested by user' }) });
    expect((await w.req('DELETE', AdminApiRoutes.user(user.id), w.adminToken)).status).toBe(404);
  });
});
