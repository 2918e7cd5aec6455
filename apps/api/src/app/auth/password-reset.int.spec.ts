import { ApiRoutes, TokenResponse } from '@ddx/contracts';
import { getConnectionToken } from '@nestjs/mongoose';
import { ParsedMail } from 'mailparser';
import { Connection } from 'mongoose';
import { createHash } from 'node:crypto';

import { Mailbox, startMailbox } from '../../testing/mailbox';
import { startTestApp, TestApp, testEnv } from '../../testing/test-app';
import { SettingsService } from '../settings/settings.service';
import { FORGOT_PASSWORD_ANSWER } from './auth.service';
import { call, uniqueEmail } from './testing/http';

const PASSWORD = 'correct horse battery';
const PUBLIC_BASE_URL = 'https://files.example.org';

function resetTokenFrom(mail: ParsedMail): string {
  const link = /https?:\/\/\S+reset-password\?token=[A-Za-z0-9_-]+/.exec(mail.text ?? '')?.[0];
  if (!link) throw new Error(`no reset link in: ${mail.text}`);
  const url = new URL(link);
  expect(`${url.origin}${url.pathname}`).toBe(`${PUBLIC_BASE_URL}/reset-password`);
  return url.searchParams.get('token') as string;
}

describe('forgot / reset password through a real SMTP server', () => {
  let api: TestApp;
  let db: Connection;
  let mailbox: Mailbox;

  const forgot = (email: string, headers?: Record<string, string>) =>
    call(api.url, 'POST', ApiRoutes.auth.forgotPassword, { json: { email }, headers });
  const reset = (token: string, newPassword: string) =>
    call(api.url, 'POST', ApiRoutes.auth.resetPassword, { json: { token, new_password: newPassword } });
  const login = (username: string, password: string) => call<TokenResponse>(api.url, 'POST', ApiRoutes.auth.token, { form: { username, password } });
  const register = async (email: string) => {
    expect((await call(api.url, 'POST', ApiRoutes.auth.register, { json: { email, password: PASSWORD } })).status).toBe(201);
    // Registration mails a verification link first; take it out of the way of the reset mails.
    expect((await mailbox.next(email)).subject).toMatch(/confirm/i);
  };

  beforeAll(async () => {
    mailbox = await startMailbox();
    api = await startTestApp(
      testEnv('reset', {
        SMTP_URL: `smtp://127.0.0.1:${mailbox.port}`,
        MAIL_FROM: 'DirectDriveX <no-reply@files.example.org>',
        PUBLIC_BASE_URL,
        AUTH_REGISTER_MAX_PER_IP_PER_HOUR: '1000',
        AUTH_RESET_REQUESTS_MAX_PER_HOUR: '1000',
      }),
    );
    db = api.app.get<Connection>(getConnectionToken());
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await api?.close();
    await mailbox?.close();
  });

  it('mails a single-use link that sets a new password and ends every session', async () => {
    const email = uniqueEmail('rita');
    await register(email);
    const session = (await login(email, PASSWORD)).body.access_token;

    const asked = await forgot(email.toUpperCase());
    expect(asked.status).toBe(200);
    expect(asked.body).toEqual({ message: FORGOT_PASSWORD_ANSWER });
    const mail = await mailbox.next(email);
    expect(mail.subject).toMatch(/reset/i);
    expect(mail.from?.text).toContain('no-reply@files.example.org');
    expect(mail.html).toContain('reset-password?token=');
    const token = resetTokenFrom(mail);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(32);

    // Only the SHA-256 is stored.
    const stored = await db.collection('password_reset_tokens').findOne({ userId: { $exists: true }, usedAt: null });
    expect(stored?.['tokenHash']).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(token);
    const ttl = (stored?.['expiresAt'] as Date).getTime() - (stored?.['createdAt'] as Date).getTime();
    expect(ttl).toBe(30 * 60_000);

    // A weak choice is refused without burning the link.
    expect((await reset(token, 'short')).body['error']).toBe('WEAK_PASSWORD');
    const done = await reset(token, 'a completely new passphrase');
    expect(done.status).toBe(200);
    expect((await reset(token, 'yet another new passphrase')).body['error']).toBe('RESET_TOKEN_INVALID');

    expect((await login(email, PASSWORD)).status).toBe(401);
    expect((await login(email, 'a completely new passphrase')).status).toBe(200);
    expect((await call(api.url, 'GET', ApiRoutes.auth.me, { token: session })).status).toBe(401);

    const actions = (await db.collection('activity_logs').find({ actorEmail: email }).toArray()).map((r) => r['action']);
    expect(actions).toEqual(expect.arrayContaining(['user.password_reset_request', 'user.password_reset']));
  });

  it('a reset link lives as long as the passwordResetTtlMinutes setting says', async () => {
    const settings = api.app.get(SettingsService);
    await settings.update({ passwordResetTtlMinutes: 7 }, null);
    try {
      const email = uniqueEmail('ttl');
      await register(email);
      expect((await forgot(email)).status).toBe(200);
      const mail = await mailbox.next(email);
      expect(mail.text).toContain('valid for 7 minutes');
      const token = resetTokenFrom(mail);
      const stored = await db.collection('password_reset_tokens').findOne({ tokenHash: createHash('sha256').update(token).digest('hex') });
      expect((stored?.['expiresAt'] as Date).getTime() - (stored?.['createdAt'] as Date).getTime()).toBe(7 * 60_000);
    } finally {
      await settings.update({ passwordResetTtlMinutes: 30 }, null);
    }
  });

  it('gives the same answer for an unknown e-mail and sends nothing', async () => {
    const known = uniqueEmail('uma');
    await register(known);
    const unknown = uniqueEmail('nobody');
    const res = await forgot(unknown);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: FORGOT_PASSWORD_ANSWER });
    // Mails leave in request order: once the next one has arrived, none for `unknown` is on its way.
    expect((await forgot(known)).body).toEqual(res.body);
    await mailbox.next(known);
    const recipients = mailbox.messages.map((m) => JSON.stringify(m.to));
    expect(recipients.join()).not.toContain(unknown);
    expect(await db.collection('activity_logs').findOne({ action: 'user.password_reset_request', actorEmail: unknown })).toMatchObject({
      actorId: null,
      details: { known: false },
    });
  });

  it('rejects an expired link and a superseded one', async () => {
    const email = uniqueEmail('sam');
    await register(email);
    await forgot(email);
    const first = resetTokenFrom(await mailbox.next(email));
    await forgot(email);
    const second = resetTokenFrom(await mailbox.next(email));
    expect((await reset(first, 'a completely new passphrase')).body['error']).toBe('RESET_TOKEN_INVALID');

    await db
      .collection('password_reset_tokens')
      .updateOne({ tokenHash: createHash('sha256').update(second).digest('hex') }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await reset(second, 'a completely new passphrase');
    expect(expired.status).toBe(400);
    expect(expired.body['error']).toBe('RESET_TOKEN_INVALID');
    expect((await login(email, PASSWORD)).status).toBe(200);
  });

  it('rejects made-up tokens', async () => {
    expect((await reset('x'.repeat(43), 'a completely new passphrase')).body['error']).toBe('RESET_TOKEN_INVALID');
    expect((await reset('short', 'a completely new passphrase')).body['error']).toBe('VALIDATION');
  });

  it('lets a reset link be used only once even when two requests race', async () => {
    const email = uniqueEmail('tess');
    await register(email);
    await forgot(email);
    const token = resetTokenFrom(await mailbox.next(email));
    const results = await Promise.all([reset(token, 'first racing passphrase'), reset(token, 'second racing passphrase')]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
  });
});
