import { ApiRoutes, MeResponse, RegisterResponse, TokenResponse } from '@ddx/contracts';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';

import { startTestApp, TestApp, testEnv } from '../../testing/test-app';
import { SettingsService } from '../settings/settings.service';
import { REGISTER_ANSWER } from './auth.service';
import { PasswordHasher } from './password-hasher';
import { call, HttpResult, uniqueEmail } from './testing/http';

const PASSWORD = 'correct horse battery';

describe('user accounts and sign-in (real api, FerretDB, Redis)', () => {
  let api: TestApp;
  let db: Connection;
  /** Every response body of the suite, to prove no hash ever leaves the api. */
  const seen: string[] = [];

  const http = async <T = Record<string, unknown>>(...args: Parameters<typeof call>): Promise<HttpResult<T>> => {
    const res = await call<T>(...args);
    seen.push(res.text);
    return res;
  };
  /** Registration answers only a message (the same for a taken address); the new id is read from the database. */
  const register = async (email: string, password = PASSWORD) => {
    const res = await http<RegisterResponse>(api.url, 'POST', ApiRoutes.auth.register, { json: { email, password } });
    const row = res.status === 201 ? await users().findOne({ email: email.toLowerCase() }) : null;
    return { ...res, id: row ? String(row['_id']) : '' };
  };
  const login = (username: string, password = PASSWORD) =>
    http<TokenResponse>(api.url, 'POST', ApiRoutes.auth.token, { form: { username, password, grant_type: 'password' } });
  const me = (token: string) => http<MeResponse>(api.url, 'GET', ApiRoutes.auth.me, { token });
  const users = () => db.collection('users');
  const activity = () => db.collection('activity_logs');

  beforeAll(async () => {
    // Per-IP limits are exercised in rate-limits.int.spec.ts; here every request comes from 127.0.0.1.
    api = await startTestApp(testEnv('auth', { AUTH_REGISTER_MAX_PER_IP_PER_HOUR: '1000', AUTH_LOGIN_MAX_FAILURES_PER_IP: '1000' }));
    db = api.app.get<Connection>(getConnectionToken());
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await api?.close();
  });

  it('registers, signs in with the OAuth2 form and with JSON, shows the profile, changes the password', async () => {
    const email = uniqueEmail('Alice').replace('alice', 'Alice');
    const reg = await register(email);
    expect(reg.status).toBe(201);
    expect(reg.body).toEqual({ message: REGISTER_ANSWER });

    const form = await login(email.toUpperCase());
    expect(form.status).toBe(200);
    expect(form.body).toMatchObject({ token_type: 'bearer', expires_in: 720 * 60 });
    expect(form.headers.get('cache-control')).toBe('no-store');
    const json = await http<TokenResponse>(api.url, 'POST', ApiRoutes.auth.token, { json: { email, password: PASSWORD } });
    expect(json.status).toBe(200);

    const profile = await me(json.body.access_token);
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({
      id: reg.id,
      email: email.toLowerCase(),
      role: 'regular',
      status: 'active',
      has_password: true,
      google_linked: false,
      email_verified: false,
      storage: {
        used_bytes: 0,
        quota_bytes: 10 * 1024 ** 3,
        remaining_bytes: 10 * 1024 ** 3,
        file_count: 0,
        breakdown: { documents: { bytes: 0, count: 0 }, images: { bytes: 0, count: 0 }, videos: { bytes: 0, count: 0 }, audio: { bytes: 0, count: 0 }, other: { bytes: 0, count: 0 } },
      },
    });
    expect(profile.body.last_login_at).not.toBeNull();
    expect(profile.body.member_since).toBe(profile.body.created_at);
    expect(Object.keys(profile.body).sort()).toEqual(
      ['created_at', 'email', 'email_verified', 'google_linked', 'has_password', 'id', 'last_login_at', 'member_since', 'name', 'picture', 'role', 'status', 'storage'].sort(),
    );

    const wrongCurrent = await http(api.url, 'POST', ApiRoutes.auth.changePassword, {
      token: form.body.access_token,
      json: { current_password: 'not it at all', new_password: 'a brand new passphrase' },
    });
    expect(wrongCurrent.status).toBe(400);
    expect(wrongCurrent.body['error']).toBe('INVALID_CURRENT_PASSWORD');
    const missingCurrent = await http(api.url, 'POST', ApiRoutes.auth.changePassword, {
      token: form.body.access_token,
      json: { new_password: 'a brand new passphrase' },
    });
    expect(missingCurrent.status).toBe(400);
    expect(missingCurrent.body['error']).toBe('VALIDATION');

    const changed = await http<TokenResponse>(api.url, 'POST', ApiRoutes.auth.changePassword, {
      token: form.body.access_token,
      json: { current_password: PASSWORD, new_password: 'a brand new passphrase' },
    });
    expect(changed.status).toBe(200);
    // Old sessions end; the response carries the caller's new one.
    expect((await me(form.body.access_token)).status).toBe(401);
    expect((await me(json.body.access_token)).status).toBe(401);
    expect((await me(changed.body.access_token)).status).toBe(200);

    const old = await login(email);
    expect(old.status).toBe(401);
    expect(old.body).toMatchObject({ error: 'INVALID_CREDENTIALS' });
    expect((await login(email, 'a brand new passphrase')).status).toBe(200);
  });

  it('answers a wrong password and an unknown account identically', async () => {
    const email = uniqueEmail('bob');
    await register(email);
    const wrong = await login(email, 'wrong password here');
    const unknown = await login(uniqueEmail('nobody'), 'wrong password here');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('cannot be used to create an admin by mass assignment', async () => {
    const email = uniqueEmail('mallory');
    for (const extra of [{ role: 'superadmin' }, { is_admin: true }, { storageQuotaBytes: 1e15 }, { quota: 1e15 }, { status: 'active', tokenVersion: 9 }]) {
      const res = await http(api.url, 'POST', ApiRoutes.auth.register, { json: { email, password: PASSWORD, ...extra } });
      expect(res.status).toBe(400);
      expect(res.body['error']).toBe('VALIDATION');
    }
    expect(await users().countDocuments({ email })).toBe(0);

    // Nor as a form body.
    const asForm = await http(api.url, 'POST', ApiRoutes.auth.register, { form: { email, password: PASSWORD, role: 'superadmin' } });
    expect(asForm.status).toBe(400);
    expect(await users().countDocuments({ email })).toBe(0);

    expect((await register(email)).status).toBe(201);
    const stored = await users().findOne({ email });
    expect(stored).toMatchObject({ role: 'regular', status: 'active', storageQuotaBytes: 10 * 1024 ** 3 });

    // And a regular user's token opens no admin route.
    const token = (await login(email)).body.access_token;
    const admin = await http(api.url, 'GET', ApiRoutes.adminAuth.me, { token });
    expect(admin.status).toBe(401);
  });

  it('enforces the password policy and unique e-mails', async () => {
    const email = uniqueEmail('carol');
    const short = await register(email, 'short');
    expect(short).toMatchObject({ status: 400, body: { error: 'WEAK_PASSWORD' } });
    const same = await register(email, email);
    expect(same).toMatchObject({ status: 400, body: { error: 'WEAK_PASSWORD' } });
    const common = await register(email, 'password123');
    expect(common).toMatchObject({ status: 400, body: { error: 'WEAK_PASSWORD' } });
    expect((await register(email)).status).toBe(201);
    // A taken address gets the very same answer (see verification spec for the e-mails), and nothing changes.
    const before = await users().findOne({ email });
    const again = await register(email.toUpperCase(), 'another long passphrase');
    expect({ status: again.status, body: again.body }).toEqual({ status: 201, body: { message: REGISTER_ANSWER } });
    expect(await users().findOne({ email })).toEqual(before);
    const invalid = await register('not-an-email');
    expect(invalid).toMatchObject({ status: 400, body: { error: 'VALIDATION' } });
  });

  it('refuses registration with 403 REGISTRATION_CLOSED while the setting is off', async () => {
    const settings = api.app.get(SettingsService);
    await settings.update({ registrationOpen: false }, 'test');
    try {
      const res = await register(uniqueEmail('dave'));
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: 'REGISTRATION_CLOSED' });
    } finally {
      await settings.update({ registrationOpen: true }, 'test');
    }
    expect((await register(uniqueEmail('dave'))).status).toBe(201);
  });

  it('logs out: the token stops working everywhere', async () => {
    const email = uniqueEmail('erin');
    await register(email);
    const token = (await login(email)).body.access_token;
    expect((await me(token)).status).toBe(200);
    const out = await http(api.url, 'POST', ApiRoutes.auth.logout, { token });
    expect(out.status).toBe(200);
    const after = await me(token);
    expect(after.status).toBe(401);
    expect(after.body['error']).toBe('TOKEN_INVALID');
    expect(after.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('refuses missing, tampered and admin tokens on user routes', async () => {
    const email = uniqueEmail('frank');
    await register(email);
    const token = (await login(email)).body.access_token;
    expect((await http(api.url, 'GET', ApiRoutes.auth.me)).body['error']).toBe('TOKEN_MISSING');
    const [h, p, s] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, ver: 99 })).toString('base64url')}.${s}`;
    expect((await me(forged)).body['error']).toBe('TOKEN_INVALID');
    expect((await me(`${token.slice(0, -2)}xx`)).status).toBe(401);
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
    expect((await me(none)).status).toBe(401);
  });

  it("stops a suspended user's existing token and refuses their sign-in with the reason code", async () => {
    const email = uniqueEmail('grace');
    await register(email);
    const token = (await login(email)).body.access_token;
    expect((await me(token)).status).toBe(200);

    // What the admin moderation feature writes; no token revocation needed for the check.
    await users().updateOne({ email }, { $set: { status: 'suspended' } });
    const blocked = await me(token);
    expect(blocked.status).toBe(403);
    expect(blocked.body['error']).toBe('ACCOUNT_SUSPENDED');
    const signIn = await login(email);
    expect(signIn.status).toBe(403);
    expect(signIn.body['error']).toBe('ACCOUNT_SUSPENDED');
    // A wrong password still says nothing about the account's state.
    expect((await login(email, 'wrong password here')).body['error']).toBe('INVALID_CREDENTIALS');

    await users().updateOne({ email }, { $set: { status: 'banned' } });
    expect((await login(email)).body['error']).toBe('ACCOUNT_BANNED');
    expect((await me(token)).body['error']).toBe('ACCOUNT_BANNED');
  });

  it('locks an account after five wrong passwords: the sixth gets 429 with Retry-After', async () => {
    const email = uniqueEmail('heidi');
    await register(email);
    for (let i = 1; i <= 5; i++) {
      const res = await login(email, `wrong password ${i}`);
      expect({ attempt: i, status: res.status }).toEqual({ attempt: i, status: 401 });
    }
    const sixth = await login(email, 'wrong password 6');
    expect(sixth.status).toBe(429);
    expect(sixth.body['error']).toBe('RATE_LIMITED');
    const retryAfter = Number(sixth.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Locked means locked: even the right password waits.
    expect((await login(email)).status).toBe(429);
    // Another account from the same IP is unaffected.
    const other = uniqueEmail('ivan');
    await register(other);
    expect((await login(other)).status).toBe(200);
  });

  it('locks only the guessing client out: the owner signs in from elsewhere, the account slows down, capped', async () => {
    const email = uniqueEmail('olga');
    await register(email);
    const from = (ip: string) => ({ 'X-Forwarded-For': ip });
    const attempt = async (ip: string, password: string) => {
      const started = Date.now();
      const res = await http<TokenResponse>(api.url, 'POST', ApiRoutes.auth.token, { form: { username: email, password }, headers: from(ip) });
      return { status: res.status, ms: Date.now() - started, res };
    };
    // One attacker address: five failures, then that pair is locked, even for the right password.
    for (let i = 1; i <= 5; i++) expect((await attempt('198.51.100.60', `wrong guess ${i}`)).status).toBe(401);
    const locked = await attempt('198.51.100.60', PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.res.body['error']).toBe('RATE_LIMITED');
    expect(Number(locked.res.headers.get('retry-after'))).toBeGreaterThan(14 * 60);

    // More addresses: each further failure on the account waits longer, up to the cap (0.5 s, 1 s, 2 s, 4 s, 4 s).
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await attempt(`198.51.100.${61 + i}`, `wrong guess ${i}`);
      expect(res.status).toBe(401);
      waits.push(res.ms);
    }
    [500, 1000, 2000, 4000, 4000].forEach((floor, i) => expect({ i, waited: waits[i] as number >= floor }).toEqual({ i, waited: true }));
    expect(waits[4]).toBeLessThan(4000 + 2500);

    // The owner, from a clean address, is never refused: the right password gets 200 (after the capped wait).
    const owner = await attempt('203.0.113.60', PASSWORD);
    expect(owner.status).toBe(200);
    expect(owner.ms).toBeLessThan(4000 + 2500);
    // A successful sign-in ends the account's delay; the attacker's pair stays locked.
    expect((await attempt('203.0.113.61', 'wrong guess again')).ms).toBeLessThan(500);
    expect((await attempt('198.51.100.60', PASSWORD)).status).toBe(429);
  }, 60_000);

  it('raises an older, weaker password hash to the current parameters at sign-in', async () => {
    const email = uniqueEmail('lena');
    await register(email);
    const weak = await new PasswordHasher({ logN: 10, r: 8, p: 1 }).hash(PASSWORD);
    await users().updateOne({ email }, { $set: { passwordHash: weak } });
    const first = await login(email);
    expect(first.status).toBe(200);
    const stored = (await users().findOne({ email }))?.['passwordHash'] as string;
    expect(stored).not.toBe(weak);
    expect(stored).toMatch(/^scrypt\$12\$8\$1\$/);
    // The upgrade does not sign anyone out, and the same password still works.
    expect((await me(first.body.access_token)).status).toBe(200);
    expect((await login(email)).status).toBe(200);
  });

  it('limits concurrent guessing too (the counter is atomic)', async () => {
    const email = uniqueEmail('judy');
    await register(email);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => login(email, `wrong password ${i}`)));
    expect(results.filter((r) => r.status === 401)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(7);
  });

  it('counts storage from completed files only, by type', async () => {
    const email = uniqueEmail('kim');
    const reg = await register(email);
    const token = (await login(email)).body.access_token;
    const owner = new Types.ObjectId(reg.id);
    await db.collection('files').insertMany([
      { ownerId: owner, status: 'completed', sizeBytes: 1000, contentType: 'application/pdf', filename: 'a.pdf' },
      { ownerId: owner, status: 'completed', sizeBytes: 2000, contentType: 'image/png', filename: 'b.png' },
      { ownerId: owner, status: 'completed', sizeBytes: 3000, contentType: 'video/mp4', filename: 'c.mp4' },
      { ownerId: owner, status: 'completed', sizeBytes: 400, contentType: 'audio/mpeg', filename: 'd.mp3' },
      { ownerId: owner, status: 'completed', sizeBytes: 50, contentType: 'application/zip', filename: 'e.zip' },
      { ownerId: owner, status: 'completed', sizeBytes: 600, contentType: 'application/octet-stream', filename: 'f.JPG' },
      { ownerId: reg.id, status: 'completed', sizeBytes: 7, filename: 'notes.txt' },
      { ownerId: owner, status: 'failed', sizeBytes: 1e9, contentType: 'video/mp4', filename: 'x.mp4' },
      { ownerId: owner, status: 'uploading', sizeBytes: 1e9, contentType: 'video/mp4', filename: 'y.mp4' },
      { ownerId: owner, status: 'deleted', sizeBytes: 1e9, contentType: 'image/png', filename: 'z.png' },
      { ownerId: new Types.ObjectId(), status: 'completed', sizeBytes: 1e9, contentType: 'image/png', filename: 'other.png' },
      { ownerId: null, status: 'completed', sizeBytes: 1e9, contentType: 'image/png', filename: 'anon.png' },
    ]);
    const res = await me(token);
    expect(res.status).toBe(200);
    expect(res.body.storage).toEqual({
      used_bytes: 7057,
      quota_bytes: 10 * 1024 ** 3,
      remaining_bytes: 10 * 1024 ** 3 - 7057,
      file_count: 7,
      breakdown: {
        documents: { bytes: 1007, count: 2 },
        images: { bytes: 2600, count: 2 },
        videos: { bytes: 3000, count: 1 },
        audio: { bytes: 400, count: 1 },
        other: { bytes: 50, count: 1 },
      },
    });
  });

  it('writes the activity log: registrations, sign-ins (ok and failed), password changes, logouts, with the client IP', async () => {
    const email = uniqueEmail('leo');
    const reg = await register(email);
    await login(email, 'wrong password here');
    const token = (await login(email)).body.access_token;
    const changed = await http<TokenResponse>(api.url, 'POST', ApiRoutes.auth.changePassword, {
      token,
      json: { current_password: PASSWORD, new_password: 'another good passphrase' },
    });
    await http(api.url, 'POST', ApiRoutes.auth.logout, { token: changed.body.access_token });
    await login(uniqueEmail('ghost'), 'whatever it is');

    const rows = await activity().find({ actorEmail: email }).sort({ at: 1 }).toArray();
    expect(rows.map((r) => r['action'])).toEqual(['user.register', 'user.login_failed', 'user.login', 'user.password_change', 'user.logout']);
    for (const row of rows) {
      expect(row).toMatchObject({ actorType: 'user', actorId: reg.id, ip: '127.0.0.1' });
      expect(row['at']).toBeInstanceOf(Date);
    }
    expect(rows[1]?.['details']).toEqual({ reason: 'wrong_password' });
    expect(await activity().countDocuments({ action: 'user.login_failed', actorId: null, 'details.reason': 'unknown_account' })).toBeGreaterThan(0);
  });

  it('takes the client IP from X-Forwarded-For only through a trusted proxy', async () => {
    const email = uniqueEmail('mia');
    await register(email);
    // 127.0.0.1 is in TRUSTED_PROXIES by default, so the forwarded address is believed.
    await http(api.url, 'POST', ApiRoutes.auth.token, { form: { username: email, password: PASSWORD }, headers: { 'X-Forwarded-For': '203.0.113.7' } });
    const row = await activity().findOne({ actorEmail: email, action: 'user.login' });
    expect(row?.['ip']).toBe('203.0.113.7');
  });

  it('never returns a password hash (in this test or any earlier one)', async () => {
    const email = uniqueEmail('nora');
    await register(email);
    const token = (await login(email)).body.access_token;
    await me(token);
    await http(api.url, 'POST', ApiRoutes.auth.changePassword, { token, json: { current_password: PASSWORD, new_password: 'a brand new passphrase' } });
    await register(email);
    await login(email, 'wrong password here');

    const hashes = (await users().find({}, { projection: { passwordHash: 1 } }).toArray()).map((u) => u['passwordHash'] as string | null).filter(Boolean);
    expect(hashes.length).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(5);
    for (const text of seen) {
      expect(text).not.toMatch(/scrypt\$/);
      expect(text).not.toMatch(/password_?hash|hashed_password/i);
      for (const hash of hashes) expect(text).not.toContain((hash as string).split('$').pop());
    }
  });

  it('documents every auth route in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${api.url}/api/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> };
    for (const path of [...Object.values(ApiRoutes.auth), ...Object.values(ApiRoutes.adminAuth)]) expect(doc.paths).toHaveProperty([path]);
    expect(Object.keys(doc.paths[ApiRoutes.auth.token]?.['post']?.requestBody?.content ?? {})).toContain('application/x-www-form-urlencoded');
  });
});
