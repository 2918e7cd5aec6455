import { randomBytes } from 'node:crypto';

import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32).toString('base64'));

  it('round-trips and never contains the plaintext', () => {
    const sealed = box.seal('refresh-token-1234567890', 'account:a1');
    expect(sealed).not.toContain('refresh-token');
    expect(box.open(sealed, 'account:a1')).toBe('refresh-token-1234567890');
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('x')).not.toBe(box.seal('x'));
  });

  it('rejects tampering, a wrong key and a wrong context', () => {
    const sealed = box.seal('secret', 'ctx');
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3] as string, 'base64url');
    flipped[0] = (flipped[0] as number) ^ 1;
    parts[3] = flipped.toString('base64url');
    expect(() => box.open(parts.join('.'), 'ctx')).toThrow();
    expect(() => new SecretBox(randomBytes(32).toString('base64')).open(sealed, 'ctx')).toThrow();
    expect(() => box.open(sealed, 'other')).toThrow();
  });

  it('refuses keys of the wrong size', () => {
    expect(() => new SecretBox(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
