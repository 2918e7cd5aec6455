import { ErrorCode, Permission, Role } from '@ddx/contracts';
import { AppConfig } from '@ddx/server-config';
import { JwtService } from '@nestjs/jwt';

import { strictMock } from '../../testing/strict-mock';
import { UserRecord } from '../users/user.record';
import { UserRepository } from '../users/user.repository';
import { AccessTokenService, ADMIN_AUDIENCE, TOKEN_ISSUER, USER_AUDIENCE } from './access-token.service';
import { assertActive, PrincipalService } from './principal.service';

const CONFIG = {
  JWT_SECRET: 'user-secret-0123456789abcdef0123456789',
  ADMIN_JWT_SECRET: 'admin-secret-0123456789abcdef012345678',
  ACCESS_TOKEN_TTL_MINUTES: 30,
  ADMIN_TOKEN_TTL_MINUTES: 10,
} as unknown as AppConfig;

const T0 = Date.parse('2026-06-01T12:00:00Z');

/** jsonwebtoken reads the clock through Date.now (whole seconds). */
function at(ms: number): void {
  jest.spyOn(Date, 'now').mockReturnValue(ms);
}

afterEach(() => jest.restoreAllMocks());

describe('access tokens on both sides of their expiry', () => {
  const tokens = new AccessTokenService(CONFIG);

  it.each([
    ['user', () => tokens.issueUserToken({ id: 'u1', tokenVersion: 3 }), (t: string) => tokens.verifyUserToken(t), 30],
    ['admin', () => tokens.issueAdminToken({ id: 'a1', tokenVersion: 4, role: Role.admin }), (t: string) => tokens.verifyAdminToken(t), 10],
  ] as const)('a %s token is accepted one second before its lifetime ends and refused from that second on', async (_kind, issue, verify, minutes) => {
    at(T0);
    const { token, expiresIn } = await issue();
    expect(expiresIn).toBe(minutes * 60);

    at(T0 + minutes * 60_000 - 1000);
    await expect(verify(token)).resolves.toMatchObject({ exp: T0 / 1000 + minutes * 60 });

    at(T0 + minutes * 60_000);
    await expect(verify(token)).rejects.toMatchObject({ status: 401, code: ErrorCode.TOKEN_EXPIRED, message: 'Your session has expired. Please sign in again.' });
    at(T0 + minutes * 60_000 + 3_600_000);
    await expect(verify(token)).rejects.toMatchObject({ code: ErrorCode.TOKEN_EXPIRED });
  });

  it('refuses a user token where an admin token is required, and an admin token where a user token is', async () => {
    at(T0);
    const user = await tokens.issueUserToken({ id: 'u1', tokenVersion: 0 });
    const admin = await tokens.issueAdminToken({ id: 'a1', tokenVersion: 0, role: Role.superadmin });
    await expect(tokens.verifyAdminToken(user.token)).rejects.toMatchObject({ status: 401, code: ErrorCode.TOKEN_INVALID });
    await expect(tokens.verifyUserToken(admin.token)).rejects.toMatchObject({ status: 401, code: ErrorCode.TOKEN_INVALID });
    await expect(tokens.verifyUserToken(user.token)).resolves.toMatchObject({ sub: 'u1', ver: 0 });
    await expect(tokens.verifyAdminToken(admin.token)).resolves.toMatchObject({ sub: 'a1', ver: 0, role: Role.superadmin });
  });

  it('refuses a token signed with the right secret for the other audience, another issuer, another algorithm or without claims', async () => {
    at(T0);
    const userJwt = new JwtService({ secret: CONFIG.JWT_SECRET });
    const sign = (payload: object, options: object) => userJwt.signAsync(payload, { expiresIn: 60, ...options });
    const cases = [
      await sign({ ver: 0 }, { algorithm: 'HS256', audience: ADMIN_AUDIENCE, issuer: TOKEN_ISSUER, subject: 'u1' }),
      await sign({ ver: 0 }, { algorithm: 'HS256', audience: USER_AUDIENCE, issuer: 'someone-else', subject: 'u1' }),
      await sign({ ver: 0 }, { algorithm: 'HS512', audience: USER_AUDIENCE, issuer: TOKEN_ISSUER, subject: 'u1' }),
      await sign({ ver: '0' }, { algorithm: 'HS256', audience: USER_AUDIENCE, issuer: TOKEN_ISSUER, subject: 'u1' }),
      await sign({ ver: 0 }, { algorithm: 'HS256', audience: USER_AUDIENCE, issuer: TOKEN_ISSUER }),
      'not.a.token',
    ];
    for (const token of cases) {
      await expect(tokens.verifyUserToken(token)).rejects.toMatchObject({
        status: 401,
        code: ErrorCode.TOKEN_INVALID,
        message: 'Your session is not valid. Please sign in again.',
      });
    }
    // The same claims, correctly addressed, pass: the refusals above are about the one thing changed.
    await expect(tokens.verifyUserToken(await sign({ ver: 0 }, { algorithm: 'HS256', audience: USER_AUDIENCE, issuer: TOKEN_ISSUER, subject: 'u1' }))).resolves.toMatchObject({ sub: 'u1' });
  });

  it('answers with a Bearer challenge on every refusal', async () => {
    await expect(tokens.verifyUserToken('x')).rejects.toMatchObject({ headers: { 'WWW-Authenticate': 'Bearer' } });
  });
});

