import { AppConfig } from '@ddx/server-config';
import { REDIS } from '@ddx/server-queue';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { z } from 'zod';

const revocationSchema = z.object({ userId: z.string(), status: z.enum(['suspended', 'banned']) });
export type PrincipalRevocation = z.infer<typeof revocationSchema>;

/**
 * "This account lost its access": published when an admin suspends or bans
 * a user, delivered through Redis pub/sub to every api replica, where the
 * gateways close that account's open sockets. HTTP requests need no such
 * message (every request re-reads the account); a socket opened earlier does.
 */
@Injectable()
export class PrincipalRevocations implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PrincipalRevocations.name);
  private readonly channel: string;
  private readonly listeners: Array<(revocation: PrincipalRevocation) => void> = [];
  private subscriber?: Redis;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    // PUBLISH channels are not key-prefixed by ioredis.
    this.channel = `${config.REDIS_PREFIX}:principal-revoked`;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber.on('message', (_channel, message: string) => this.deliver(message));
    this.subscriber.on('error', () => undefined);
    await this.subscriber.subscribe(this.channel).catch((err: unknown) => this.logger.warn({ msg: 'revocations unavailable', err: String(err) }));
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }

  onRevoked(listener: (revocation: PrincipalRevocation) => void): void {
    this.listeners.push(listener);
  }

  /** Resolves once Redis took the message; the account's own status already refuses new sockets. */
  async publish(revocation: PrincipalRevocation): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(revocation)).catch((err: unknown) => {
      this.logger.error({ msg: 'revocation not published; open sockets of the account stay open until they reconnect', userId: revocation.userId, err: String(err) });
    });
  }

  private deliver(message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    const revocation = revocationSchema.safeParse(parsed);
    if (!revocation.success) return;
    for (const listener of this.listeners) listener(revocation.data);
  }
}
