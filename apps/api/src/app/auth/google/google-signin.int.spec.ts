import { ApiRoutes, GoogleSignInResponse, MeResponse } from '@ddx/contracts';
import { DriveEmulatorService, startDriveEmulator } from '@ddx/local-services';
import { testServices } from '@ddx/local-services/testing';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

import { startTestApp, TestApp, testEnv } from '../../../testing/test-app';
import { call, uniqueEmail } from '../testing/http';

const CLIENT = { client_id: 'ddx-signin-test.apps.googleusercontent.com', client_secret: 'GOCSPX-test-secret' };
const REDIRECT_URI = 'http://127.0.0.1:4200/auth/google/callback';

describe('Sign in with Google (through the Drive emulator)', () => {
  let emulator: DriveEmulatorService;
  let api: TestApp;
  let db: Connection;

  const control = async (path: string, body: unknown) => {
    const res = await fetch(`${emulator.url}/__emulator/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`emulator ${path}: ${res.status} ${await res.text()}`);
  };
  const googleUser = async (label: string, verified = true) => {
    const email = uniqueEmail(label);
    await control('users', { email, email_verified: verified, name: `${label} Tester`, picture: `https://pics.example.org/${label}.png` });
    return email;
  };

  /** What the browser does: open auth_url as `email`, follow Google's redirect back to the SPA. */
  const consent = async (email: string): Promise<{ code: string; state: string; authUrl: URL; cookie: string }> => {
    const start = await call<{ auth_url: string }>(api.url, 'GET', ApiRoutes.auth.googleAuth);
    expect(start.status).toBe(200);
    // The browser keeps the cookie (name=value) and sends it back with the callback.
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const authUrl = new URL(start.body.auth_url);
    authUrl.searchParams.set('login_hint', email);
    const res = await fetch(authUrl, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location') as string);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
    return { code: back.searchParams.get('code') as string, state: back.searchParams.get('state') as string, authUrl, cookie };
  };
  /** The callback as the SPA posts it; `cookie` is what that browser holds ('' for none). */
  const callback = (code: string, state: string, cookie: string) =>
    call<GoogleSignInResponse>(api.url, 'POST', ApiRoutes.auth.googleCallback, { json: { code, state }, headers: cookie ? { Cookie: cookie } : {} });

  beforeAll(async () => {
    emulator = await startDriveEmulator({ dataDir: join(testServices().dataDir, `gdrive-signin-${process.pid}`) });
    await control('oauth-clients', { ...CLIENT, redirect_uris: [REDIRECT_URI] });
    api = await startTestApp(
      testEnv('google', {
        GOOGLE_OAUTH_CLIENT_ID: CLIENT.client_id,
        GOOGLE_OAUTH_CLIENT_SECRET: CLIENT.client_secret,
        GOOGLE_OAUTH_REDIRECT_URI: REDIRECT_URI,
        GOOGLE_OAUTH_AUTH_URL: `${emulator.url}/o/oauth2/v2/auth`,
        GOOGLE_OAUTH_TOKEN_URL: `${emulator.url}/token`,
        GOOGLE_OAUTH_USERINFO_URL: `${emulator.url}/oauth2/v3/userinfo`,
        AUTH_REGISTER_MAX_PER_IP_PER_HOUR: '1000',
      }),
    );
    db = api.app.get<Connection>(getConnectionToken());
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await api?.close();
    await emulator?.stop();
  });

  it('builds a Google URL with client, redirect, scopes, a random state and a PKCE challenge', async () => {
    const a = new URL((await call<{ auth_url: string }>(api.url, 'GET', ApiRoutes.auth.googleAuth)).body.auth_url);
    const b = new URL((await call<{ auth_url: string }>(api.url, 'GET', ApiRoutes.auth.googleAuth)).body.auth_url);
    expect(`${a.origin}${a.pathname}`).toBe(`${emulator.url}/o/oauth2/v2/auth`);
    expect(Object.fromEntries(a.searchParams)).toMatchObject({
      client_id: CLIENT.client_id,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    expect(a.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.searchParams.get('state')).not.toBe(b.searchParams.get('state'));
    expect(a.toString()).not.toContain(CLIENT.client_secret);
  });

  it('creates a regular account without a password on the first sign-in, and signs it in again later', async () => {
    const email = await googleUser('gina');
    const { code, state, cookie } = await consent(email);
    const res = await callback(code, state, cookie);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'bearer', user: { email, name: 'gina Tester', picture: 'https://pics.example.org/gina.png' } });

    const me = await call<MeResponse>(api.url, 'GET', ApiRoutes.auth.me, { token: res.body.access_token });
    expect(me.body).toMatchObject({ email, role: 'regular', has_password: false, google_linked: true });
    const stored = await db.collection('users').findOne({ email });
    expect(stored).toMatchObject({ role: 'regular', passwordHash: null });

    const again = await consent(email);
    const second = await callback(again.code, again.state, again.cookie);
    expect(second.status).toBe(200);
    expect(await db.collection('users').countDocuments({ email })).toBe(1);

    // No password yet: password sign-in and change-password do not open a back door.
    expect((await call(api.url, 'POST', ApiRoutes.auth.token, { form: { username: email, password: '' } })).status).toBe(400);
    expect((await call(api.url, 'POST', ApiRoutes.auth.token, { form: { username: email, password: 'anything at all' } })).body['error']).toBe(
      'INVALID_CREDENTIALS',
    );
    const change = await call(api.url, 'POST', ApiRoutes.auth.changePassword, {
      token: second.body.access_token,
      json: { current_password: 'anything at all', new_password: 'a brand new passphrase' },
    });
    expect(change.status).toBe(400);
    expect(change.body['error']).toBe('PASSWORD_NOT_SET');

    const rows = await db.collection('activity_logs').find({ actorEmail: email }).toArray();
    expect(rows.map((r) => r['action'])).toEqual(['user.register', 'user.google_login', 'user.google_login', 'user.login_failed']);
    expect(rows[1]).toMatchObject({ details: { created: true, linked: false } });
    expect(rows[3]).toMatchObject({ details: { reason: 'no_password' } });
  });

  it('refuses a state it did not issue, and a used one', async () => {
    const email = await googleUser('hank');
    const { code, state, cookie } = await consent(email);
    const forged = await callback(code, createHash('sha256').update(state).digest('base64url'), cookie);
    expect(forged.status).toBe(400);
    expect(forged.body['error']).toBe('OAUTH_STATE_INVALID');

    expect((await callback(code, state, cookie)).status).toBe(200);
    const replay = await callback(code, state, cookie);
    expect(replay.status).toBe(400);
    expect(replay.body['error']).toBe('OAUTH_STATE_INVALID');
  });

  it('binds the state to the browser that started: an HttpOnly, SameSite=Lax cookie on the Google routes only', async () => {
    const start = await call<{ auth_url: string }>(api.url, 'GET', ApiRoutes.auth.googleAuth);
    const setCookie = start.headers.get('set-cookie') ?? '';
    const state = new URL(start.body.auth_url).searchParams.get('state') as string;
    expect(setCookie).toMatch(/^ddx_gsi_[0-9a-f]{16}=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/; Path=\/api\/v1\/auth\/google(;|$)/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Lax/);
    expect(setCookie).toMatch(/; Max-Age=600/);
    // Neither the state nor its verifier is in the cookie.
    expect(setCookie).not.toContain(state);
  });

  it("refuses a sign-in started in one browser and completed in another (login CSRF), and spends that state", async () => {
    const email = await googleUser('mallory');
    // The attacker starts and consents in their own browser, then plants code+state in the victim's.
    const attacker = await consent(email);
    const victim = await consent(email);
    const noCookie = await callback(attacker.code, attacker.state, '');
    expect(noCookie.status).toBe(400);
    expect(noCookie.body['error']).toBe('OAUTH_BROWSER_MISMATCH');
    expect(noCookie.body['access_token']).toBeUndefined();
    expect(await db.collection('users').countDocuments({ email })).toBe(0);

    const planted = await consent(email);
    const otherCookie = await callback(planted.code, planted.state, `${planted.cookie.split('=')[0]}=${victim.cookie.split('=')[1]}`);
    expect(otherCookie.status).toBe(400);
    expect(otherCookie.body['error']).toBe('OAUTH_BROWSER_MISMATCH');
    // The refused state is used up: even its own browser has to start again.
    expect((await callback(planted.code, planted.state, planted.cookie)).body['error']).toBe('OAUTH_STATE_INVALID');
    expect(await db.collection('activity_logs').findOne({ action: 'user.google_login_failed', 'details.reason': 'state_other_browser' })).not.toBeNull();

    // The browser that started it completes it.
    const ok = await callback(victim.code, victim.state, victim.cookie);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toMatch(/^ddx_gsi_[0-9a-f]{16}=;.*Expires=Thu, 01 Jan 1970/);
  });

  it('refuses a code paired with the state of another attempt (PKCE binds them)', async () => {
    const email = await googleUser('ivy');
    const first = await consent(email);
    const other = await consent(email);
    const swapped = await callback(first.code, other.state, other.cookie);
    expect(swapped.status).toBe(400);
    expect(swapped.body['error']).toBe('GOOGLE_SIGNIN_FAILED');
    expect(swapped.text).not.toMatch(/invalid_grant|emulator|127\.0\.0\.1/);
    expect(await db.collection('users').countDocuments({ email })).toBe(0);
  });

  it('refuses a Google account whose e-mail is not verified and creates nothing', async () => {
    const email = await googleUser('jack', false);
    const { code, state, cookie } = await consent(email);
    const res = await callback(code, state, cookie);
    expect(res.status).toBe(403);
    expect(res.body['error']).toBe('GOOGLE_EMAIL_UNVERIFIED');
    expect(await db.collection('users').countDocuments({ email })).toBe(0);
    expect(await db.collection('activity_logs').findOne({ action: 'user.google_login_failed', actorEmail: email })).toMatchObject({
      details: { reason: 'email_unverified' },
    });
  });

  it('links a verified Google identity to an existing password account whose address was confirmed', async () => {
    const email = await googleUser('kate');
    expect((await call(api.url, 'POST', ApiRoutes.auth.register, { json: { email, password: 'correct horse battery' } })).status).toBe(201);
    const id = String((await db.collection('users').findOne({ email }))?.['_id']);
    // As the e-mailed link does (email-verification.int.spec.ts).
    await db.collection('users').updateOne({ email }, { $set: { emailVerified: true } });
    const { code, state, cookie } = await consent(email);
    const res = await callback(code, state, cookie);
    expect(res.status).toBe(200);
    const me = await call<MeResponse>(api.url, 'GET', ApiRoutes.auth.me, { token: res.body.access_token });
    expect(me.body).toMatchObject({ id, has_password: true, google_linked: true, email_verified: true });
    expect((await call(api.url, 'POST', ApiRoutes.auth.token, { form: { username: email, password: 'correct horse battery' } })).status).toBe(200);
  });

  it("takes over an account pre-registered in the owner's name: the squatter's password and sessions stop working", async () => {
    const email = await googleUser('victor');
    const squatter = { email, password: 'squatter passphrase 1' };
    expect((await call(api.url, 'POST', ApiRoutes.auth.register, { json: squatter })).status).toBe(201);
    const squatterToken = (await call<{ access_token: string }>(api.url, 'POST', ApiRoutes.auth.token, { form: { username: email, password: squatter.password } })).body
      .access_token;
    expect((await call(api.url, 'GET', ApiRoutes.auth.me, { token: squatterToken })).status).toBe(200);
    // A reset link the squatter asked for must die with the password.
    expect((await call(api.url, 'POST', ApiRoutes.auth.forgotPassword, { json: { email } })).status).toBe(200);
    const id = String((await db.collection('users').findOne({ email }))?.['_id']);
    await waitFor(async () => (await db.collection('password_reset_tokens').countDocuments({ userId: id, usedAt: null })) === 1);

    const { code, state, cookie } = await consent(email);
    const owner = await callback(code, state, cookie);
    expect(owner.status).toBe(200);
    const me = await call<MeResponse>(api.url, 'GET', ApiRoutes.auth.me, { token: owner.body.access_token });
    expect(me.body).toMatchObject({ id, has_password: false, google_linked: true, email_verified: true });

    expect((await call(api.url, 'GET', ApiRoutes.auth.me, { token: squatterToken })).status).toBe(401);
    const again = await call(api.url, 'POST', ApiRoutes.auth.token, { form: { username: email, password: squatter.password } });
    expect(again.body['error']).toBe('INVALID_CREDENTIALS');
    expect(await db.collection('password_reset_tokens').countDocuments({ userId: id, usedAt: null })).toBe(0);
  });

  it('refuses suspended accounts', async () => {
    const email = await googleUser('liam');
    const first = await consent(email);
    expect((await callback(first.code, first.state, first.cookie)).status).toBe(200);
    await db.collection('users').updateOne({ email }, { $set: { status: 'suspended' } });
    const { code, state, cookie } = await consent(email);
    const res = await callback(code, state, cookie);
    expect(res.status).toBe(403);
    expect(res.body['error']).toBe('ACCOUNT_SUSPENDED');
  });

  it('is off with a clear code when no Google client is configured', async () => {
    const plain = await startTestApp(testEnv('nogoogle'));
    try {
      const res = await call(plain.url, 'GET', ApiRoutes.auth.googleAuth);
      expect(res.status).toBe(404);
      expect(res.body['error']).toBe('GOOGLE_SIGNIN_DISABLED');
      const cb = await call(plain.url, 'POST', ApiRoutes.auth.googleCallback, { json: { code: 'x', state: 'y'.repeat(43) } });
      expect(cb.body['error']).toBe('GOOGLE_SIGNIN_DISABLED');
    } finally {
      await plain.close();
    }
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
