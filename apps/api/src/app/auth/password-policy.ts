import { ErrorCode, PASSWORD_MAX_LENGTH } from '@ddx/contracts';
import { Injectable } from '@nestjs/common';

import { AppException } from '../common/app-exception';
import { SettingsService } from '../settings/settings.service';

/** The first passwords every guessing list tries. */
const COMMON_PASSWORDS = new Set([
  'password', 'password1', 'password123', 'passw0rd', '12345678', '123456789', '1234567890', '87654321', 'qwertyui',
  'qwerty123', 'qwertyuiop', 'iloveyou', 'admin123', 'administrator', 'letmein1', 'welcome1', 'abcdefgh', 'abcd1234',
  '11111111', '00000000', 'changeme', 'directdrivex', 'sunshine', 'football', 'baseball', 'superman', 'trustno1',
]);

/** Password rules, with the minimum length taken from the admin settings. */
@Injectable()
export class PasswordPolicy {
  constructor(private readonly settings: SettingsService) {}

  /** Throws 400 WEAK_PASSWORD with a message a person can act on. */
  async assertAcceptable(password: string, email: string): Promise<void> {
    const problem = await this.problem(password, email);
    if (problem) throw new AppException(400, ErrorCode.WEAK_PASSWORD, problem);
  }

  async problem(password: string, email: string): Promise<string | null> {
    const min = await this.settings.get('passwordMinLength');
    const lower = password.toLowerCase();
    if (password.length < min) return `The password must be at least ${min} characters long.`;
    if (password.length > PASSWORD_MAX_LENGTH) return `The password must be at most ${PASSWORD_MAX_LENGTH} characters long.`;
    const address = email.trim().toLowerCase();
    const local = address.split('@')[0] ?? '';
    if (lower === address || (local.length >= 4 && lower === local)) return 'The password must not be your e-mail address.';
    if (COMMON_PASSWORDS.has(lower)) return 'This password is too common. Please choose another one.';
    if (new Set(password).size < 3) return 'The password needs more different characters.';
    return null;
  }
}
