import { ConfigError, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('applies development defaults', () => {
    const env = loadConfig({});
    expect(env.NODE_ENV).toBe('development');
    expect(env.PORT).toBe(8080);
    expect(env.CORS_ORIGINS).toEqual([]);
  });

  it('treats empty strings as unset and parses lists and numbers', () => {
    const env = loadConfig({ PORT: '', CORS_ORIGINS: 'https://a.test, https://b.test', WORKER_CONCURRENCY: '2' });
    expect(env.PORT).toBe(8080);
    expect(env.CORS_ORIGINS).toEqual(['https://a.test', 'https://b.test']);
    expect(env.WORKER_CONCURRENCY).toBe(2);
  });

  it('lists every bad key at once', () => {
    try {
      loadConfig({ PORT: 'eighty', MONGO_URL: 'postgres://x', REDIS_URL: 'nope' });
      throw new Error('expected ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      expect(problems).toMatch(/PORT/);
      expect(problems).toMatch(/MONGO_URL/);
      expect(problems).toMatch(/REDIS_URL/);
    }
  });

  it('refuses development secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET.*development default/s);
  });

  it('refuses short or repetitive secrets in production', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(() =>
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'a'.repeat(40), ADMIN_JWT_SECRET: 'Zx81!kq', ENCRYPTION_KEY: key }),
    ).toThrow(ConfigError);
  });

  it('accepts strong production secrets', () => {
    const env = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'q8Vn3LrT0aZpW5yXc7BmKd2Fh9Js4Ug1',
      ADMIN_JWT_SECRET: 'Hy6Rb2Nw9Qe4Tz1Lx8Vm3Pk7Sd0Gf5Ja',
      ENCRYPTION_KEY: Buffer.from('0123456789abcdef0123456789abcdef').toString('base64'),
    });
    expect(env.NODE_ENV).toBe('production');
  });

  it('rejects identical user and admin secrets', () => {
    expect(() => loadConfig({ JWT_SECRET: 'same-secret-1234567', ADMIN_JWT_SECRET: 'same-secret-1234567' })).toThrow(
      /ADMIN_JWT_SECRET/,
    );
  });

  describe('superadmin bootstrap password', () => {
    const strong = {
      NODE_ENV: 'production',
      JWT_SECRET: 'q8Vn3LrT0aZpW5yXc7BmKd2Fh9Js4Ug1',
      ADMIN_JWT_SECRET: 'Hy6Rb2Nw9Qe4Tz1Lx8Vm3Pk7Sd0Gf5Ja',
      ENCRYPTION_KEY: Buffer.from('0123456789abcdef0123456789abcdef').toString('base64'),
      SUPERADMIN_EMAIL: 'ops@example.org',
    };

    it.each([
      ['a well-known default', 'admin123'],
      ['a placeholder', 'ChangeMe-Please-2024!'],
      ['a short one', 'Zq8#vL2m'],
      ['a repetitive one', 'abababababababab'],
      ['one derived from the e-mail', 'ops-Qz7#kLm2Vx9!'],
    ])('refuses %s in production', (_label, password) => {
      expect(() => loadConfig({ ...strong, SUPERADMIN_PASSWORD: password })).toThrow(/SUPERADMIN_PASSWORD/);
    });

    it('accepts a long random one in production', () => {
      expect(loadConfig({ ...strong, SUPERADMIN_PASSWORD: 'Vt7#qL9m!Rx2@kWz4' }).SUPERADMIN_PASSWORD).toBe('Vt7#qL9m!Rx2@kWz4');
    });

    it('allows a simple one outside production', () => {
      expect(loadConfig({ SUPERADMIN_EMAIL: 'a@example.org', SUPERADMIN_PASSWORD: 'admin123' }).SUPERADMIN_PASSWORD).toBe('admin123');
    });

    it('requires e-mail and password together', () => {
      expect(() => loadConfig({ SUPERADMIN_EMAIL: 'a@example.org' })).toThrow(/SUPERADMIN_EMAIL and SUPERADMIN_PASSWORD/);
      expect(() => loadConfig({ SUPERADMIN_PASSWORD: 'x' })).toThrow(/SUPERADMIN_EMAIL and SUPERADMIN_PASSWORD/);
    });
  });

  it('requires the Google client id and secret together and defaults the endpoints to Google', () => {
    expect(() => loadConfig({ GOOGLE_OAUTH_CLIENT_ID: 'id' })).toThrow(/GOOGLE_OAUTH_CLIENT_SECRET/);
    const env = loadConfig({ GOOGLE_OAUTH_CLIENT_ID: 'id', GOOGLE_OAUTH_CLIENT_SECRET: 's' });
    expect(env.GOOGLE_OAUTH_TOKEN_URL).toBe('https://oauth2.googleapis.com/token');
  });
});
