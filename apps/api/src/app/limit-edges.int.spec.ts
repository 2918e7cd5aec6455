import { DailyUsageRepository, UserStorageRepository, usageKey } from '@ddx/server-database';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';

import { startTestApp, TestApp, testEnv } from '../testing/test-app';
import { hashResetToken } from './auth/auth.service';
import { PasswordResetTokenRepository } from './auth/password-reset-token.repository';
import { UserRepository } from './users/user.repository';

/**
 * The edges that only the database decides: the conditional updates behind
 * the daily limit and the storage quota, and the stored expiry of a
 * password-reset link (FerretDB has no TTL index). Each is checked exactly at
 * the edge and one unit past it.
 */
describe('limits and expiries decided by the database, on both sides of the edge', () => {
  let api: TestApp;
  let db: Connection;

  beforeAll(async () => {
    api = await startTestApp(testEnv('limit-edges'));
    db = api.app.get<Connection>(getConnectionToken());
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await api?.close();
  });

  it('daily limit: a charge that reaches the limit exactly is accepted, the next byte is refused and nothing is charged for it', async () => {
    const daily = api.app.get(DailyUsageRepository);
    const key = usageKey('ip', `edge-${randomUUID()}`, '2026-06-01');
    expect(await daily.tryConsume(key, 600, 1000)).toBe(true);
    expect(await daily.tryConsume(key, 400, 1000)).toBe(true);
    expect(await daily.used(key)).toBe(1000);
    expect(await daily.tryConsume(key, 1, 1000)).toBe(false);
    expect(await daily.used(key)).toBe(1000);
    // A single file larger than the whole allowance never gets a counter.
    const fresh = usageKey('ip', `edge-${randomUUID()}`, '2026-06-01');
    expect(await daily.tryConsume(fresh, 1001, 1000)).toBe(false);
    expect(await daily.tryConsume(fresh, 1000, 1000)).toBe(true);
  });

  it('storage quota: a reservation of exactly the free space is accepted, one byte more is refused and reserves nothing', async () => {
    const users = api.app.get(UserRepository);
    const storage = api.app.get(UserStorageRepository);
    const user = await users.create({ email: `quota-${randomUUID()}@example.org`, passwordHash: null, role: 'regular', storageQuotaBytes: 5000 });
    expect(await storage.reserve(user.id, 3000)).toBe(true);
    expect(await storage.reserve(user.id, 2001)).toBe(false);
    expect(await storage.get(user.id)).toEqual({ quota: 5000, used: 0, reserved: 3000, free: 2000 });
    expect(await storage.reserve(user.id, 2000)).toBe(true);
    expect(await storage.get(user.id)).toMatchObject({ reserved: 5000, free: 0 });
    expect(await storage.reserve(user.id, 1)).toBe(false);
  });

  it('password-reset link: usable until the millisecond before its expiry, refused at it', async () => {
    const resets = api.app.get(PasswordResetTokenRepository);
    const issuedAt = new Date('2026-06-01T12:00:00.000Z');
    const expiresAt = new Date(issuedAt.getTime() + 30 * 60_000);
    const hash = hashResetToken(`edge-${randomUUID()}`);
    await resets.issue('user-1', hash, expiresAt, issuedAt);
    const justBefore = new Date(expiresAt.getTime() - 1);
    expect(await resets.findUsable(hash, justBefore)).toEqual({ userId: 'user-1', expiresAt });
    expect(await resets.findUsable(hash, expiresAt)).toBeNull();
    expect(await resets.consume(hash, expiresAt)).toBeNull();
    // Refusing at the edge did not use it up: a moment earlier it still works, once.
    expect(await resets.consume(hash, justBefore)).toEqual({ userId: 'user-1', expiresAt });
    expect(await resets.consume(hash, justBefore)).toBeNull();
  });

  it("password-reset link: a user's newer link retires the older one", async () => {
    const resets = api.app.get(PasswordResetTokenRepository);
    const now = new Date('2026-06-01T12:00:00.000Z');
    const later = new Date(now.getTime() + 3_600_000);
    const first = hashResetToken(`first-${randomUUID()}`);
    const second = hashResetToken(`second-${randomUUID()}`);
    await resets.issue('user-2', first, later, now);
    await resets.issue('user-2', second, later, now);
    expect(await resets.findUsable(first, now)).toBeNull();
    expect(await resets.findUsable(second, now)).not.toBeNull();
  });
});
