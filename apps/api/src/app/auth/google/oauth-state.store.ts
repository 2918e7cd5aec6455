import { REDIS } from '@ddx/server-queue';
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const OAUTH_STATE_TTL_SECONDS = 600;

/** What the browser that started an attempt holds: a cookie named after the state, carrying a random nonce. */
export interface OAuthBrowserBinding {
  cookieName: string;
  nonce: string;
}

export type OAuthStateCheck = { ok: true; codeVerifier: string } | { ok: false; reason: 'unknown' | 'other_browser' };

interface StoredState {
  codeVerifier: string;
  /** SHA-256 of the browser nonce; the nonce itself lives only in the cookie. */
  nonceHash: string;
}

/**
 * Google sign-in `state` values: random, kept in Redis for ten minutes with
 * the PKCE code verifier of that attempt, usable once (GETDEL is atomic, so
 * two replicas cannot both accept it), and bound to the browser that asked
 * for it: without the cookie set at the start, a state is refused, so
 * nobody can complete their own sign-in inside someone else's browser
 * (login CSRF).
 */
@Injectable()
export class OAuthStateStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async create(): Promise<{ state: string; codeVerifier: string; binding: OAuthBrowserBinding }> {
    const state = randomBytes(32).toString('base64url');
    const codeVerifier = randomBytes(48).toString('base64url');
    const nonce = randomBytes(32).toString('base64url');
    const stored: StoredState = { codeVerifier, nonceHash: sha256(nonce) };
    await this.redis.set(this.key(state), JSON.stringify(stored), 'EX', OAUTH_STATE_TTL_SECONDS);
    return { state, codeVerifier, binding: { cookieName: oauthCookieName(state), nonce } };
  }

  /**
   * Uses up `state` (whatever the outcome: a state shown to the wrong
   * browser is spent) and returns its code verifier when `nonce` is the one
   * its browser was given.
   */
  async consume(state: string, nonce: string | undefined): Promise<OAuthStateCheck> {
    const raw = await this.redis.getdel(this.key(state));
    const stored = raw ? parse(raw) : null;
    if (!stored) return { ok: false, reason: 'unknown' };
    if (!nonce || !sameHash(sha256(nonce), stored.nonceHash)) return { ok: false, reason: 'other_browser' };
    return { ok: true, codeVerifier: stored.codeVerifier };
  }

  private key(state: string): string {
    return `oauth:google:state:${sha256(state)}`;
  }
}

/** One cookie per attempt, so two tabs signing in at once do not overwrite each other's. */
export function oauthCookieName(state: string): string {
  return `ddx_gsi_${sha256(state).slice(0, 16)}`;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function parse(raw: string): StoredState | null {
  try {
    const value = JSON.parse(raw) as Partial<StoredState>;
    return typeof value.codeVerifier === 'string' && typeof value.nonceHash === 'string' ? { codeVerifier: value.codeVerifier, nonceHash: value.nonceHash } : null;
  } catch {
    // A value from before browser binding (a bare verifier): treat as unknown, the user starts again.
    return null;
  }
}
