import { LIVE_EVENTS_CHANNEL, LiveEvent } from '@ddx/contracts';
import { AppConfig } from '@ddx/server-config';
import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';

import { REDIS } from './redis.token';

type WithoutAt<T> = T extends unknown ? Omit<T, 'at'> : never;

/**
 * Publishes live events for admin sockets through Redis pub/sub, so events
 * from every api replica and every worker reach every admin. Fire and
 * forget: monitoring must never slow an upload down or fail it.
 */
@Injectable()
export class LiveEventsPublisher {
  private readonly logger = new Logger(LiveEventsPublisher.name);
  private readonly channel: string;
  private readonly observers: Array<(event: WithoutAt<LiveEvent>) => void> = [];

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    // PUBLISH channels are not key-prefixed by ioredis, so the install's prefix is added here.
    this.channel = `${config.REDIS_PREFIX}:${LIVE_EVENTS_CHANNEL}`;
  }

  get channelName(): string {
    return this.channel;
  }

  /** In-process observers of what this process publishes (e.g. the api's Prometheus counters). */
  observe(listener: (event: WithoutAt<LiveEvent>) => void): void {
    this.observers.push(listener);
  }

  publish(event: WithoutAt<LiveEvent>): void {
    for (const observe of this.observers) observe(event);
    const message = JSON.stringify({ ...event, at: new Date().toISOString() });
    this.redis.publish(this.channel, message).catch((err: unknown) => this.logger.debug({ msg: 'live event dropped', err: String(err) }));
  }
}