function account(role: Role, overrides: Partial<UserRecord> = {}): UserRecord {
  // Asserted rather than annotated: the record keeps gaining fields these checks do not read.
  return {
    id: 'u1',
    email: 'u1@example.org',
    passwordHash: 'h',
    role,
    status: 'active',
    statusReason: null,
    tokenVersion: 2,
    storageQuotaBytes: 0,
    storageUsedBytes: 0,
    googleId: null,
    name: null,
    picture: null,
    createdAt: new Date(T0),
    lastLoginAt: null,
    emailVerified: true,
    ...overrides,
  } as UserRecord;
}

describe('PrincipalService: the account behind a token, checked now', () => {
  const tokens = new AccessTokenService(CONFIG);
  const principals = (user: UserRecord | null) =>
    new PrincipalService(tokens, strictMock<UserRepository>('users', { findById: jest.fn(async (id: string) => (user && user.id === id ? user : null)) }));

  it('accepts a user token of the current token version and refuses the one before (logout, password change)', async () => {
    const { token } = await tokens.issueUserToken({ id: 'u1', tokenVersion: 2 });
    await expect(principals(account(Role.regular)).resolveUser(token)).resolves.toEqual({ id: 'u1', email: 'u1@example.org', role: 'regular', status: 'active', tokenVersion: 2 });
    await expect(principals(account(Role.regular, { tokenVersion: 3 })).resolveUser(token)).rejects.toMatchObject({ status: 401, code: ErrorCode.TOKEN_INVALID });
    await expect(principals(null).resolveUser(token)).rejects.toMatchObject({ status: 401, code: ErrorCode.TOKEN_INVALID });
  });

  it('refuses suspended and banned accounts with their own codes', async () => {
    const { token } = await tokens.issueUserToken({ id: 'u1', tokenVersion: 2 });
    await expect(principals(account(Role.regular, { status: 'suspended' })).resolveUser(token)).rejects.toMatchObject({
      status: 403,
      code: ErrorCode.ACCOUNT_SUSPENDED,
      message: 'This account is suspended. Contact support if you think this is a mistake.',
    });
    await expect(principals(account(Role.regular, { status: 'banned' })).resolveUser(token)).rejects.toMatchObject({ status: 403, code: ErrorCode.ACCOUNT_BANNED, message: 'This account has been banned.' });
    expect(() => assertActive({ status: 'active' })).not.toThrow();
  });

  it('refuses an admin token whose account is no longer an admin, and gives a current admin the permissions of the stored role', async () => {
    const { token } = await tokens.issueAdminToken({ id: 'u1', tokenVersion: 2, role: Role.superadmin });
    await expect(principals(account(Role.regular)).resolveAdmin(token)).rejects.toMatchObject({
      status: 403,
      code: ErrorCode.PERMISSION_DENIED,
      message: 'This account is not an administrator.',
    });
    // The role claim says superadmin; the database says admin, and the database wins.
    const admin = await principals(account(Role.admin)).resolveAdmin(token);
    expect(admin.role).toBe(Role.admin);
    expect(admin.permissions).toContain(Permission.moderateUsers);
    expect(admin.permissions).not.toContain(Permission.manageRoles);
  });

  it('refuses a user token on the admin side and an admin token on the user side, even for a superadmin', async () => {
    const user = await tokens.issueUserToken({ id: 'u1', tokenVersion: 2 });
    const admin = await tokens.issueAdminToken({ id: 'u1', tokenVersion: 2, role: Role.superadmin });
    const p = principals(account(Role.superadmin));
    await expect(p.resolveAdmin(user.token)).rejects.toMatchObject({ status: 401, code: ErrorCode.TOKEN_INVALID });
    await expect(p.resolveUser(admin.token)).rejects.toMatchObject({ status: 401, code: ErrorCode.TOKEN_INVALID });
  });
});
