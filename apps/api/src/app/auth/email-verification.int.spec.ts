import { AdminApiRoutes, ApiRoutes, MeResponse, TokenResponse } from '@ddx/contracts';
import { getConnectionToken } from '@nestjs/mongoose';
import { ParsedMail } from 'mailparser';
import { Connection } from 'mongoose';

import { Mailbox, startMailbox } from '../../testing/mailbox';
import { startTestApp, TestApp, testEnv } from '../../testing/test-app';
import { REGISTER_ANSWER } from './auth.service';
import { call, uniqueEmail } from './testing/http';

const PASSWORD = 'correct horse battery';
const PUBLIC_BASE_URL = 'https://files.example.org';
const ROOT = { email: 'root@example.org', password: 'Root-pass-for-tests-9' };

function verifyTokenFrom(mail: ParsedMail): string {
  const link = /https?:\/\/\S+verify-email\?token=[A-Za-z0-9_-]+/.exec(mail.text ?? '')?.[0];
  if (!link) throw new Error(`no verification link in: ${mail.text}`);
  const url = new URL(link);
  expect(`${url.origin}${url.pathname}`).toBe(`${PUBLIC_BASE_URL}/verify-email`);
  return url.searchParams.get('token') as string;
}

describe('e-mail verification and neutral registration through a real SMTP server', () => {
  let api: TestApp;
  let db: Connection;
  let mailbox: Mailbox;

  const register = (email: string, password = PASSWORD) => call(api.url, 'POST', ApiRoutes.auth.register, { json: { email, password } });
  const login = async (email: string, password = PASSWORD) =>
    (await call<TokenResponse>(api.url, 'POST', ApiRoutes.auth.token, { form: { username: email, password } })).body.access_token;
  const me = (token: string) => call<MeResponse>(api.url, 'GET', ApiRoutes.auth.me, { token });
  const verify = (token: string) => call(api.url, 'POST', ApiRoutes.auth.verifyEmail, { json: { token } });
  const resend = (token: string) => call(api.url, 'POST', ApiRoutes.auth.verifyEmailResend, { token });

  beforeAll(async () => {
    mailbox = await startMailbox();
    api = await startTestApp(
      testEnv('verify', {
        SMTP_URL: mailbox.url,
        MAIL_FROM: 'DirectDriveX <no-reply@files.example.org>',
        PUBLIC_BASE_URL,
        AUTH_REGISTER_MAX_PER_IP_PER_HOUR: '1000',
        AUTH_RESET_REQUESTS_MAX_PER_HOUR: '3',
        SUPERADMIN_EMAIL: ROOT.email,
        SUPERADMIN_PASSWORD: ROOT.password,
      }),
    );
    db = api.app.get<Connection>(getConnectionToken());
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await api?.close();
    await mailbox?.close();
  });

  it('mails a single-use link at registration; using it marks the address verified', async () => {
    const email = uniqueEmail('vera');
    expect((await register(email)).status).toBe(201);
    const mail = await mailbox.next(email);
    expect(mail.subject).toMatch(/confirm/i);
    const token = verifyTokenFrom(mail);
    // Only the hash is stored.
    expect(JSON.stringify(await db.collection('email_verification_tokens').find().toArray())).not.toContain(token);

    // Unverified accounts can sign in; the profile says so (the SPA shows its banner from it).
    const session = await login(email);
    expect((await me(session)).body.email_verified).toBe(false);

    const used = await verify(token);
    expect(used.status).toBe(200);
    expect((await me(session)).body.email_verified).toBe(true);
    expect(await db.collection('activity_logs').countDocuments({ action: 'user.email_verified', actorEmail: email })).toBe(1);

    const replay = await verify(token);
    expect(replay.status).toBe(400);
    expect(replay.body['error']).toBe('VERIFICATION_TOKEN_INVALID');
    expect(replay.body['message']).toMatch(/new one/);
  });

  it('refuses an expired link, and a malformed one with a validation error', async () => {
    const email = uniqueEmail('ezra');
    await register(email);
    const token = verifyTokenFrom(await mailbox.next(email));
    await db.collection('email_verification_tokens').updateMany({}, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await verify(token)).body['error']).toBe('VERIFICATION_TOKEN_INVALID');
    expect((await me(await login(email))).body.email_verified).toBe(false);
    const malformed = await call(api.url, 'POST', ApiRoutes.auth.verifyEmail, { json: { token: 'short' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body['error']).toBe('VALIDATION');
  });

  it('resends a new link to the signed-in account (older links stop working), rate-limited', async () => {
    const email = uniqueEmail('rene');
    await register(email);
    const first = verifyTokenFrom(await mailbox.next(email));
    const session = await login(email);
    expect((await call(api.url, 'POST', ApiRoutes.auth.verifyEmailResend)).status).toBe(401);

    const again = await resend(session);
    expect(again.status).toBe(200);
    const second = verifyTokenFrom(await mailbox.next(email));
    expect(second).not.toBe(first);
    expect((await verify(first)).body['error']).toBe('VERIFICATION_TOKEN_INVALID');
    expect((await verify(second)).status).toBe(200);

    // Limit of 3 per hour (AUTH_RESET_REQUESTS_MAX_PER_HOUR in this suite).
    for (let i = 0; i < 2; i++) expect((await resend(session)).status).toBe(200);
    const limited = await resend(session);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('answers a taken address exactly like a new one, and tells the owner instead of creating anything', async () => {
    const owner = uniqueEmail('olive');
    await register(owner);
    await mailbox.next(owner);
    const before = await db.collection('users').findOne({ email: owner });

    const fresh = await register(uniqueEmail('newbie'));
    const taken = await register(owner.toUpperCase(), 'someone elses passphrase');
    expect({ status: taken.status, body: taken.body }).toEqual({ status: fresh.status, body: fresh.body });
    expect(taken.body).toEqual({ message: REGISTER_ANSWER });
    expect(taken.headers.get('content-length')).toBe(fresh.headers.get('content-length'));

    const notice = await mailbox.next(owner);
    expect(notice.subject).toMatch(/tried to register/i);
    expect(notice.text).toContain(`${PUBLIC_BASE_URL}/forgot-password`);
    expect(notice.text).not.toMatch(/verify-email\?token=/);
    expect(await db.collection('users').findOne({ email: owner })).toEqual(before);
    expect(await login(owner, 'someone elses passphrase')).toBeUndefined();
    expect(await db.collection('activity_logs').countDocuments({ action: 'user.register_existing', actorEmail: owner })).toBe(1);
  });

  it('refuses admin roles to unverified accounts: role change and create-admin say EMAIL_NOT_VERIFIED', async () => {
    const adminToken = (await call<{ access_token: string }>(api.url, 'POST', ApiRoutes.adminAuth.token, { json: ROOT })).body.access_token;
    const email = uniqueEmail('pat');
    await register(email);
    const verification = verifyTokenFrom(await mailbox.next(email));
    const id = String((await db.collection('users').findOne({ email }))?.['_id']);

    const created = await call(api.url, 'POST', ApiRoutes.adminAuth.createAdmin, { token: adminToken, json: { email, password: PASSWORD, role: 'admin' } });
    expect({ status: created.status, error: created.body['error'] }).toEqual({ status: 409, error: 'EMAIL_NOT_VERIFIED' });
    const promoted = await call(api.url, 'PUT', AdminApiRoutes.userRole(id), { token: adminToken, json: { role: 'admin' } });
    expect({ status: promoted.status, error: promoted.body['error'] }).toEqual({ status: 409, error: 'EMAIL_NOT_VERIFIED' });
    expect(promoted.body['message']).toMatch(/confirm/);
    expect((await db.collection('users').findOne({ email }))?.['role']).toBe('regular');

    expect((await verify(verification)).status).toBe(200);
    const after = await call(api.url, 'PUT', AdminApiRoutes.userRole(id), { token: adminToken, json: { role: 'admin' } });
    expect(after.status).toBe(200);
    // A verified account that exists is still never promoted through create-admin.
    expect((await call(api.url, 'POST', ApiRoutes.adminAuth.createAdmin, { token: adminToken, json: { email, password: PASSWORD, role: 'admin' } })).body['error']).toBe(
      'EMAIL_TAKEN',
    );
  });

  it('reads accounts stored before verification existed: password accounts unverified, Google-linked and admin accounts verified', async () => {
    const base = { passwordHash: null, status: 'active', statusReason: null, tokenVersion: 0, storageQuotaBytes: 1, storageUsedBytes: 0, storageReservedBytes: 0, storageFreeBytes: 1, name: null, picture: null, createdAt: new Date(), lastLoginAt: null };
    const legacy = { password: uniqueEmail('legacy-pw'), google: uniqueEmail('legacy-g'), admin: uniqueEmail('legacy-admin') };
    await db.collection('users').insertMany([
      { ...base, email: legacy.password, role: 'regular', googleId: null },
      { ...base, email: legacy.google, role: 'regular', googleId: 'g-legacy' },
      { ...base, email: legacy.admin, role: 'admin', googleId: null },
    ]);
    const adminToken = (await call<{ access_token: string }>(api.url, 'POST', ApiRoutes.adminAuth.token, { json: ROOT })).body.access_token;
    // Whether the account may be given a (higher) admin role, which needs a verified address.
    const verified = async (email: string, role: 'admin' | 'superadmin' = 'admin') => {
      const id = String((await db.collection('users').findOne({ email }))?.['_id']);
      const res = await call(api.url, 'PUT', AdminApiRoutes.userRole(id), { token: adminToken, json: { role } });
      return res.status === 200;
    };
    expect(await verified(legacy.password)).toBe(false);
    expect(await verified(legacy.google)).toBe(true);
    expect(await verified(legacy.admin, 'superadmin')).toBe(true);
  });
});
