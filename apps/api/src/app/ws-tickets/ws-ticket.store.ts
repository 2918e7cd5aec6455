import { WS_TICKET_TTL_SECONDS } from '@ddx/contracts';
import { REDIS } from '@ddx/server-queue';
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

/** What a ticket was issued for; a socket accepts only the grant it expects. */
export const wsTicketGrantSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('upload'), fileId: z.string() }),
  /** The admin's tokenVersion and token expiry, so the socket ends when the token would have. */
  z.object({ kind: z.literal('admin'), adminId: z.string(), tokenVersion: z.number(), tokenExpiresAt: z.number() }),
]);
export type WsTicketGrant = z.infer<typeof wsTicketGrantSchema>;

export interface IssuedWsTicket {
  ticket: string;
  expiresIn: number;
}

/**
 * Short-lived single-use tickets for WebSocket URLs. A socket URL ends up in
 * proxy and access logs, so it carries a ticket instead of a token: redeemed
 * atomically (GETDEL) by whichever api replica takes the upgrade, useless
 * after that or after WS_TICKET_TTL_SECONDS. Redis keeps only its hash.
 */
@Injectable()
export class WsTicketStore {
  private readonly ttlMs: number;

  constructor(@Inject(REDIS) private readonly redis: Redis, options: { ttlMs?: number } = {}) {
    this.ttlMs = options.ttlMs ?? WS_TICKET_TTL_SECONDS * 1000;
  }

  async issue(grant: WsTicketGrant): Promise<IssuedWsTicket> {
    const ticket = randomBytes(32).toString('base64url');
    await this.redis.set(keyOf(ticket), JSON.stringify(grant), 'PX', this.ttlMs);
    return { ticket, expiresIn: Math.floor(this.ttlMs / 1000) };
  }

  /** The grant of a live, unused ticket of `kind`; null otherwise. The ticket is spent either way. */
  async redeem<K extends WsTicketGrant['kind']>(ticket: string | null, kind: K): Promise<Extract<WsTicketGrant, { kind: K }> | null> {
    if (!ticket || ticket.length > 100) return null;
    const raw = await this.redis.getdel(keyOf(ticket));
    if (!raw) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return null;
    }
    const grant = wsTicketGrantSchema.safeParse(parsed);
    return grant.success && grant.data.kind === kind ? (grant.data as Extract<WsTicketGrant, { kind: K }>) : null;
  }
}

function keyOf(ticket: string): string {
  return `ws-ticket:${createHash('sha256').update(ticket).digest('hex')}`;
}
