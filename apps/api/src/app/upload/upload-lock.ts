import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * One socket per upload across all api replicas. The lock expires by itself
 * if its holder dies, so a crashed replica never blocks a resume for long.
 */
export class UploadLock {
  private timer?: NodeJS.Timeout;
  private constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  /**
   * Waits up to `waitMs` for the lock: a client reconnecting right after a
   * drop finds the old socket still settling its last PUT for a moment.
   */
  static async acquire(redis: Redis, fileId: string, options: { ttlMs?: number; waitMs?: number } = {}): Promise<UploadLock | null> {
    const ttlMs = options.ttlMs ?? 10_000;
    const deadline = Date.now() + (options.waitMs ?? 0);
    const owner = randomUUID();
    const key = `upload-lock:${fileId}`;
    while ((await redis.set(key, owner, 'PX', ttlMs, 'NX')) !== 'OK') {
      if (Date.now() >= deadline) return null;
      await new Promise((r) => setTimeout(r, 100));
    }
    const lock = new UploadLock(redis, key, owner, ttlMs);
    lock.timer = setInterval(() => void lock.extend(), Math.floor(ttlMs / 3));
    lock.timer.unref();
    return lock;
  }

  private async extend(): Promise<void> {
    await this.redis.eval(EXTEND, 1, this.key, this.owner, String(this.ttlMs)).catch(() => undefined);
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.eval(RELEASE, 1, this.key, this.owner).catch(() => undefined);
  }
}
