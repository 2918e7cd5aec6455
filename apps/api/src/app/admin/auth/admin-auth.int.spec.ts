import { AdminProfile, AdminTokenResponse, ApiRoutes, getPermissions, TokenResponse } from '@ddx/contracts';
import { getConnectionToken } from '@nestjs/mongoose';
import { sign } from 'jsonwebtoken';
import { Connection } from 'mongoose';

import { startTestApp, TestApp, testEnv } from '../../../testing/test-app';
import { PasswordHasher } from '../../auth/password-hasher';
import { call, uniqueEmail } from '../../auth/testing/http';

const ROOT_EMAIL = 'root@example.org';
const ROOT_PASSWORD = 'Root-pass-for-tests-9';
const PASSWORD = 'correct horse battery';

describe('admin sign-in and roles (real api, FerretDB, Redis)', () => {
  let api: TestApp;
  let db: Connection;
  let rootToken: string;

  const adminLogin = (email: string, password: string) =>
    call<AdminTokenResponse>(api.url, 'POST', ApiRoutes.adminAuth.token, { json: { email, password } });
  const userLogin = (username: string, password: string) =>
    call<TokenResponse>(api.url, 'POST', ApiRoutes.auth.token, { form: { username, password } });
  const adminMe = (token: string) => call<AdminProfile>(api.url, 'GET', ApiRoutes.adminAuth.me, { token });
  const createAdmin = (token: string, body: Record<string, unknown>) =>
    call<AdminProfile>(api.url, 'POST', ApiRoutes.adminAuth.createAdmin, { token, json: body });
  const users = () => db.collection('users');
  const activity = () => db.collection('activity_logs');

  beforeAll(async () => {
    api = await startTestApp(
      testEnv('adminauth', { SUPERADMIN_EMAIL: ROOT_EMAIL, SUPERADMIN_PASSWORD: ROOT_PASSWORD, AUTH_REGISTER_MAX_PER_IP_PER_HOUR: '1000' }),
    );
    db = api.app.get<Connection>(getConnectionToken());
    const login = await adminLogin(ROOT_EMAIL, ROOT_PASSWORD);
    expect(login.status).toBe(200);
    rootToken = login.body.access_token;
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await api?.close();
  });

  it('creates the first superadmin from SUPERADMIN_EMAIL / SUPERADMIN_PASSWORD at start, once', async () => {
    const roots = await users().find({ role: 'superadmin' }).toArray();
    expect(roots).toHaveLength(1);
    expect(roots[0]).toMatchObject({ email: ROOT_EMAIL, status: 'active' });
    expect(roots[0]?.['passwordHash']).toMatch(/^scrypt\$/);
    expect(await activity().countDocuments({ action: 'system.superadmin_created', actorType: 'system' })).toBe(1);

    // A second replica on the same database (with another password in its env) changes nothing.
    const replica = await startTestApp({ ...stringEnv(api.env), SUPERADMIN_PASSWORD: 'Another-one-entirely-7' });
    await replica.close();
    expect(await users().countDocuments({ role: 'superadmin' })).toBe(1);
    expect((await adminLogin(ROOT_EMAIL, ROOT_PASSWORD)).status).toBe(200);
  });

  it('signs in a superadmin with the permissions of the role', async () => {
    const login = await adminLogin(ROOT_EMAIL.toUpperCase(), ROOT_PASSWORD);
    expect(login.body).toMatchObject({ token_type: 'bearer', admin_role: 'superadmin', expires_in: 3600 });
    expect(login.body.permissions).toEqual(getPermissions('superadmin'));
    const me = await adminMe(login.body.access_token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: ROOT_EMAIL, role: 'superadmin' });
    const verify = await call(api.url, 'GET', ApiRoutes.adminAuth.verifyAdmin, { token: login.body.access_token });
    expect(verify.body).toMatchObject({ valid: true, admin_email: ROOT_EMAIL, admin_role: 'superadmin' });
  });

  it('lets a superadmin create admins and superadmins; an admin can create neither', async () => {
    const adminEmail = uniqueEmail('admin');
    const created = await createAdmin(rootToken, { email: adminEmail, password: PASSWORD, role: 'admin' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: adminEmail, role: 'admin', permissions: getPermissions('admin') });
    expect(created.text).not.toMatch(/scrypt|hash/i);

    const admin = await adminLogin(adminEmail, PASSWORD);
    expect(admin.body.admin_role).toBe('admin');
    expect(admin.body.permissions).not.toContain('admins.create');
    expect((await adminMe(admin.body.access_token)).status).toBe(200);

    for (const role of ['superadmin', 'admin']) {
      const email = uniqueEmail(`by-admin-${role}`);
      const denied = await createAdmin(admin.body.access_token, { email, password: PASSWORD, role });
      expect(denied.status).toBe(403);
      expect(denied.body['error']).toBe('PERMISSION_DENIED');
      expect(await users().countDocuments({ email })).toBe(0);
    }
    expect(await activity().countDocuments({ action: 'admin.permission_denied', actorEmail: adminEmail })).toBe(2);

    const superEmail = uniqueEmail('super');
    const sup = await createAdmin(rootToken, { email: superEmail, password: PASSWORD, role: 'superadmin' });
    expect(sup.status).toBe(201);
    expect((await adminLogin(superEmail, PASSWORD)).body.admin_role).toBe('superadmin');
    expect(await activity().countDocuments({ action: 'admin.create_admin', actorEmail: ROOT_EMAIL })).toBe(2);
  });

  it('never promotes an existing account through create-admin, and rejects role "regular" or extra fields', async () => {
    const email = uniqueEmail('regular');
    expect((await call(api.url, 'POST', ApiRoutes.auth.register, { json: { email, password: PASSWORD } })).status).toBe(201);
    const dup = await createAdmin(rootToken, { email, password: PASSWORD, role: 'admin' });
    expect(dup.status).toBe(409);
    expect(await users().findOne({ email })).toMatchObject({ role: 'regular' });
    expect((await createAdmin(rootToken, { email: uniqueEmail('x'), password: PASSWORD, role: 'regular' })).status).toBe(400);
    expect((await createAdmin(rootToken, { email: uniqueEmail('x'), password: PASSWORD, role: 'admin', is_admin: true })).status).toBe(400);
    expect((await createAdmin(rootToken, { email: uniqueEmail('x'), password: 'short', role: 'admin' })).body['error']).toBe('WEAK_PASSWORD');
  });

  it('refuses admin sign-in to regular accounts without saying why', async () => {
    const email = uniqueEmail('plain');
    await call(api.url, 'POST', ApiRoutes.auth.register, { json: { email, password: PASSWORD } });
    const res = await adminLogin(email, PASSWORD);
    expect(res.status).toBe(401);
    expect(res.body).toEqual((await adminLogin(email, 'wrong password here')).body);
    expect(await activity().findOne({ action: 'admin.login_failed', actorEmail: email, 'details.reason': 'not_admin' })).not.toBeNull();
  });

  describe('admin routes refuse', () => {
    let adminEmail: string;
    let adminToken: string;

    beforeAll(async () => {
      adminEmail = uniqueEmail('guarded');
      await createAdmin(rootToken, { email: adminEmail, password: PASSWORD, role: 'admin' });
      adminToken = (await adminLogin(adminEmail, PASSWORD)).body.access_token;
    });

    const expectRefused = async (token: string, code: string) => {
      for (const path of [ApiRoutes.adminAuth.me, ApiRoutes.adminAuth.verifyAdmin]) {
        const res = await call(api.url, 'GET', path, { token });
        expect({ path, status: res.status, error: res.body['error'] }).toEqual({ path, status: 401, error: code });
      }
    };

    it('a missing token', async () => {
      const res = await call(api.url, 'GET', ApiRoutes.adminAuth.me);
      expect(res.status).toBe(401);
      expect(res.body['error']).toBe('TOKEN_MISSING');
    });

    it('a tampered token', async () => {
      const [h, p, s] = adminToken.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
      const elevated = Buffer.from(JSON.stringify({ ...claims, role: 'superadmin' })).toString('base64url');
      await expectRefused(`${h}.${elevated}.${s}`, 'TOKEN_INVALID');
      const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      await expectRefused(`${none}.${p}.`, 'TOKEN_INVALID');
    });

    it('an expired token', async () => {
      const claims = JSON.parse(Buffer.from(adminToken.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;
      const now = Math.floor(Date.now() / 1000);
      const expired = sign({ ...claims, iat: now - 7200, exp: now - 60 }, api.env.ADMIN_JWT_SECRET, { algorithm: 'HS256' });
      await expectRefused(expired, 'TOKEN_EXPIRED');
    });

    it('a user token, even of an admin account, and an admin token on user routes', async () => {
      const userToken = (await userLogin(adminEmail, PASSWORD)).body.access_token;
      expect((await call(api.url, 'GET', ApiRoutes.auth.me, { token: userToken })).status).toBe(200);
      await expectRefused(userToken, 'TOKEN_INVALID');
      const denied = await createAdmin(userToken, { email: uniqueEmail('y'), password: PASSWORD, role: 'superadmin' });
      expect(denied.status).toBe(401);
      // Same claims, signed with the admin secret but for the user audience: still refused.
      const claims = JSON.parse(Buffer.from(userToken.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;
      await expectRefused(sign(claims, api.env.ADMIN_JWT_SECRET, { algorithm: 'HS256' }), 'TOKEN_INVALID');

      const fresh = (await adminLogin(adminEmail, PASSWORD)).body.access_token;
      const onUserRoute = await call(api.url, 'GET', ApiRoutes.auth.me, { token: fresh });
      expect(onUserRoute.status).toBe(401);
      adminToken = fresh;
    });

    it('a logged-out token', async () => {
      const token = (await adminLogin(adminEmail, PASSWORD)).body.access_token;
      expect((await adminMe(token)).status).toBe(200);
      expect((await call(api.url, 'POST', ApiRoutes.adminAuth.logout, { token })).status).toBe(200);
      await expectRefused(token, 'TOKEN_INVALID');
      expect(await activity().countDocuments({ action: 'admin.logout', actorEmail: adminEmail })).toBe(1);
    });

    it('the token of an admin who has since been demoted or suspended', async () => {
      const token = (await adminLogin(adminEmail, PASSWORD)).body.access_token;
      await users().updateOne({ email: adminEmail }, { $set: { role: 'regular' } });
      const demoted = await adminMe(token);
      expect(demoted.status).toBe(403);
      expect(demoted.body['error']).toBe('PERMISSION_DENIED');
      await users().updateOne({ email: adminEmail }, { $set: { role: 'admin', status: 'suspended' } });
      expect((await adminMe(token)).body['error']).toBe('ACCOUNT_SUSPENDED');
      expect((await adminLogin(adminEmail, PASSWORD)).body['error']).toBe('ACCOUNT_SUSPENDED');
      await users().updateOne({ email: adminEmail }, { $set: { status: 'active' } });
    });
  });

  it('writes admin sign-ins, failures and creations to the activity log with actor and IP', async () => {
    await adminLogin(ROOT_EMAIL, 'definitely wrong');
    const rows = await activity().find({ actorEmail: ROOT_EMAIL }).toArray();
    const actions = new Set(rows.map((r) => r['action']));
    expect(actions).toEqual(new Set(['admin.login', 'admin.login_failed', 'admin.create_admin']));
    for (const row of rows) expect(row).toMatchObject({ actorType: 'admin', ip: '127.0.0.1' });
  });

  // Last: these add sign-ins from other addresses and admin creations that the tests above count.
  it('cannot be locked out by guesses from elsewhere: the attacker gets 429, the superadmin signs in (after a short wait)', async () => {
    const from = (ip: string) => ({ 'X-Forwarded-For': ip });
    const attempt = async (ip: string, password: string) => {
      const started = Date.now();
      const res = await call<AdminTokenResponse>(api.url, 'POST', ApiRoutes.adminAuth.token, { json: { email: ROOT_EMAIL, password }, headers: from(ip) });
      return { res, ms: Date.now() - started };
    };
    for (let i = 1; i <= 5; i++) expect((await attempt('198.51.100.80', `wrong guess ${i}`)).res.status).toBe(401);
    const locked = await attempt('198.51.100.80', ROOT_PASSWORD);
    expect(locked.res.status).toBe(429);
    expect(Number(locked.res.headers.get('retry-after'))).toBeGreaterThan(0);

    const owner = await attempt('203.0.113.80', ROOT_PASSWORD);
    expect(owner.res.status).toBe(200);
    expect(owner.res.body.admin_role).toBe('superadmin');
    // Five failures on the account: the next attempt from anywhere waits the first step of the delay.
    expect(owner.ms).toBeGreaterThanOrEqual(500);
  });

  it('raises an older, weaker password hash to the current parameters at sign-in', async () => {
    const email = uniqueEmail('legacy-admin');
    expect((await createAdmin(rootToken, { email, password: PASSWORD, role: 'admin' })).status).toBe(201);
    const weak = await new PasswordHasher({ logN: 10, r: 8, p: 1 }).hash(PASSWORD);
    await users().updateOne({ email }, { $set: { passwordHash: weak } });
    expect((await adminLogin(email, PASSWORD)).status).toBe(200);
    const stored = (await users().findOne({ email }))?.['passwordHash'] as string;
    expect(stored).not.toBe(weak);
    expect(stored).toMatch(/^scrypt\$12\$8\$1\$/);
    expect((await adminLogin(email, PASSWORD)).status).toBe(200);
  });
});

/** Env as strings again (startTestApp parses it). */
function stringEnv(env: object): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
  );
}
