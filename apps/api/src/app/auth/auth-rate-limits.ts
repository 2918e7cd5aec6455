import { AppConfig } from '@ddx/server-config';
import { Injectable } from '@nestjs/common';

import { SettingsService } from '../settings/settings.service';
import { RateLimitPolicy } from './rate-limiter.service';

const HOUR = 60 * 60 * 1000;
const MINUTE = 60 * 1000;

/**
 * The brute-force limits of the auth endpoints, in one place. Per-account
 * sign-in limits come from the admin settings; per-IP limits from the env.
 * Each policy's fail mode is documented on RateLimitFailMode.
 */
@Injectable()
export class AuthRateLimits {
  constructor(
    private readonly config: AppConfig,
    private readonly settings: SettingsService,
  ) {}

  /**
   * Attempts per (account, client IP) pair: the lock-out settings apply here,
   * so guessing from one client locks that client out of that account and
   * nobody else (user sign-in and change-password share it).
   */
  async userLoginPerAccountClient(): Promise<RateLimitPolicy> {
    const s = await this.settings.getAll();
    return { name: 'login:account-client', limit: s.maxLoginAttempts, windowMs: s.loginLockoutMinutes * MINUTE, failMode: 'open' };
  }

  /**
   * Wrong passwords per account from every client. Past `limit` each further
   * attempt waits (SIGN_IN_DELAY) instead of being refused, so guessing from
   * many addresses slows down while the owner can still sign in.
   */
  async userLoginAccountFailures(): Promise<RateLimitPolicy> {
    return { ...(await this.userLoginPerAccountClient()), name: 'login:account-failures' };
  }

  async userLoginPerIp(): Promise<RateLimitPolicy> {
    const windowMs = (await this.settings.get('loginLockoutMinutes')) * MINUTE;
    return { name: 'login:ip', limit: this.config.AUTH_LOGIN_MAX_FAILURES_PER_IP, windowMs, failMode: 'open' };
  }

  async adminLoginPerAccountClient(): Promise<RateLimitPolicy> {
    return { ...(await this.userLoginPerAccountClient()), name: 'admin-login:account-client', failMode: 'closed' };
  }

  async adminLoginAccountFailures(): Promise<RateLimitPolicy> {
    return { ...(await this.userLoginPerAccountClient()), name: 'admin-login:account-failures', failMode: 'closed' };
  }

  async adminLoginPerIp(): Promise<RateLimitPolicy> {
    return { ...(await this.userLoginPerIp()), name: 'admin-login:ip', failMode: 'closed' };
  }

  registerPerIp(): RateLimitPolicy {
    return { name: 'register:ip', limit: this.config.AUTH_REGISTER_MAX_PER_IP_PER_HOUR, windowMs: HOUR, failMode: 'open' };
  }

  /** "Send me a new confirmation link": e-mail goes out, so closed like forgot-password. */
  verificationResendPerIp(): RateLimitPolicy {
    return { name: 'verify-resend:ip', limit: this.config.AUTH_RESET_REQUESTS_MAX_PER_HOUR, windowMs: HOUR, failMode: 'closed' };
  }

  verificationResendPerAccount(): RateLimitPolicy {
    return { name: 'verify-resend:account', limit: this.config.AUTH_RESET_REQUESTS_MAX_PER_HOUR, windowMs: HOUR, failMode: 'closed' };
  }

  /** "Someone tried to register with your address" e-mails per address; past it the notice is skipped, not refused. */
  registrationNoticePerAccount(): RateLimitPolicy {
    return { name: 'register-notice:account', limit: 3, windowMs: 24 * HOUR, failMode: 'open' };
  }

  forgotPasswordPerIp(): RateLimitPolicy {
    return { name: 'forgot:ip', limit: this.config.AUTH_RESET_REQUESTS_MAX_PER_HOUR, windowMs: HOUR, failMode: 'closed' };
  }

  forgotPasswordPerAccount(): RateLimitPolicy {
    return { name: 'forgot:account', limit: this.config.AUTH_RESET_REQUESTS_MAX_PER_HOUR, windowMs: HOUR, failMode: 'closed' };
  }
}
