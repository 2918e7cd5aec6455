import {
  AccessLogPage,
  AccessSummary,
  ActivityLogEntry,
  ActivityLogPage,
  AdminLogsRoutes,
  AdminProfile,
  ApiRoutes,
  ErrorLogPage,
  LogPurgeResponse,
} from '@ddx/contracts';
import { Types } from 'mongoose';
import { randomBytes } from 'node:crypto';

import { call } from '../../auth/testing/http';
import { AdminWorld, PASSWORD, TestUser } from '../testing/admin-world';
import { AdminLogsService } from './admin-logs.service';
import { AppErrorRecorder } from './app-errors/app-error.recorder';
import { parseCsv } from '../../../testing/rfc4180';

jest.setTimeout(120_000);

const DAY = 24 * 60 * 60 * 1000;
const qs = (params: Record<string, string | number>) => `?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString()}`;

describe('admin logs: activity, access, errors, export, purge; create admin', () => {
  let w: AdminWorld;
  let user: TestUser;

  beforeAll(async () => {
    w = await AdminWorld.start('adminlogs');
    user = await w.registerUser('logsuser');
  });

  afterAll(async () => {
    await w?.close();
  });

  const get = <T>(path: string, token = w.adminToken) => w.req<T>('GET', path, token);
  const activity = () => w.db.collection('activity_logs');

  /** Activity entries written straight to the collection, one minute apart, newest first = index 0. */
  async function seed(action: string, count: number, extra: (i: number) => Record<string, unknown> = () => ({}), ageMs = 0): Promise<string[]> {
    const now = Date.now() - ageMs;
    const docs = Array.from({ length: count }, (_, i) => ({
      _id: new Types.ObjectId(),
      actorType: 'admin',
      actorId: null,
      actorEmail: `seed-${i}@example.org`,
      action,
      target: `t-${i}`,
      ip: '192.0.2.1',
      details: { i },
      at: new Date(now - i * 60_000),
      ...extra(i),
    }));
    await activity().insertMany(docs);
    return docs.map((d) => d._id.toString());
  }

  it('refuses the logs to user tokens (401) and the purge to plain admins (403, logged)', async () => {
    expect((await get(AdminLogsRoutes.activity, user.token)).status).toBe(401);
    expect((await get(AdminLogsRoutes.access, user.token)).status).toBe(401);
    expect((await w.req('POST', AdminLogsRoutes.purge, user.token, { kind: 'activity', older_than_days: 30 })).status).toBe(401);
    const denied = await w.req('POST', AdminLogsRoutes.purge, w.adminToken, { kind: 'activity', older_than_days: 30 });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('PERMISSION_DENIED');
    expect(await w.activity({ action: 'admin.permission_denied', actorEmail: w.adminEmail, target: `POST ${AdminLogsRoutes.purge}` })).toHaveLength(1);
    // A plain admin reads every log.
    for (const path of [AdminLogsRoutes.activity, AdminLogsRoutes.access, AdminLogsRoutes.accessSummary, AdminLogsRoutes.errors]) {
      expect({ path, status: (await get(path)).status }).toEqual({ path, status: 200 });
    }
  });

  it('pages the activity log newest first with exact totals', async () => {
    const action = `test.page_${randomBytes(3).toString('hex')}`;
    const ids = await seed(action, 25);
    const pages: ActivityLogPage[] = [];
    for (const page of [1, 2, 3]) {
      const res = await get<ActivityLogPage>(AdminLogsRoutes.activity + qs({ action, limit: 10, page }));
      expect(res.status).toBe(200);
      pages.push(res.body);
    }
    expect(pages.map((p) => [p.total, p.page, p.limit, p.total_pages, p.items.length])).toEqual([
      [25, 1, 10, 3, 10],
      [25, 2, 10, 3, 10],
      [25, 3, 10, 3, 5],
    ]);
    expect(pages.flatMap((p) => p.items.map((e) => e.id))).toEqual(ids);
    const first = pages[0]?.items[0] as ActivityLogEntry;
    expect(first).toMatchObject({ action, actor_type: 'admin', actor_email: 'seed-0@example.org', target: 't-0', ip: '192.0.2.1', details: { i: 0 } });
    expect((await get(AdminLogsRoutes.activity + qs({ limit: 201 }))).status).toBe(400);
    expect((await get(AdminLogsRoutes.activity + qs({ page: 0 }))).status).toBe(400);
  });

  it('filters the activity log by actor, target, IP, literal text (regex characters included) and dates', async () => {
    const action = `test.filter_${randomBytes(3).toString('hex')}`;
    const actorId = new Types.ObjectId().toString();
    await seed(action, 6, (i) => ({
      target: ['weird (.*) [x]+?', 'weirdXYZ[x]', 'plain', 'plain', 'other', 'other'][i],
      ip: i < 3 ? '203.0.113.9' : '198.51.100.4',
      actorId: i === 5 ? actorId : null,
      actorEmail: i === 4 ? 'Special.Person+tag@Example.org' : `seed-${i}@example.org`,
      at: new Date(Date.now() - i * DAY),
    }));
    const ids = async (params: Record<string, string | number>) =>
      (await get<ActivityLogPage>(AdminLogsRoutes.activity + qs({ action, ...params }))).body.items.map((e) => e.target);

    expect(await ids({ search: '(.*) [x]+?' })).toEqual(['weird (.*) [x]+?']);
    expect(await ids({ search: '.*' })).toEqual(['weird (.*) [x]+?']);
    expect(await ids({ search: '[x]' })).toEqual(['weird (.*) [x]+?', 'weirdXYZ[x]']);
    // A lone bracket would be an invalid pattern; it is literal text here.
    const bracket = await get<ActivityLogPage>(AdminLogsRoutes.activity + qs({ action, search: '[' }));
    expect(bracket.status).toBe(200);
    expect(bracket.body.total).toBe(2);
    expect(await ids({ target: 'plain' })).toEqual(['plain', 'plain']);
    expect(await ids({ ip: '203.0.113.' })).toEqual(['weird (.*) [x]+?', 'weirdXYZ[x]', 'plain']);
    expect(await ids({ ip: '203.0.113.9.' })).toEqual([]);
    expect(await ids({ actor: 'special.person+TAG' })).toEqual(['other']);
    expect(await ids({ actor: actorId })).toEqual(['other']);
    const day = (n: number) => new Date(Date.now() - n * DAY).toISOString().slice(0, 10);
    expect(await ids({ date_from: day(2), date_to: day(1) })).toEqual(['weirdXYZ[x]', 'plain']);
    expect(await ids({ date_from: new Date(Date.now() - 2.5 * DAY).toISOString() })).toHaveLength(3);
    // Sign-ins are the access log, not the activity log.
    expect((await get<ActivityLogPage>(AdminLogsRoutes.activity + qs({ action: 'user.login' }))).body.total).toBe(0);
  });

  async function signIn(email: string, password: string, ip: string, admin = false): Promise<number> {
    const res = admin
      ? await call(w.api.url, 'POST', ApiRoutes.adminAuth.token, { json: { email, password }, headers: { 'X-Forwarded-For': ip } })
      : await call(w.api.url, 'POST', ApiRoutes.auth.token, { form: { username: email, password }, headers: { 'X-Forwarded-For': ip } });
    return res.status;
  }

  it('records sign-ins in the access log, filters them, and sums the top IPs of what happened', async () => {
    const a = `203.0.113.${10 + Math.floor(Math.random() * 200)}`;
    const b = '198.51.100.77';
    const c = '192.0.2.55';
    const statuses = [
      await signIn(user.email, 'wrong-password-1', a),
      await signIn(user.email, 'wrong-password-2', a),
      await signIn('nobody-here@example.org', PASSWORD, a),
      await signIn(user.email, PASSWORD, a),
      await signIn(w.adminEmail, 'wrong-password-3', b, true),
      await signIn(user.email, 'wrong-password-4', b),
      await signIn(w.adminEmail, PASSWORD, c, true),
    ];
    expect(statuses).toEqual([401, 401, 401, 200, 401, 401, 200]);

    const failedA = await get<AccessLogPage>(AdminLogsRoutes.access + qs({ ip: a, outcome: 'failed' }));
    expect(failedA.body.total).toBe(3);
    expect(failedA.body.items.every((e) => e.outcome === 'failed' && e.realm === 'user' && e.ip === a && e.method === 'password')).toBe(true);
    expect(failedA.body.items.map((e) => e.reason).sort()).toEqual(['unknown_account', 'wrong_password', 'wrong_password']);
    const adminB = await get<AccessLogPage>(AdminLogsRoutes.access + qs({ ip: b, realm: 'admin' }));
    expect(adminB.body.items.map((e) => [e.email, e.outcome])).toEqual([[w.adminEmail, 'failed']]);
    const byEmail = await get<AccessLogPage>(AdminLogsRoutes.access + qs({ email: user.email.toUpperCase(), outcome: 'success', ip: a }));
    expect(byEmail.body.items.map((e) => [e.email, e.user_id])).toEqual([[user.email, user.id]]);

    const summary = await get<AccessSummary>(AdminLogsRoutes.accessSummary + qs({ hours: 1, top: 50 }));
    expect(summary.status).toBe(200);
    const ours = summary.body.top_ips.filter((t) => [a, b, c].includes(t.ip));
    expect(ours).toEqual([
      { ip: a, attempts: 4, failed: 3 },
      { ip: b, attempts: 2, failed: 2 },
      { ip: c, attempts: 1, failed: 0 },
    ]);
    // The totals agree with the access log itself.
    const all = await get<AccessLogPage>(AdminLogsRoutes.access + qs({ date_from: summary.body.from, date_to: summary.body.to, limit: 1 }));
    const failed = await get<AccessLogPage>(AdminLogsRoutes.access + qs({ date_from: summary.body.from, date_to: summary.body.to, outcome: 'failed', limit: 1 }));
    expect(summary.body.total).toBe(all.body.total);
    expect(summary.body.failed).toBe(failed.body.total);
    expect(summary.body.successful).toBe(all.body.total - failed.body.total);
    const attempts = summary.body.top_ips.map((t) => t.attempts);
    expect(attempts).toEqual([...attempts].sort((x, y) => y - x));
    // Only `top` addresses.
    expect((await get<AccessSummary>(AdminLogsRoutes.accessSummary + qs({ hours: 1, top: 1 }))).body.top_ips).toHaveLength(1);
  });

  it('exports the filtered activity log as RFC 4180 CSV (formula-safe) and as JSON, and logs the export', async () => {
    const action = `test.export_${randomBytes(3).toString('hex')}`;
    const targets = ['=HYPERLINK("http://x")', 'comma, and "quotes"', 'line\r\nbreak', '@sum', 'plain'];
    const ids = await seed(action, targets.length, (i) => ({ target: targets[i], actorEmail: i === 0 ? '+cmd@example.org' : 'ok@example.org' }));

    const csv = await fetch(`${w.api.url}${AdminLogsRoutes.activityExport}${qs({ action, format: 'csv' })}`, { headers: { Authorization: `Bearer ${w.adminToken}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="activity-log-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parseCsv(await csv.text());
    expect(rows[0]).toEqual(['id', 'at', 'actor_type', 'actor_id', 'actor_email', 'action', 'target', 'ip', 'details']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(ids);
    expect(rows.slice(1).map((r) => r[6])).toEqual(["'=HYPERLINK(\"http://x\")", 'comma, and "quotes"', 'line\r\nbreak', "'@sum", 'plain']);
    expect(rows[1]?.[4]).toBe("'+cmd@example.org");
    expect(JSON.parse(rows[1]?.[8] as string)).toEqual({ i: 0 });

    const json = await fetch(`${w.api.url}${AdminLogsRoutes.activityExport}${qs({ action, format: 'json' })}`, { headers: { Authorization: `Bearer ${w.adminToken}` } });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const entries = (await json.json()) as ActivityLogEntry[];
    expect(entries.map((e) => [e.id, e.target])).toEqual(ids.map((id, i) => [id, targets[i]]));
    const list = await get<ActivityLogPage>(AdminLogsRoutes.activity + qs({ action }));
    expect(entries).toEqual(list.body.items);

    // Empty result: a header only / an empty array.
    const none = await fetch(`${w.api.url}${AdminLogsRoutes.accessExport}${qs({ email: 'nobody-at-all', format: 'csv' })}`, { headers: { Authorization: `Bearer ${w.adminToken}` } });
    expect(parseCsv(await none.text())).toEqual([['id', 'at', 'realm', 'outcome', 'method', 'email', 'user_id', 'ip', 'reason']]);
    const noneJson = await fetch(`${w.api.url}${AdminLogsRoutes.errorsExport}${qs({ route: 'no-such-route', format: 'json' })}`, { headers: { Authorization: `Bearer ${w.adminToken}` } });
    expect(await noneJson.json()).toEqual([]);
    expect(await w.activity({ action: 'admin.logs_export', actorEmail: w.adminEmail, target: 'activity' })).toHaveLength(2);
  });

  it('records an unexpected 5xx in the error log without sending the stack to anyone', async () => {
    const service = w.api.app.get(AdminLogsService);
    const spy = jest.spyOn(service, 'activity').mockRejectedValueOnce(new Error('kaboom: db password=hunter2 at mongodb://u:secret@db/x'));
    const requestId = `req-${randomBytes(4).toString('hex')}`;
    const res = await call(w.api.url, 'GET', AdminLogsRoutes.activity, { token: w.adminToken, headers: { 'X-Request-Id': requestId } });
    spy.mockRestore();
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ statusCode: 500, error: 'INTERNAL', message: `Something went wrong on our side. Reference: ${requestId}` });
    expect(res.text).not.toMatch(/kaboom|hunter2|\bat .*\.ts:\d+/);

    await w.api.app.get(AppErrorRecorder).settled();
    const logged = await get<ErrorLogPage>(AdminLogsRoutes.errors + qs({ request_id: requestId }));
    expect(logged.body.items).toHaveLength(1);
    expect(logged.body.items[0]).toMatchObject({ status: 500, method: 'GET', route: AdminLogsRoutes.activity, request_id: requestId, error: 'Error', suppressed_before: 0 });
    expect(logged.body.items[0]?.message).toContain('kaboom');
    expect(logged.body.items[0]?.message).not.toContain('secret');
    expect(logged.text).not.toMatch(/stack|\.ts:\d+/);
    // The stack is kept server-side only, capped.
    const stored = await w.db.collection('app_errors').findOne({ requestId });
    expect(stored?.['stack']).toMatch(/^Error: kaboom/);
    expect((stored?.['stack'] as string).length).toBeLessThanOrEqual(8 * 1024);
    // Literal search over message and route; status filter.
    expect((await get<ErrorLogPage>(AdminLogsRoutes.errors + qs({ search: 'kaboom: db', status: 500 }))).body.total).toBe(1);
    expect((await get<ErrorLogPage>(AdminLogsRoutes.errors + qs({ search: 'kaboom.*db' }))).body.total).toBe(0);
    expect((await get<ErrorLogPage>(AdminLogsRoutes.errors + qs({ status: 503 }))).body.total).toBe(0);
    // Expected errors (4xx, AppException) are not application errors.
    await get(AdminLogsRoutes.activity + qs({ limit: 0 }));
    await w.api.app.get(AppErrorRecorder).settled();
    expect(await w.db.collection('app_errors').countDocuments({})).toBe(1);
  });

  it('purges only entries older than N days of the chosen log (superadmin), and logs the purge', async () => {
    const action = `test.purge_${randomBytes(3).toString('hex')}`;
    await seed(action, 3, () => ({}), 40 * DAY);
    const recent = await seed(action, 2, () => ({}), 5 * DAY);
    await seed('user.login_failed', 2, () => ({ actorType: 'user' }), 40 * DAY);
    await w.db.collection('app_errors').insertMany([
      { at: new Date(Date.now() - 40 * DAY), status: 500, method: 'GET', route: '/old', requestId: null, error: 'Error', message: 'old', stack: null, suppressedBefore: 0 },
      { at: new Date(), status: 500, method: 'GET', route: '/new', requestId: null, error: 'Error', message: 'new', stack: null, suppressedBefore: 0 },
    ]);
    const oldAccessBefore = await activity().countDocuments({ action: 'user.login_failed', at: { $lt: new Date(Date.now() - 30 * DAY) } });
    expect(oldAccessBefore).toBe(2);

    expect((await w.req('POST', AdminLogsRoutes.purge, w.rootToken, { kind: 'activity', older_than_days: 0 })).status).toBe(400);
    expect((await w.req('POST', AdminLogsRoutes.purge, w.rootToken, { kind: 'everything', older_than_days: 30 })).status).toBe(400);

    const res = await w.req<LogPurgeResponse>('POST', AdminLogsRoutes.purge, w.rootToken, { kind: 'activity', older_than_days: 30 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: 'activity', deleted: 3 });
    expect(Math.abs(new Date(res.body.cutoff).getTime() - (Date.now() - 30 * DAY))).toBeLessThan(60_000);
    expect((await activity().find({ action }).toArray()).map((d) => d._id.toString()).sort()).toEqual([...recent].sort());
    // The access log is another kind: untouched.
    expect(await activity().countDocuments({ action: 'user.login_failed', at: { $lt: new Date(Date.now() - 30 * DAY) } })).toBe(2);
    const [logged] = await w.activity({ action: 'admin.logs_purge', target: 'activity' });
    expect(logged).toMatchObject({ actorEmail: 'root@example.org', details: { kind: 'activity', older_than_days: 30, deleted: 3 } });

    expect((await w.req<LogPurgeResponse>('POST', AdminLogsRoutes.purge, w.rootToken, { kind: 'access', older_than_days: 30 })).body.deleted).toBe(2);
    expect((await w.req<LogPurgeResponse>('POST', AdminLogsRoutes.purge, w.rootToken, { kind: 'errors', older_than_days: 30 })).body.deleted).toBe(1);
    expect((await w.db.collection('app_errors').find({ route: { $in: ['/old', '/new'] } }).toArray()).map((d) => d['route'])).toEqual(['/new']);
  });

  it('creates admins for superadmins only, under the password policy', async () => {
    const email = `new-admin-${randomBytes(3).toString('hex')}@example.org`;
    const byAdmin = await w.req('POST', ApiRoutes.adminAuth.createAdmin, w.adminToken, { email, password: PASSWORD, role: 'admin' });
    expect(byAdmin.status).toBe(403);
    const byUser = await w.req('POST', ApiRoutes.adminAuth.createAdmin, user.token, { email, password: PASSWORD, role: 'admin' });
    expect(byUser.status).toBe(401);
    const weak = await w.req('POST', ApiRoutes.adminAuth.createAdmin, w.rootToken, { email, password: 'short', role: 'admin' });
    expect(weak.status).toBe(400);

    const created = await w.req<AdminProfile>('POST', ApiRoutes.adminAuth.createAdmin, w.rootToken, { email, password: PASSWORD, role: 'admin' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email, role: 'admin' });
    expect(await w.adminLogin(email, PASSWORD)).toBeTruthy();
    const again = await w.req('POST', ApiRoutes.adminAuth.createAdmin, w.rootToken, { email, password: PASSWORD, role: 'admin' });
    expect(again.status).toBe(409);
    const created2 = await get<ActivityLogPage>(AdminLogsRoutes.activity + qs({ action: 'admin.create_admin', target: created.body.id }), w.rootToken);
    expect(created2.body.items.map((e) => e.actor_email)).toEqual(['root@example.org']);
  });
});
