import { AppConfig } from '@ddx/server-config';

import { DuplicateEmailError, UserRecord } from '../users/user.record';
import { AuthService, FORGOT_PASSWORD_ANSWER, REGISTER_ANSWER } from './auth.service';

/** Every method not stubbed throws when called, so an unexpected write fails the test. */
function strict<T>(name: string, stubs: Record<string, jest.Mock> = {}): T {
  return new Proxy(stubs, {
    get(target, prop) {
      if (typeof prop === 'string' && prop in target) return target[prop];
      if (prop === 'then' || typeof prop === 'symbol') return undefined;
      return () => {
        throw new Error(`unexpected call ${name}.${String(prop)}()`);
      };
    },
  }) as T;
}

const never = () => new Promise<never>(() => undefined);
const user: UserRecord = {
  id: 'u1',
  email: 'owner@example.org',
  passwordHash: 'scrypt$12$8$1$x$y',
  role: 'regular',
  status: 'active',
  statusReason: null,
  tokenVersion: 0,
  storageQuotaBytes: 1,
  storageUsedBytes: 0,
  googleId: null,
  emailVerified: false,
  name: null,
  picture: null,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  lastLoginAt: null,
};

/**
 * What depends on whether an address has an account must happen after the
 * answer: here every e-mail and token write hangs forever, and the answer
 * must still come.
 */
describe('AuthService: answers that do not tell whether an account exists', () => {
  function service(overrides: { users: Record<string, jest.Mock> }) {
    const hash = jest.fn(async () => 'scrypt$hash');
    const settingsGet = jest.fn(never);
    const deps = {
      users: strict('users', overrides.users),
      fileStats: strict('fileStats'),
      resetTokens: strict('resetTokens', { issue: jest.fn(never), deleteExpired: jest.fn(never) }),
      verificationTokens: strict('verificationTokens', { issue: jest.fn(never), deleteExpired: jest.fn(never) }),
      hasher: strict('hasher', { hash }),
      policy: strict('policy', { assertAcceptable: jest.fn(async () => undefined) }),
      tokens: strict('tokens'),
      limiter: strict('limiter', { consume: jest.fn(async () => undefined), hit: jest.fn(never) }),
      limits: strict('limits', {
        registerPerIp: jest.fn(() => ({})),
        forgotPasswordPerIp: jest.fn(() => ({})),
        forgotPasswordPerAccount: jest.fn(() => ({})),
        registrationNoticePerAccount: jest.fn(() => ({})),
      }),
      throttle: strict('throttle'),
      settings: strict('settings', {
        getAll: jest.fn(async () => ({ registrationOpen: true, defaultStorageQuotaBytes: 1 })),
        get: settingsGet,
      }),
      activity: strict('activity', { record: jest.fn(async () => undefined) }),
      mailer: strict('mailer', { sendPasswordReset: jest.fn(never), sendEmailVerification: jest.fn(never), sendRegistrationAttempt: jest.fn(never) }),
      config: { PUBLIC_BASE_URL: 'https://files.example.org' } as AppConfig,
    };
    const auth = new AuthService(
      deps.users as never,
      deps.fileStats as never,
      deps.resetTokens as never,
      deps.verificationTokens as never,
      deps.hasher as never,
      deps.policy as never,
      deps.tokens as never,
      deps.limiter as never,
      deps.limits as never,
      deps.throttle as never,
      deps.settings as never,
      deps.activity as never,
      deps.mailer as never,
      deps.config,
    );
    return { auth, hash, settingsGet };
  }

  it('forgot-password answers before the reset link is stored or mailed', async () => {
    const { auth, settingsGet } = service({ users: { findByEmail: jest.fn(async () => user) } });
    await expect(auth.forgotPassword({ email: user.email }, '203.0.113.1')).resolves.toEqual({ message: FORGOT_PASSWORD_ANSWER });
    // The link is still on its way (it was started, and hangs here).
    expect(settingsGet).toHaveBeenCalledWith('passwordResetTtlMinutes');
  });

  it('register hashes the password for a taken address too, and answers the same without waiting for any e-mail', async () => {
    const created = service({ users: { create: jest.fn(async () => user) } });
    const taken = service({ users: { create: jest.fn(async () => Promise.reject(new DuplicateEmailError())) } });
    const fresh = await created.auth.register({ email: 'new@example.org', password: 'long passphrase' }, '203.0.113.1');
    const again = await taken.auth.register({ email: user.email, password: 'long passphrase' }, '203.0.113.1');
    expect(again).toEqual(fresh);
    expect(fresh).toEqual({ message: REGISTER_ANSWER });
    for (const { hash } of [created, taken]) expect(hash).toHaveBeenCalledTimes(1);
  });
});
