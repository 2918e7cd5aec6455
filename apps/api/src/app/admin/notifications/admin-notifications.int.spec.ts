import {
  AdminApiRoutes,
  AdminNotification,
  AdminNotificationList,
  AudiencePreview,
  CreateNotificationRequest,
  MarkReadResponse,
  NotificationApiRoutes,
  NotificationDeliveryList,
  NotificationTemplate,
  NotificationTemplateList,
  UserNotificationList,
} from '@ddx/contracts';
import { DeliveryRepository, NotificationAudienceResolver } from '@ddx/server-database';
import { NotificationQueue } from '@ddx/server-queue';
import { Types } from 'mongoose';

import { AdminWorld, sleep, TestUser } from '../testing/admin-world';
import { Mailbox, startMailbox } from '../../../testing/mailbox';

jest.setTimeout(180_000);

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

describe('notifications (api + worker + SMTP catcher + FerretDB + Redis)', () => {
  let w: AdminWorld;
  let mailbox: Mailbox;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dave: TestUser;
  let bounce: TestUser;

  beforeAll(async () => {
    mailbox = await startMailbox({ reject: (address) => address.startsWith('bounce-') });
    w = await AdminWorld.start('notifications', { worker: true, env: { SMTP_URL: mailbox.url, MAIL_FROM: 'DirectDriveX <no-reply@files.example.org>' } });
    alice = await w.registerUser('alice');
    bob = await w.registerUser('bob');
    carol = await w.registerUser('carol');
    dave = await w.registerUser('dave');
    bounce = await w.registerUser('bounce');
    // Registration mails each address a verification link; take those so the
    // mailbox holds only what notifications send.
    for (const u of [alice, bob, carol, dave]) expect((await mailbox.next(u.email)).subject).toMatch(/confirm your e-mail/i);
  });

  afterAll(async () => {
    await w?.close();
    await mailbox?.close();
  });

  const admin = <T>(method: string, path: string, json?: unknown, token = w.adminToken) => w.req<T>(method, path, token, json);
  const create = (body: CreateNotificationRequest, token = w.adminToken) => admin<AdminNotification>('POST', NotificationApiRoutes.admin, body, token);
  const bell = (u: TestUser, query = '') => w.req<UserNotificationList>('GET', `${NotificationApiRoutes.mine}${query}`, u.token);
  const unread = async (u: TestUser) => {
    const res = await bell(u);
    expect(res.status).toBe(200);
    return res.body.unread_count;
  };
  /** Polls the user's bell until `done` holds (or the time is up; the caller's expect then fails). */
  const bellWhen = async (u: TestUser, done: (b: UserNotificationList) => boolean, timeoutMs = 45_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const b = (await bell(u, '?limit=50')).body;
      if (done(b) || Date.now() > deadline) return b;
      await sleep(250);
    }
  };
  const notificationWhen = async (id: string, done: (n: AdminNotification) => boolean, timeoutMs = 45_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const n = (await admin<AdminNotification>('GET', NotificationApiRoutes.adminOne(id))).body;
      if (done(n) || Date.now() > deadline) return n;
      await sleep(250);
    }
  };
  const has = (b: UserNotificationList, id: string) => b.items.some((i) => i.id === id);

  let first: AdminNotification;

  it('a notification scheduled a few seconds ahead reaches the audience’s bell and the SMTP catcher at its time, and nobody else', async () => {
    const scheduledAt = inSeconds(4);
    const res = await create({
      title: 'Hello {{name}}',
      body: 'Maintenance tonight, {{email}}. <b>not html</b>',
      audience: { kind: 'users', emails: [alice.email.toUpperCase()], user_ids: [bob.id] },
      channels: { in_app: true, email: true },
      scheduled_at: scheduledAt,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'scheduled', audience: { kind: 'users' }, channels: { in_app: true, email: true }, created_by: { email: w.adminEmail } });
    expect(res.body.audience.user_ids.sort()).toEqual([alice.id, bob.id].sort());
    first = res.body;

    // Not before its time.
    expect(await unread(alice)).toBe(0);

    const b = await bellWhen(alice, (x) => x.unread_count === 1);
    expect(b.unread_count).toBe(1);
    expect(Date.parse(b.items[0]?.delivered_at ?? '')).toBeGreaterThanOrEqual(Date.parse(scheduledAt));
    const aliceName = alice.email.split('@')[0];
    expect(b.items[0]).toMatchObject({ id: first.id, title: `Hello ${aliceName}`, body: `Maintenance tonight, ${alice.email}. <b>not html</b>`, read_at: null });

    const mailA = await mailbox.next(alice.email);
    expect(mailA.subject).toBe(`Hello ${aliceName}`);
    expect(mailA.from?.text).toContain('no-reply@files.example.org');
    expect(mailA.text).toContain(`Maintenance tonight, ${alice.email}.`);
    expect(mailA.html).toContain('&#60;b&#62;not html&#60;/b&#62;');
    const mailB = await mailbox.next(bob.email);
    expect(mailB.subject).toBe(`Hello ${bob.email.split('@')[0]}`);
    expect((await bellWhen(bob, (x) => x.unread_count === 1)).items.map((i) => i.id)).toEqual([first.id]);

    const sent = await notificationWhen(first.id, (n) => n.status === 'sent');
    expect(sent).toMatchObject({ status: 'sent', counts: { recipients: 2, read: 0, email_sent: 2, email_failed: 0, email_pending: 0 } });
    expect(sent.sent_at).not.toBeNull();

    // Outside the audience: no bell entry, no mail.
    expect(await unread(carol)).toBe(0);
    expect(mailbox.to(carol.email)).toHaveLength(0);

    const deliveries = await admin<NotificationDeliveryList>('GET', NotificationApiRoutes.adminDeliveries(first.id));
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.total).toBe(2);
    expect(deliveries.body.items.map((d) => d.email).sort()).toEqual([alice.email, bob.email].sort());
    for (const d of deliveries.body.items) expect(d).toMatchObject({ in_app: true, email_status: 'sent', email_error: null });

    const list = await admin<AdminNotificationList>('GET', `${NotificationApiRoutes.admin}?status=sent`);
    expect(list.status).toBe(200);
    expect(list.body.items.find((n) => n.id === first.id)?.counts).toMatchObject({ recipients: 2, email_sent: 2 });
    const log = await w.activity({ action: 'admin.notification_create', target: first.id });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ actorEmail: w.adminEmail, details: expect.objectContaining({ audience: 'users', status: 'scheduled' }) });
  });

  it('mark read lowers only the reader’s count; nobody can read or mark someone else’s notification', async () => {
    // Carol is not a recipient: 404, as if it did not exist, and nothing changes for Alice.
    const foreign = await w.req('POST', NotificationApiRoutes.read(first.id), carol.token, {});
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toBe('NOT_FOUND');
    expect(await unread(alice)).toBe(1);
    expect((await bell(carol)).body.items).toHaveLength(0);

    const read = await w.req<MarkReadResponse>('POST', NotificationApiRoutes.read(first.id), alice.token, {});
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ updated: 1, unread_count: 0 });
    const again = await w.req<MarkReadResponse>('POST', NotificationApiRoutes.read(first.id), alice.token, {});
    expect(again.body).toEqual({ updated: 0, unread_count: 0 });
    expect((await bell(alice)).body.items[0]?.read_at).not.toBeNull();
    expect(await unread(bob)).toBe(1);

    const all = await w.req<MarkReadResponse>('POST', NotificationApiRoutes.readAll, bob.token, {});
    expect(all.body).toEqual({ updated: 1, unread_count: 0 });
    expect((await admin<AdminNotification>('GET', NotificationApiRoutes.adminOne(first.id))).body.counts.read).toBe(2);

    // The bell needs a user token.
    expect((await w.req('GET', NotificationApiRoutes.mine, undefined)).status).toBe(401);
    expect((await w.req('GET', NotificationApiRoutes.mine, w.adminToken)).status).toBe(401);
  });

  it('a cancelled notification is never delivered; cancelling twice is refused', async () => {
    const cancelled = await create({ title: 'Never', body: 'This one is cancelled', audience: { kind: 'users', user_ids: [carol.id] }, channels: { in_app: true, email: true }, scheduled_at: inSeconds(3) });
    expect(cancelled.status).toBe(201);
    const res = await admin<AdminNotification>('POST', NotificationApiRoutes.adminCancel(cancelled.body.id), {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled' });
    expect(res.body.cancelled_at).not.toBeNull();
    const twice = await admin('POST', NotificationApiRoutes.adminCancel(cancelled.body.id), {});
    expect(twice.status).toBe(409);
    expect(twice.body.error).toBe('NOTIFICATION_STATE');

    // A later one for the same user proves the worker ran past the cancelled one's time.
    const later = await create({ title: 'Later', body: 'This one arrives', audience: { kind: 'users', user_ids: [carol.id] }, channels: { in_app: true, email: true }, scheduled_at: inSeconds(5) });
    expect(later.status).toBe(201);
    const b = await bellWhen(carol, (x) => has(x, later.body.id));
    expect(b.items.map((i) => i.id)).toEqual([later.body.id]);
    expect((await mailbox.next(carol.email)).subject).toBe('Later');
    expect(mailbox.to(carol.email)).toHaveLength(0);
    expect((await admin<AdminNotification>('GET', NotificationApiRoutes.adminOne(cancelled.body.id))).body).toMatchObject({ status: 'cancelled', counts: { recipients: 0 } });
    expect(await w.activity({ action: 'admin.notification_cancel', target: cancelled.body.id })).toHaveLength(1);
  });

  it('validation: past schedule, empty or unknown audience, no channel, unknown placeholder give 400 with stable codes', async () => {
    const base = { title: 't', body: 'b', audience: { kind: 'all' as const } };
    const cases: Array<[CreateNotificationRequest, string]> = [
      [{ ...base, scheduled_at: new Date(Date.now() - 3600_000).toISOString() }, 'SCHEDULE_IN_PAST'],
      [{ ...base, scheduled_at: new Date(Date.now() + 400 * 86400_000).toISOString() }, 'SCHEDULE_TOO_FAR'],
      [{ ...base, audience: { kind: 'users', user_ids: [] } }, 'EMPTY_AUDIENCE'],
      [{ ...base, audience: { kind: 'users' } }, 'EMPTY_AUDIENCE'],
      [{ ...base, audience: { kind: 'users', emails: ['nobody-here@example.org'], user_ids: [new Types.ObjectId().toHexString()] } }, 'UNKNOWN_RECIPIENTS'],
      [{ ...base, audience: { kind: 'role' } }, 'VALIDATION'],
      [{ ...base, channels: { in_app: false, email: false } }, 'VALIDATION'],
      [{ ...base, title: 'Hi {{password}}' }, 'VALIDATION'],
      [{ audience: { kind: 'all' } }, 'CONTENT_MISSING'],
    ];
    for (const [body, code] of cases) {
      const res = await create(body);
      expect({ status: res.status, code: res.body.error, body }).toEqual({ status: 400, code, body });
      expect(res.body.message).toEqual(expect.any(String));
    }
    // A suspended account alone is an empty audience.
    const suspendedUser = await w.registerUser('suspended');
    expect((await w.req('POST', AdminApiRoutes.userSuspend(suspendedUser.id), w.adminToken, { reason: 'spam' })).status).toBe(200);
    const empty = await create({ ...base, audience: { kind: 'users', user_ids: [suspendedUser.id] } });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toBe('EMPTY_AUDIENCE');
    expect((await create({ ...base, template_id: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
  });

  it('admin routes refuse user tokens; deleting needs deleteNotifications (superadmin)', async () => {
    for (const [method, path] of [
      ['GET', NotificationApiRoutes.admin],
      ['POST', NotificationApiRoutes.admin],
      ['GET', NotificationApiRoutes.templates],
      ['POST', NotificationApiRoutes.adminPreview],
      ['POST', NotificationApiRoutes.adminCancel(first.id)],
    ] as const) {
      const res = await w.req(method, path, alice.token, method === 'POST' ? { title: 't', body: 'b', audience: { kind: 'all' } } : undefined);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
    }
    const denied = await admin('DELETE', NotificationApiRoutes.adminOne(first.id));
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('PERMISSION_DENIED');

    const deleted = await admin('DELETE', NotificationApiRoutes.adminOne(first.id), undefined, w.rootToken);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id: first.id, deleted: true });
    expect((await admin('GET', NotificationApiRoutes.adminOne(first.id))).status).toBe(404);
    expect(has((await bell(alice)).body, first.id)).toBe(false);
    expect(await w.activity({ action: 'admin.notification_delete', target: first.id })).toHaveLength(1);
  });

  it('audiences: active / inactive by last sign-in, role, suspended accounts never included; preview counts them', async () => {
    // Dave last signed in 60 days ago: inactive.
    await w.db.collection('users').updateOne({ _id: new Types.ObjectId(dave.id) }, { $set: { lastLoginAt: new Date(Date.now() - 60 * 86400_000) } });
    const users = w.db.collection('users');
    const activeAccounts = await users.countDocuments({ status: 'active' });
    const preview = async (audience: CreateNotificationRequest['audience']) => {
      const res = await admin<AudiencePreview>('POST', NotificationApiRoutes.adminPreview, { audience });
      expect(res.status).toBe(200);
      return res.body;
    };
    expect((await preview({ kind: 'all' })).recipients).toBe(activeAccounts);
    expect((await preview({ kind: 'inactive' })).recipients).toBe(1);
    expect((await preview({ kind: 'active' })).recipients).toBe(activeAccounts - 1);
    expect((await preview({ kind: 'role', role: 'admin' })).recipients).toBe(1);
    expect(await preview({ kind: 'users', emails: [alice.email, 'ghost@example.org'] })).toEqual({ recipients: 1, unknown: ['ghost@example.org'] });

    const res = await create({ title: 'We miss you', body: 'Come back, {{name}}', audience: { kind: 'inactive' } });
    expect(res.status).toBe(201);
    const b = await bellWhen(dave, (x) => has(x, res.body.id));
    expect(b.items[0]).toMatchObject({ id: res.body.id, body: `Come back, ${dave.email.split('@')[0]}` });
    const sent = await notificationWhen(res.body.id, (n) => n.status === 'sent');
    expect(sent.counts).toMatchObject({ recipients: 1, email_sent: 0 });
    for (const u of [alice, bob, carol]) expect(has((await bell(u)).body, res.body.id)).toBe(false);
    // In-app only: no e-mail, recorded as skipped.
    const d = await admin<NotificationDeliveryList>('GET', NotificationApiRoutes.adminDeliveries(res.body.id));
    expect(d.body.items).toEqual([expect.objectContaining({ user_id: dave.id, email_status: 'skipped' })]);
    expect(mailbox.to(dave.email)).toHaveLength(0);
  });

  it('an e-mail the server refuses is recorded on its delivery and does not stop the others', async () => {
    const res = await create({ title: 'Mail test', body: 'Hi', audience: { kind: 'users', user_ids: [bounce.id, carol.id] }, channels: { in_app: true, email: true } });
    expect(res.status).toBe(201);
    const sent = await notificationWhen(res.body.id, (n) => n.status === 'sent');
    expect(sent).toMatchObject({ status: 'sent', counts: { recipients: 2, email_sent: 1, email_failed: 1 } });
    expect((await mailbox.next(carol.email)).subject).toBe('Mail test');
    const failed = await admin<NotificationDeliveryList>('GET', `${NotificationApiRoutes.adminDeliveries(res.body.id)}?email_status=failed`);
    expect(failed.body.items).toHaveLength(1);
    expect(failed.body.items[0]).toMatchObject({ user_id: bounce.id, email_status: 'failed' });
    expect(failed.body.items[0]?.email_error).toMatch(/550|unavailable/);
    // The in-app delivery still reached the bell.
    expect(has((await bell(bounce)).body, res.body.id)).toBe(true);
  });

  it('templates: CRUD with unique names; a notification takes its text from one; deleting needs deleteNotifications', async () => {
    const created = await admin<NotificationTemplate>('POST', NotificationApiRoutes.templates, { name: 'Welcome', title: 'Welcome {{name}}', body: 'Your account {{email}} is ready.' });
    expect(created.status).toBe(201);
    const dup = await admin('POST', NotificationApiRoutes.templates, { name: 'Welcome', title: 'x', body: 'y' });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toBe('TEMPLATE_NAME_TAKEN');
    const bad = await admin('POST', NotificationApiRoutes.templates, { name: 'Bad', title: '{{token}}', body: 'y' });
    expect(bad.status).toBe(400);

    const updated = await admin<NotificationTemplate>('PUT', NotificationApiRoutes.template(created.body.id), { name: 'Welcome!', title: 'Welcome aboard {{name}}', body: 'Your account {{email}} is ready.' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'Welcome!', title: 'Welcome aboard {{name}}' });
    const list = await admin<NotificationTemplateList>('GET', NotificationApiRoutes.templates);
    expect(list.body.items.map((t) => t.name)).toContain('Welcome!');

    const n = await create({ template_id: created.body.id, audience: { kind: 'users', user_ids: [carol.id] } });
    expect(n.status).toBe(201);
    expect(n.body).toMatchObject({ title: 'Welcome aboard {{name}}', template_id: created.body.id });
    const b = await bellWhen(carol, (x) => has(x, n.body.id));
    expect(b.items.find((i) => i.id === n.body.id)).toMatchObject({ title: `Welcome aboard ${carol.email.split('@')[0]}`, body: `Your account ${carol.email} is ready.` });

    expect((await admin('DELETE', NotificationApiRoutes.template(created.body.id))).status).toBe(403);
    expect((await admin('DELETE', NotificationApiRoutes.template(created.body.id), undefined, w.rootToken)).status).toBe(200);
    expect((await admin('PUT', NotificationApiRoutes.template(created.body.id), { name: 'x', title: 'x', body: 'x' })).status).toBe(404);
    for (const action of ['admin.notification_template_create', 'admin.notification_template_update', 'admin.notification_template_delete']) {
      expect(await w.activity({ action, target: created.body.id })).toHaveLength(1);
    }
  });

  it('drafts are not sent until sent explicitly', async () => {
    const draft = await create({ title: 'Draft', body: 'Later', audience: { kind: 'users', user_ids: [bob.id] }, draft: true });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ status: 'draft', scheduled_at: null });
    const sent = await admin<AdminNotification>('POST', NotificationApiRoutes.adminSend(draft.body.id), { scheduled_at: inSeconds(1) });
    expect(sent.status).toBe(200);
    expect(sent.body.status).toMatch(/scheduled|sending|sent/);
    expect(has(await bellWhen(bob, (x) => has(x, draft.body.id)), draft.body.id)).toBe(true);
    expect((await admin('POST', NotificationApiRoutes.adminSend(draft.body.id), {})).status).toBe(409);
  });

  it('the OpenAPI document describes the notification routes', async () => {
    const res = await fetch(`${w.api.url}/api/docs/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    for (const path of ['/api/v1/admin/notifications', '/api/v1/admin/notifications/preview', '/api/v1/admin/notifications/{id}/cancel', '/api/v1/admin/notification-templates/{id}', '/api/v1/notifications', '/api/v1/notifications/{id}/read', '/api/v1/notifications/read-all']) {
      expect({ path, documented: !!doc.paths[path] }).toEqual({ path, documented: true });
    }
    expect(Object.keys(doc.paths['/api/v1/admin/notifications'] ?? {}).sort()).toEqual(['get', 'post']);
  });

  it('deliveries are unique per recipient: delivering a batch again changes nothing', async () => {
    const repo = w.api.app.get(DeliveryRepository);
    const id = '11111111-2222-4333-8444-555555555555';
    const recipients = [alice, bob].map((u) => ({ userId: u.id, email: u.email, name: null }));
    await repo.deliver(id, recipients, { inApp: false, email: false });
    await repo.deliver(id, recipients, { inApp: false, email: true });
    expect(await repo.countFor(id)).toBe(2);
    expect(await repo.countFor(id, { emailStatus: 'skipped' })).toBe(2);
    await repo.deleteFor(id);

    // The fan-out walks the audience in bounded batches from a cursor: every active account once.
    const resolver = w.api.app.get(NotificationAudienceResolver);
    const audience = { kind: 'all' as const, userIds: [], role: null };
    const seen: string[] = [];
    for (let cursor: string | null = null; ; ) {
      const batch = await resolver.batch(audience, cursor, 2);
      expect(batch.length).toBeLessThanOrEqual(2);
      if (!batch.length) break;
      seen.push(...batch.map((r) => r.userId));
      cursor = batch[batch.length - 1]?.userId ?? null;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(await resolver.count(audience));
    expect(seen).toEqual(expect.arrayContaining([alice.id, bob.id, carol.id, dave.id]));
  });

  it('a scheduled notification survives a worker restart; the sweeper re-queues one whose job was lost', async () => {
    for (const worker of [...w.workers]) await w.stopWorker(worker);
    const delayed = await create({ title: 'Kept in Redis', body: 'x', audience: { kind: 'users', user_ids: [bob.id] }, scheduled_at: inSeconds(2) });
    const lost = await create({ title: 'Job lost', body: 'y', audience: { kind: 'users', user_ids: [bob.id] }, scheduled_at: inSeconds(2) });
    expect([delayed.status, lost.status]).toEqual([201, 201]);
    const queue = w.api.app.get(NotificationQueue);
    expect(await queue.sendState(delayed.body.id)).toBe('delayed');
    expect(await queue.removeSend(lost.body.id)).toBe(true);
    expect(await queue.sendState(lost.body.id)).toBeNull();

    // Past their time with no worker: nothing delivered.
    while (Date.now() < Date.parse(lost.body.scheduled_at as string) + 1500) await sleep(250);
    expect(has((await bell(bob, '?limit=50')).body, delayed.body.id)).toBe(false);

    await w.startWorker();
    const b = await bellWhen(bob, (x) => has(x, delayed.body.id) && has(x, lost.body.id));
    expect(has(b, delayed.body.id)).toBe(true);
    expect(has(b, lost.body.id)).toBe(true);
    expect((await notificationWhen(lost.body.id, (n) => n.status === 'sent')).counts.recipients).toBe(1);
  });
});
