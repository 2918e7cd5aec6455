import { Logger } from '@nestjs/common';
import Redis from 'ioredis';

import { RateLimiter, RateLimitPolicy } from './rate-limiter.service';

const POLICY: RateLimitPolicy = { name: 'login:account', limit: 3, windowMs: 60_000, failMode: 'closed' };

/**
 * Redis as the limiter uses it: the two Lua commands (their Lua runs in the
 * real Redis in rate-limits.int.spec.ts) are replaced by their behaviour.
 */
function fakeRedis(opts: { down?: boolean; ttlMs?: number } = {}) {
  const counts = new Map<string, number>();
  const fail = () => Promise.reject(new Error('ECONNREFUSED'));
  const redis = {
    defineCommand: jest.fn(),
    ddxRateHit: jest.fn(async (key: string) => {
      if (opts.down) return fail();
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return [counts.get(key), opts.ttlMs ?? 42_000];
    }),
    ddxRateRefund: jest.fn(async (key: string) => {
      if (opts.down) return fail();
      const n = counts.get(key) ?? 0;
      if (n > 0) counts.set(key, n - 1);
      return Math.max(0, n - 1);
    }),
    get: jest.fn(async (key: string) => (opts.down ? fail() : counts.has(key) ? String(counts.get(key)) : null)),
    del: jest.fn(async (key: string) => (opts.down ? fail() : Number(counts.delete(key)))),
  };
  return { redis, counts };
}

const limiter = (redis: object) => new RateLimiter(redis as unknown as Redis);

beforeAll(() => {
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
});

describe('RateLimiter on both sides of its limit', () => {
  it('defines its Redis commands once per connection', () => {
    const { redis: full } = fakeRedis();
    const { ddxRateHit, ddxRateRefund, ...redis } = full;
    redis.defineCommand.mockImplementation((name: string) => Object.assign(redis, { [name]: name === 'ddxRateHit' ? ddxRateHit : ddxRateRefund }));
    limiter(redis);
    expect(redis.defineCommand).toHaveBeenCalledWith('ddxRateHit', expect.objectContaining({ numberOfKeys: 1, lua: expect.stringContaining('INCR') }));
    expect(redis.defineCommand).toHaveBeenCalledWith('ddxRateRefund', expect.objectContaining({ numberOfKeys: 1, lua: expect.stringContaining('DECR') }));
    const defined = { ...full, defineCommand: jest.fn() };
    limiter(defined);
    expect(defined.defineCommand).not.toHaveBeenCalled();
  });

  it('allows exactly `limit` attempts in a window and refuses the next with 429 and Retry-After', async () => {
    const { redis } = fakeRedis({ ttlMs: 41_001 });
    const rl = limiter(redis);
    for (let i = 0; i < 3; i++) await expect(rl.consume(POLICY, 'rita@example.org')).resolves.toBeUndefined();
    await expect(rl.consume(POLICY, 'rita@example.org')).rejects.toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      message: 'Too many attempts. Please wait 42 seconds and try again.',
      headers: { 'Retry-After': '42' },
    });
    expect(redis.ddxRateHit).toHaveBeenCalledWith(expect.stringMatching(/^rl:login:account:[0-9a-f]{32}$/), 60_000);
  });

  it('reports the count and the time left, never a negative wait', async () => {
    const rl = limiter(fakeRedis({ ttlMs: -1 }).redis);
    await expect(rl.hit(POLICY, 'x')).resolves.toEqual({ allowed: true, count: 1, retryAfterMs: 0 });
  });

  it('asks to wait at least one second, in seconds below 90 and in minutes from 90', async () => {
    for (const [ttlMs, wait] of [
      [0, '1 seconds'],
      [89_000, '89 seconds'],
      [90_000, '2 minutes'],
      [150_000, '3 minutes'],
    ] as const) {
      const rl = limiter(fakeRedis({ ttlMs }).redis);
      const policy = { ...POLICY, limit: 0 };
      await expect(rl.consume(policy, 'x')).rejects.toMatchObject({ message: `Too many attempts. Please wait ${wait} and try again.` });
    }
  });

  it('counts an e-mail in any letter case and with surrounding spaces as the same subject, and keeps subjects out of key names', async () => {
    const { redis, counts } = fakeRedis();
    const rl = limiter(redis);
    await rl.consume(POLICY, 'Rita@Example.org');
    await rl.consume(POLICY, ' rita@example.org ');
    await rl.consume(POLICY, 'RITA@EXAMPLE.ORG');
    await expect(rl.consume(POLICY, 'rita@example.org')).rejects.toMatchObject({ status: 429 });
    expect(counts.size).toBe(1);
    expect([...counts.keys()][0]).not.toContain('rita');
    // Another subject has its own counter.
    await expect(rl.consume(POLICY, 'sam@example.org')).resolves.toBeUndefined();
  });

  it('peeks without counting, refunds one attempt (never below zero) and resets', async () => {
    const { redis } = fakeRedis();
    const rl = limiter(redis);
    expect(await rl.peek(POLICY, 'x')).toBe(0);
    await rl.consume(POLICY, 'x');
    await rl.consume(POLICY, 'x');
    expect(await rl.peek(POLICY, 'x')).toBe(2);
    await rl.refund(POLICY, 'x');
    expect(await rl.peek(POLICY, 'x')).toBe(1);
    await rl.reset(POLICY, 'x');
    expect(await rl.peek(POLICY, 'x')).toBe(0);
    await rl.refund(POLICY, 'x');
    expect(await rl.peek(POLICY, 'x')).toBe(0);
  });

  it('without Redis: a closed policy refuses with 503, an open one lets the request through', async () => {
    const rl = limiter(fakeRedis({ down: true }).redis);
    const closed = { status: 503, code: 'SERVICE_UNAVAILABLE', message: 'This is temporarily unavailable. Please try again shortly.' };
    await expect(rl.consume(POLICY, 'x')).rejects.toMatchObject(closed);
    await expect(rl.peek(POLICY, 'x')).rejects.toMatchObject(closed);
    const open = { ...POLICY, failMode: 'open' as const };
    await expect(rl.consume(open, 'x')).resolves.toBeUndefined();
    await expect(rl.hit(open, 'x')).resolves.toEqual({ allowed: true, count: 0, retryAfterMs: 0 });
    expect(await rl.peek(open, 'x')).toBe(0);
    // Refund and reset are best effort: an outage does not fail the request that triggers them.
    await expect(rl.refund(POLICY, 'x')).resolves.toBeUndefined();
    await expect(rl.reset(POLICY, 'x')).resolves.toBeUndefined();
    expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.objectContaining({ policy: 'login:account' }), 'rate limit reset failed');
  });
});
