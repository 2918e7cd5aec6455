import { createAdminRequestSchema, registerRequestSchema, tokenRequestSchema, userProfileSchema } from './auth.schema';

describe('auth contracts', () => {
  it('accepts exactly e-mail and password at registration, lower-casing the e-mail', () => {
    expect(registerRequestSchema.parse({ email: 'Ann@Example.ORG', password: 'x' })).toEqual({ email: 'ann@example.org', password: 'x' });
    for (const extra of [{ role: 'superadmin' }, { is_admin: true }, { storage_limit_bytes: 1 }]) {
      expect(registerRequestSchema.safeParse({ email: 'a@example.org', password: 'x', ...extra }).success).toBe(false);
    }
  });

  it('takes the OAuth2 password form or JSON with email', () => {
    expect(tokenRequestSchema.safeParse({ username: 'a@b.c', password: 'p', grant_type: 'password', scope: '' }).success).toBe(true);
    expect(tokenRequestSchema.safeParse({ email: 'a@b.c', password: 'p' }).success).toBe(true);
    expect(tokenRequestSchema.safeParse({ password: 'p' }).success).toBe(false);
    expect(tokenRequestSchema.safeParse({ username: 'a@b.c', password: 'p', grant_type: 'client_credentials' }).success).toBe(false);
  });

  it('never lets a hash through a profile', () => {
    const profile = userProfileSchema.parse({
      id: '1',
      email: 'a@b.c',
      role: 'regular',
      status: 'active',
      name: null,
      picture: null,
      has_password: true,
      google_linked: false,
      email_verified: true,
      created_at: new Date().toISOString(),
      last_login_at: null,
      passwordHash: 'scrypt$15$8$1$x$y',
    });
    expect(profile).not.toHaveProperty('passwordHash');
  });

  it('creates only admin or superadmin accounts through create-admin', () => {
    expect(createAdminRequestSchema.safeParse({ email: 'a@b.co', password: 'p', role: 'regular' }).success).toBe(false);
    expect(createAdminRequestSchema.safeParse({ email: 'a@b.co', password: 'p', role: 'admin' }).success).toBe(true);
  });
});
