import { AppConfig } from '@ddx/server-config';
import { REDIS } from '@ddx/server-queue';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';

/**
 * A worker that cannot reach Redis cannot take or finish jobs; rather than
 * linger half-alive it exits non-zero so the supervisor (compose, systemd)
 * restarts it and the outage is visible.
 */
@Injectable()
export class RedisWatchdog implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RedisWatchdog.name);
  private timer?: NodeJS.Timeout;
  private lostSince?: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.check(), 1000);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    const ok = await this.redis.ping().then(
      (r) => r === 'PONG',
      () => false,
    );
    if (ok) {
      if (this.lostSince) this.logger.log('Redis is reachable again');
      this.lostSince = undefined;
      return;
    }
    this.lostSince ??= Date.now();
    const lostFor = Date.now() - this.lostSince;
    this.logger.warn({ msg: 'Redis unreachable', lostForMs: lostFor });
    if (lostFor >= this.config.WORKER_REDIS_LOST_EXIT_MS) {
      this.logger.fatal({ msg: 'Redis lost for too long; exiting', lostForMs: lostFor });
      process.exit(1);
    }
  }
}
