import { ErrorCode } from '@ddx/contracts';
import { REDIS } from '@ddx/server-queue';
import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { createHash } from 'node:crypto';

import { AppException } from '../common/app-exception';

/**
 * What happens when Redis cannot be reached:
 * - `open`: the request goes ahead unlimited (logged). For user sign-in and
 *   registration, where a Redis outage must not lock every user out; scrypt
 *   still bounds how fast anyone can guess.
 * - `closed`: 503. For admin sign-in and password-reset e-mails, which can
 *   wait for Redis rather than run unguarded.
 */
export type RateLimitFailMode = 'open' | 'closed';

export interface RateLimitPolicy {
  /** Key namespace, e.g. `login:account`. */
  name: string;
  limit: number;
  windowMs: number;
  failMode: RateLimitFailMode;
}

export interface RateLimitResult {
  allowed: boolean;
  count: number;
  retryAfterMs: number;
}

/**
 * Fixed-window counter in one Lua call: INCR, set the window on the first
 * hit, return the count and the time left. Atomic, so concurrent attempts
 * cannot slip past the limit.
 */
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}`;

/** DECR that never goes below zero and never creates a key. */
const REFUND_SCRIPT = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

type RateLimitRedis = Redis & {
  ddxRateHit(key: string, windowMs: number): Promise<[number, number]>;
  ddxRateRefund(key: string): Promise<number>;
};

/** Per-IP and per-account counters in Redis, shared by every api replica. */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly redis: RateLimitRedis;

  constructor(@Inject(REDIS) redis: Redis) {
    if (!('ddxRateHit' in redis)) {
      redis.defineCommand('ddxRateHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
      redis.defineCommand('ddxRateRefund', { numberOfKeys: 1, lua: REFUND_SCRIPT });
    }
    this.redis = redis as RateLimitRedis;
  }

  /** Counts one attempt; throws 429 RATE_LIMITED with Retry-After when over the limit. */
  async consume(policy: RateLimitPolicy, subject: string): Promise<void> {
    const result = await this.hit(policy, subject);
    if (!result.allowed) {
      const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
      throw new AppException(
        429,
        ErrorCode.RATE_LIMITED,
        `Too many attempts. Please wait ${formatWait(seconds)} and try again.`,
        undefined,
        { 'Retry-After': String(seconds) },
      );
    }
  }

  async hit(policy: RateLimitPolicy, subject: string): Promise<RateLimitResult> {
    try {
      const [count, ttl] = await this.redis.ddxRateHit(this.key(policy, subject), policy.windowMs);
      return { allowed: count <= policy.limit, count, retryAfterMs: Math.max(0, ttl) };
    } catch (err) {
      return this.unavailable(policy, err);
    }
  }

  /** The current count without adding to it (0 when unknown or Redis is down and the policy fails open). */
  async peek(policy: RateLimitPolicy, subject: string): Promise<number> {
    try {
      return Number((await this.redis.get(this.key(policy, subject))) ?? 0);
    } catch (err) {
      return this.unavailable(policy, err).count;
    }
  }

  /** Gives one attempt back (e.g. a successful sign-in does not count against the IP). */
  async refund(policy: RateLimitPolicy, subject: string): Promise<void> {
    try {
      await this.redis.ddxRateRefund(this.key(policy, subject));
    } catch (err) {
      this.logger.warn({ err, policy: policy.name }, 'rate limit refund failed');
    }
  }

  /** Forgets the counter (e.g. after a successful sign-in or password reset). */
  async reset(policy: RateLimitPolicy, subject: string): Promise<void> {
    try {
      await this.redis.del(this.key(policy, subject));
    } catch (err) {
      this.logger.warn({ err, policy: policy.name }, 'rate limit reset failed');
    }
  }

  private unavailable(policy: RateLimitPolicy, err: unknown): RateLimitResult {
    if (policy.failMode === 'open') {
      this.logger.error({ err, policy: policy.name }, 'rate limiter unavailable (Redis); allowing the request');
      return { allowed: true, count: 0, retryAfterMs: 0 };
    }
    this.logger.error({ err, policy: policy.name }, 'rate limiter unavailable (Redis); refusing the request');
    throw new AppException(503, ErrorCode.SERVICE_UNAVAILABLE, 'This is temporarily unavailable. Please try again shortly.');
  }

  /** Subjects (e-mails, IPs) are hashed: no personal data in Redis key names. */
  private key(policy: RateLimitPolicy, subject: string): string {
    const digest = createHash('sha256').update(subject.trim().toLowerCase()).digest('hex').slice(0, 32);
    return `rl:${policy.name}:${digest}`;
  }
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
