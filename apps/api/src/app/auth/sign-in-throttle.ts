import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';

import { AuthRateLimits } from './auth-rate-limits';
import { RateLimiter, RateLimitPolicy } from './rate-limiter.service';

/**
 * Once an account has seen as many wrong passwords (from all clients) as
 * the lock-out setting allows, each further attempt on it waits
 * `baseMs * 2^(failures - limit)`, at most `maxMs`, before it is answered.
 */
export const SIGN_IN_DELAY = Object.freeze({ baseMs: 500, maxMs: 4000 });

export function signInDelayMs(failures: number, limit: number): number {
  if (failures < limit) return 0;
  // Capping the exponent keeps 2^n finite however many failures pile up.
  return Math.min(SIGN_IN_DELAY.maxMs, SIGN_IN_DELAY.baseMs * 2 ** Math.min(failures - limit, 20));
}

export type SignInAudience = 'user' | 'admin';

interface Policies {
  ip: RateLimitPolicy;
  pair: RateLimitPolicy;
  account: RateLimitPolicy;
}

/** One sign-in attempt between `begin` and `succeeded`/`failed`. */
export interface SignInAttempt {
  readonly audience: SignInAudience;
  readonly email: string;
  readonly ip: string;
  readonly policies: Policies;
}

/**
 * Brute-force rules shared by user and admin sign-in:
 * - per client IP: failures across accounts (refused past the env limit);
 * - per (account, client IP): the lock-out settings; a locked pair gets 429
 *   with Retry-After, and only that pair — a wrong guess from one address
 *   never refuses the owner's right password from another;
 * - per account: a growing, capped wait before answering, never a refusal.
 */
@Injectable()
export class SignInThrottle {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly limits: AuthRateLimits,
  ) {}

  /** Counts the attempt (throws 429 for a locked IP or pair) and waits the account's current delay. */
  async begin(audience: SignInAudience, email: string, ip: string): Promise<SignInAttempt> {
    const policies = await this.policies(audience);
    await this.limiter.consume(policies.ip, ip);
    await this.limiter.consume(policies.pair, pairKey(email, ip));
    const failures = await this.limiter.peek(policies.account, email);
    const delay = signInDelayMs(failures, policies.account.limit);
    if (delay > 0) await sleep(delay);
    return { audience, email, ip, policies };
  }

  /** The right password: the attempt counts against nobody, and the account's delay ends. */
  async succeeded(attempt: SignInAttempt): Promise<void> {
    const { policies, email, ip } = attempt;
    await Promise.all([
      this.limiter.reset(policies.pair, pairKey(email, ip)),
      this.limiter.reset(policies.account, email),
      this.limiter.refund(policies.ip, ip),
    ]);
  }

  async failed(attempt: SignInAttempt): Promise<void> {
    await this.limiter.hit(attempt.policies.account, attempt.email);
  }

  /** After a password reset through the e-mailed link: the account starts afresh (user and admin sign-in alike). */
  async forgetAccount(email: string): Promise<void> {
    const [user, admin] = await Promise.all([this.limits.userLoginAccountFailures(), this.limits.adminLoginAccountFailures()]);
    await Promise.all([this.limiter.reset(user, email), this.limiter.reset(admin, email)]);
  }

  private async policies(audience: SignInAudience): Promise<Policies> {
    if (audience === 'admin') {
      const [ip, pair, account] = await Promise.all([
        this.limits.adminLoginPerIp(),
        this.limits.adminLoginPerAccountClient(),
        this.limits.adminLoginAccountFailures(),
      ]);
      return { ip, pair, account };
    }
    const [ip, pair, account] = await Promise.all([
      this.limits.userLoginPerIp(),
      this.limits.userLoginPerAccountClient(),
      this.limits.userLoginAccountFailures(),
    ]);
    return { ip, pair, account };
  }
}

/** One Redis key per (account, client); the limiter hashes it. */
export function pairKey(email: string, ip: string): string {
  return `${email}\n${ip}`;
}
