import { ErrorCode, PASSWORD_MAX_LENGTH } from '@ddx/contracts';

import { strictMock } from '../../testing/strict-mock';
import { SettingsService } from '../settings/settings.service';
import { PasswordPolicy } from './password-policy';

function policy(minLength: number): PasswordPolicy {
  const settings = strictMock<SettingsService>('settings', {
    get: jest.fn(async (key: string) => {
      if (key !== 'passwordMinLength') throw new Error(`unexpected setting ${key}`);
      return minLength;
    }),
  });
  return new PasswordPolicy(settings);
}

/** A password of `n` characters that breaks no other rule. */
const of = (n: number) => 'Zq7!xK2#'.repeat(Math.ceil(n / 8)).slice(0, n);

describe('password length, on both sides of each edge', () => {
  it.each([8, 12, 20])('with a minimum of %i accepts exactly that many characters and refuses one fewer', async (min) => {
    const p = policy(min);
    await expect(p.problem(of(min), 'someone@example.org')).resolves.toBeNull();
    await expect(p.problem(of(min - 1), 'someone@example.org')).resolves.toBe(`The password must be at least ${min} characters long.`);
    await expect(p.assertAcceptable(of(min - 1), 'someone@example.org')).rejects.toMatchObject({ status: 400, code: ErrorCode.WEAK_PASSWORD });
    await expect(p.assertAcceptable(of(min), 'someone@example.org')).resolves.toBeUndefined();
  });

  it(`accepts exactly ${PASSWORD_MAX_LENGTH} characters and refuses one more`, async () => {
    const p = policy(8);
    await expect(p.problem(of(PASSWORD_MAX_LENGTH), 'someone@example.org')).resolves.toBeNull();
    await expect(p.problem(of(PASSWORD_MAX_LENGTH + 1), 'someone@example.org')).resolves.toBe(`The password must be at most ${PASSWORD_MAX_LENGTH} characters long.`);
  });

  it('refuses the e-mail address or its local part in any letter case, but not a short local part', async () => {
    const p = policy(4);
    await expect(p.problem('Rita.Smith@Example.org', 'rita.smith@example.org')).resolves.toBe('The password must not be your e-mail address.');
    await expect(p.problem('RITA.SMITH', ' Rita.Smith@example.org ')).resolves.toBe('The password must not be your e-mail address.');
    await expect(p.problem('abc', 'abc@example.org')).resolves.toMatch(/at least 4/);
    const short = policy(3);
    await expect(short.problem('abc', 'abc@example.org')).resolves.toBeNull();
  });

  it('refuses common passwords in any letter case and passwords of fewer than three different characters', async () => {
    const p = policy(8);
    await expect(p.problem('PassWord123', 'x@example.org')).resolves.toBe('This password is too common. Please choose another one.');
    await expect(p.problem('abababababab', 'x@example.org')).resolves.toBe('The password needs more different characters.');
    await expect(p.problem('abcabcabcabc', 'x@example.org')).resolves.toBeNull();
  });
});
