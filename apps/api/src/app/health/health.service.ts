import { HealthResponse } from '@ddx/contracts';
import { pingDatabase } from '@ddx/server-database';
import { REDIS } from '@ddx/server-queue';
import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import Redis from 'ioredis';
import { Connection } from 'mongoose';

@Injectable()
export class HealthService {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async check(): Promise<HealthResponse> {
    const [mongo, redis] = await Promise.all([pingDatabase(this.connection), this.pingRedis()]);
    return {
      status: mongo && redis ? 'ok' : 'degraded',
      mongo: mongo ? 'up' : 'down',
      redis: redis ? 'up' : 'down',
    };
  }

  private async pingRedis(): Promise<boolean> {
    try {
      const answer = await Promise.race([
        this.redis.ping(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 1500).unref()),
      ]);
      return answer === 'PONG';
    } catch {
      return false;
    }
  }
}
