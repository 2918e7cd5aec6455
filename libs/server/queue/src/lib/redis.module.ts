import { AppConfig } from '@ddx/server-config';
import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';

import { LiveEventsPublisher } from './live-events.publisher';
import { redisOptionsFromUrl } from './redis-options';
import { REDIS } from './redis.token';

export { REDIS };


/**
 * One shared command connection per process for locks, counters and pub/sub
 * publishing. Commands fail fast while disconnected (no offline queue), so a
 * Redis outage shows up as errors and 503s instead of hanging requests.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new Redis({
          ...redisOptionsFromUrl(config.REDIS_URL),
          keyPrefix: `${config.REDIS_PREFIX}:`,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          connectTimeout: 3000,
          retryStrategy: (times) => Math.min(times * 200, 2000),
        }),
    },
    LiveEventsPublisher,
  ],
  exports: [REDIS, LiveEventsPublisher],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
