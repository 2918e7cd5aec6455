import { REDIS } from '@ddx/server-queue';
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { createHash, randomBytes } from 'node:crypto';

export const OAUTH_STATE_TTL_SECONDS = 600;

/**
 * Google sign-in `state` values: random, kept in Redis for ten minutes with
 * the PKCE code verifier of that attempt, usable once (GETDEL is atomic, so
 * two replicas cannot both accept it).
 */
@Injectable()
export class OAuthStateStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async create(): Promise<{ state: string; codeVerifier: string }> {
    const state = randomBytes(32).toString('base64url');
    const codeVerifier = randomBytes(48).toString('base64url');
    await this.redis.set(this.key(state), codeVerifier, 'EX', OAUTH_STATE_TTL_SECONDS);
    return { state, codeVerifier };
  }

  /** The code verifier stored with `state`, or null when unknown, expired or already used. */
  async consume(state: string): Promise<string | null> {
    return this.redis.getdel(this.key(state));
  }

  private key(state: string): string {
    return `oauth:google:state:${createHash('sha256').update(state).digest('hex')}`;
  }
}
