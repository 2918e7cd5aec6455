import { ErrorCode } from '@ddx/contracts';
import { REDIS } from '@ddx/server-queue';
import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { createHash, randomUUID } from 'node:crypto';

import { AppException } from '../common/app-exception';
import { SettingsService } from '../settings/settings.service';

/**
 * A slot is a member of two sorted sets (the client's and everyone's) scored
 * by when it lapses. Lapsed members are dropped before counting, so a slot
 * whose replica died frees itself; a live stream keeps pushing its lapse out.
 * Returns 0 (taken), 1 (client full) or 2 (everyone full).
 */
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 1 end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return 2 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return 0`;

const EXTEND = `
redis.call('ZADD', KEYS[1], 'XX', ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], 'XX', ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 0`;

/** How long a slot outlives its last renewal if the replica holding it dies. */
const LEASE_MS = 60_000;

export interface ZipStreamSlot {
  /** Idempotent: the stream's end, error and the client's abort may all call it. */
  release(): Promise<void>;
}

/**
 * Caps the batch ZIP streams running at once, per client IP and in all,
 * across api replicas: each one holds a Drive or WebDAV download open for
 * as long as the client cares to read.
 */
@Injectable()
export class ZipStreamSlots {
  private readonly logger = new Logger(ZipStreamSlots.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly settings: SettingsService,
  ) {}

  /** Takes a slot or throws 429 TOO_MANY_ZIP_DOWNLOADS. */
  async acquire(ip: string): Promise<ZipStreamSlot> {
    const { zipStreamsPerClient, zipStreamsTotal } = await this.settings.getAll();
    const keys = [`zip-slots:ip:${createHash('sha256').update(ip).digest('hex').slice(0, 32)}`, 'zip-slots:all'];
    const member = randomUUID();
    const now = Date.now();
    let outcome: number;
    try {
      outcome = Number(await this.redis.eval(ACQUIRE, 2, ...keys, String(now), String(now + LEASE_MS), member, String(zipStreamsPerClient), String(zipStreamsTotal), String(2 * LEASE_MS)));
    } catch (err) {
      // As the other download paths: a Redis outage must not stop people getting their files.
      this.logger.error({ err }, 'ZIP stream slots unavailable (Redis); streaming without a slot');
      return { release: async () => undefined };
    }
    if (outcome === 1) {
      throw new AppException(429, ErrorCode.TOO_MANY_ZIP_DOWNLOADS, `You are already downloading ${zipStreamsPerClient} ZIP files. Please wait for one to finish.`, undefined, { 'Retry-After': '30' });
    }
    if (outcome === 2) {
      throw new AppException(429, ErrorCode.TOO_MANY_ZIP_DOWNLOADS, 'Too many ZIP downloads are running right now. Please try again in a minute.', undefined, { 'Retry-After': '60' });
    }
    const renew = setInterval(() => {
      this.redis.eval(EXTEND, 2, ...keys, String(Date.now() + LEASE_MS), member, String(2 * LEASE_MS)).catch((err: unknown) => this.logger.warn({ err }, 'could not renew a ZIP slot'));
    }, LEASE_MS / 3);
    renew.unref();
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(renew);
        await Promise.all(keys.map((k) => this.redis.zrem(k, member))).catch((err: unknown) => this.logger.warn({ err }, 'could not release a ZIP slot; it lapses by itself'));
      },
    };
  }
}
