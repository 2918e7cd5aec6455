import { testServices } from '@ddx/local-services/testing';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';

import { WsTicketStore } from './ws-ticket.store';

describe('WsTicketStore (real Redis)', () => {
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(testServices().redisUrl, { keyPrefix: `ws-ticket-test-${randomUUID()}:` });
  });

  afterAll(() => redis.quit());

  it('redeems a ticket once, even when two replicas present it at the same moment', async () => {
    const store = new WsTicketStore(redis);
    const { ticket, expiresIn } = await store.issue({ kind: 'upload', fileId: 'f1' });
    expect(expiresIn).toBe(30);
    const results = await Promise.all([store.redeem(ticket, 'upload'), store.redeem(ticket, 'upload'), store.redeem(ticket, 'upload')]);
    expect(results.filter((r) => r !== null)).toEqual([{ kind: 'upload', fileId: 'f1' }]);
  });

  it('expires an unused ticket', async () => {
    const store = new WsTicketStore(redis, { ttlMs: 300 });
    const { ticket } = await store.issue({ kind: 'upload', fileId: 'f2' });
    await new Promise((r) => setTimeout(r, 600));
    expect(await store.redeem(ticket, 'upload')).toBeNull();
  });

  it('gives nothing for a ticket of another kind, and spends it', async () => {
    const store = new WsTicketStore(redis);
    const { ticket } = await store.issue({ kind: 'admin', adminId: 'a1', tokenVersion: 3, tokenExpiresAt: 1 });
    expect(await store.redeem(ticket, 'upload')).toBeNull();
    expect(await store.redeem(ticket, 'admin')).toBeNull();
  });

  it('keeps only a hash of the ticket in Redis', async () => {
    const store = new WsTicketStore(redis);
    const { ticket } = await store.issue({ kind: 'upload', fileId: 'f3' });
    const keys = await redis.keys(`${redis.options.keyPrefix}ws-ticket:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join(' ')).not.toContain(ticket);
  });

  it('refuses missing and absurd tickets without asking Redis', async () => {
    const store = new WsTicketStore(redis);
    expect(await store.redeem(null, 'upload')).toBeNull();
    expect(await store.redeem('', 'upload')).toBeNull();
    expect(await store.redeem('x'.repeat(10_000), 'upload')).toBeNull();
  });
});
