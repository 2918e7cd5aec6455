import { assertApiServerConfig, ConfigError, loadConfig, weakEncryptionKeyProblems } from './load-config';

/** 32 bytes from crypto.randomBytes, fixed so the tests are repeatable. */
const RANDOM_KEY = 'vUIP9O7PoGN1MKpWcdMK0QQgVLhh/Q570j3TxZWDmzs=';
const METRICS_TOKEN = 'HgqUviljUDxDa8sNTPdgrApB';

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
      ENCRYPTION_KEY: RANDOM_KEY,
      METRICS_TOKEN,
    });
    expect(env.NODE_ENV).toBe('production');
  });

  it('refuses Redis and WebDAV URLs whose password is no valid percent-encoding, naming the key', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://:50%off@127.0.0.1:6379' })).toThrow(/REDIS_URL: .*%25/);
    expect(() => loadConfig({ WEBDAV_URL: 'https://u1:pa%ss@dav.example.com' })).toThrow(/WEBDAV_URL: .*%25/);
    expect(loadConfig({ REDIS_URL: 'redis://:50%25off@127.0.0.1:6379', WEBDAV_URL: 'https://u1:pa%25ss@dav.example.com' }).REDIS_URL).toBe('redis://:50%25off@127.0.0.1:6379');
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
      ENCRYPTION_KEY: RANDOM_KEY,
      METRICS_TOKEN,
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

  describe('production hardening', () => {
    const strong = {
      NODE_ENV: 'production',
      JWT_SECRET: 'q8Vn3LrT0aZpW5yXc7BmKd2Fh9Js4Ug1',
      ADMIN_JWT_SECRET: 'Hy6Rb2Nw9Qe4Tz1Lx8Vm3Pk7Sd0Gf5Ja',
      ENCRYPTION_KEY: RANDOM_KEY,
      METRICS_TOKEN,
    };
    const b64 = (bytes: Buffer) => bytes.toString('base64');

    describe('ENCRYPTION_KEY', () => {
      it.each([
        ['all zeros', b64(Buffer.alloc(32))],
        ['one byte repeated', b64(Buffer.alloc(32, 0xa7))],
        ['a 16-byte block twice', b64(Buffer.concat([Buffer.from('9f3c81d2e7a45b06c3f8a1d9e2b74c5a', 'hex'), Buffer.from('9f3c81d2e7a45b06c3f8a1d9e2b74c5a', 'hex')]))],
        ['a passphrase encoded to base64', b64(Buffer.from('correct horse battery staple 123'))],
        ['a counting sequence', b64(Buffer.from(Array.from({ length: 32 }, (_, i) => (200 + 7 * i) % 256)))],
        ['too few distinct bytes', b64(Buffer.from(Array.from({ length: 32 }, (_, i) => [3, 141, 59, 26, 53, 58, 97, 93, 23, 84, 62, 64, 33, 83, 79][(i * 7) % 15] as number)))],
        ['not plain base64 (stray characters the decoder would skip)', `${RANDOM_KEY.slice(0, 20)}!!${RANDOM_KEY.slice(20)}`],
        ['base64 of 32 bytes hidden in a longer text', `${RANDOM_KEY.slice(0, -1)} `],
      ])('refuses %s in production', (_label, key) => {
        expect(() => loadConfig({ ...strong, ENCRYPTION_KEY: key })).toThrow(/ENCRYPTION_KEY: (does not look random|must be exactly 32 bytes)/);
      });

      it('accepts 32 random bytes, in base64 or base64url, padded or not', () => {
        expect(loadConfig(strong).ENCRYPTION_KEY).toBe(RANDOM_KEY);
        const url = RANDOM_KEY.replace(/\+/g, '-').replace(/\//g, '_');
        expect(weakEncryptionKeyProblems(url)).toEqual([]);
        expect(weakEncryptionKeyProblems(url.slice(0, -1))).toEqual([]);
      });

      it('accepts a key with exactly 16 distinct bytes (the edge of the rule) and refuses 15', () => {
        // Sixteen values, then the same ones backwards: no repeated block, no constant step.
        const sixteen = Buffer.from([...Array.from({ length: 16 }, (_, i) => (i * 97 + 13) % 256), ...Array.from({ length: 16 }, (_, i) => ((15 - i) * 97 + 13) % 256)]);
        expect(new Set(sixteen).size).toBe(16);
        expect(weakEncryptionKeyProblems(b64(sixteen))).toEqual([]);
        const fewer = Buffer.from(sixteen);
        fewer[15] = fewer[14] as number;
        fewer[16] = fewer[14] as number;
        expect(new Set(fewer).size).toBe(15);
        expect(weakEncryptionKeyProblems(b64(fewer))).toEqual([expect.stringMatching(/does not look random/)]);
      });

      it('allows the development key outside production', () => {
        expect(() => loadConfig({})).not.toThrow();
        expect(() => loadConfig({ ENCRYPTION_KEY: b64(Buffer.alloc(32)) })).not.toThrow();
      });
    });

    describe('METRICS_TOKEN', () => {
      it('is required by the api server in production, with a message that says how it is used', () => {
        const env = loadConfig({ ...strong, METRICS_TOKEN: '' });
        expect(() => assertApiServerConfig(env)).toThrow(/METRICS_TOKEN: required in production.*Authorization: Bearer/s);
      });

      it('refuses a placeholder or repetitive token in production', () => {
        expect(() => loadConfig({ ...strong, METRICS_TOKEN: 'change-me-metrics-token' })).toThrow(/METRICS_TOKEN/);
        expect(() => loadConfig({ ...strong, METRICS_TOKEN: 'abababababababab' })).toThrow(/METRICS_TOKEN/);
      });

      it('accepts a 16-character random token in production', () => {
        expect(loadConfig({ ...strong, METRICS_TOKEN: METRICS_TOKEN.slice(0, 16) }).METRICS_TOKEN).toBe(METRICS_TOKEN.slice(0, 16));
      });

      it('is optional outside production, and for the worker (loadConfig alone)', () => {
        expect(() => assertApiServerConfig(loadConfig({ NODE_ENV: 'test' }))).not.toThrow();
        expect(loadConfig({ ...strong, METRICS_TOKEN: '' }).METRICS_TOKEN).toBeUndefined();
        expect(() => assertApiServerConfig(loadConfig(strong))).not.toThrow();
      });
    });

    describe('ENABLE_API_DOCS', () => {
      it('defaults to off in production and on elsewhere', () => {
        expect(loadConfig(strong).ENABLE_API_DOCS).toBe(false);
        expect(loadConfig({ NODE_ENV: 'test' }).ENABLE_API_DOCS).toBe(true);
        expect(loadConfig({}).ENABLE_API_DOCS).toBe(true);
      });

      it('follows the flag when it is set, in either mode', () => {
        expect(loadConfig({ ...strong, ENABLE_API_DOCS: 'true' }).ENABLE_API_DOCS).toBe(true);
        expect(loadConfig({ NODE_ENV: 'development', ENABLE_API_DOCS: 'false' }).ENABLE_API_DOCS).toBe(false);
      });
    });
  });
});
