import { DEFAULT_SCRYPT_PARAMS, PasswordHasher, scryptParamsFor, TEST_SCRYPT_PARAMS } from './password-hasher';

describe('PasswordHasher (scrypt)', () => {
  const hasher = new PasswordHasher();

  it('verifies the right password and refuses others', async () => {
    const hash = await hasher.hash('correct horse battery');
    expect(await hasher.verify('correct horse battery', hash)).toBe(true);
    expect(await hasher.verify('correct horse batterY', hash)).toBe(false);
    expect(await hasher.verify('', hash)).toBe(false);
  });

  it('stores algorithm, parameters and a random salt; never the password', async () => {
    const a = await hasher.hash('same password');
    const b = await hasher.hash('same password');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$17\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{88}$/);
    expect(a).not.toContain('same password');
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
  });

  it('treats unicode forms of the same password alike (NFKC)', async () => {
    const hash = await hasher.hash('caf\u00e9-pass-word');
    expect(await hasher.verify('cafe\u0301-pass-word', hash)).toBe(true);
  });

  it('refuses malformed, foreign or missing hashes without throwing', async () => {
    const good = await hasher.hash('pw-123456');
    for (const stored of [null, undefined, '', 'plain-text', '$2b$10$abcdefghijklmnopqrstuu', good.replace('scrypt', 'bcrypt'), good.split('$').slice(0, 5).join('$'), 'scrypt$40$8$1$AAAA$BBBB']) {
      expect(await hasher.verify('pw-123456', stored)).toBe(false);
    }
  });

  it('detects a tampered hash', async () => {
    const hash = await hasher.hash('pw-123456');
    const parts = hash.split('$');
    const key = Buffer.from(parts[5] as string, 'base64');
    key[0] = (key[0] as number) ^ 1;
    parts[5] = key.toString('base64');
    expect(await hasher.verify('pw-123456', parts.join('$'))).toBe(false);
  });

  it('verifies hashes made with older parameters and asks for a rehash', async () => {
    const weak = new PasswordHasher({ logN: 12, r: 8, p: 1 });
    const old = await weak.hash('pw-123456');
    expect(await hasher.verify('pw-123456', old)).toBe(true);
    expect(hasher.needsRehash(old)).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('pw-123456'))).toBe(false);
  });

  it("uses at least OWASP's scrypt minimum (N=2^17, r=8, p=1) everywhere but NODE_ENV=test", () => {
    for (const env of ['production', 'development'] as const) {
      const params = scryptParamsFor(env);
      expect(2 ** params.logN).toBeGreaterThanOrEqual(131072);
      expect(params.r).toBeGreaterThanOrEqual(8);
      expect(params.p).toBeGreaterThanOrEqual(1);
    }
    expect(DEFAULT_SCRYPT_PARAMS).toEqual({ logN: 17, r: 8, p: 1 });
    expect(scryptParamsFor('test')).toBe(TEST_SCRYPT_PARAMS);
  });

  it('takes comparable time for an unknown account (no hash) as for a wrong password', async () => {
    const hash = await hasher.hash('pw-123456');
    await hasher.verify('warm-up', null);
    const time = async (stored: string | null) => {
      const start = process.hrtime.bigint();
      await hasher.verify('wrong password', stored);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    const withHash = await time(hash);
    const without = await time(null);
    expect(without).toBeGreaterThan(withHash / 3);
  });
});
