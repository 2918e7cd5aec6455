import { ApiRoutes } from '@ddx/contracts';
import { spawnRedisServer } from '@ddx/local-services';
import { AllQueues } from '@ddx/server-queue';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';

import { startTestApp, TestApp, testEnv } from '../../testing/test-app';
import { call, uniqueEmail } from './testing/http';

const PASSWORD = 'correct horse battery';
const ROOT = { email: 'root@example.org', password: 'Root-pass-for-tests-9' };

describe('brute-force limits per client IP (Redis)', () => {
  let api: TestApp;
  const from = (ip: string) => ({ 'X-Forwarded-For': ip });

  beforeAll(async () => {
    api = await startTestApp(
      testEnv('ratelimit', { AUTH_LOGIN_MAX_FAILURES_PER_IP: '3', AUTH_REGISTER_MAX_PER_IP_PER_HOUR: '2', AUTH_RESET_REQUESTS_MAX_PER_HOUR: '2' }),
    );
  });

  afterAll(async () => {
    await api?.app.get<Connection>(getConnectionToken()).dropDatabase().catch(() => undefined);
    await api?.close();
  });

  it('limits registrations per IP, with Retry-After', async () => {
    for (let i = 0; i < 2; i++) {
      const ok = await call(api.url, 'POST', ApiRoutes.auth.register, { json: { email: uniqueEmail('r'), password: PASSWORD }, headers: from('198.51.100.1') });
      expect(ok.status).toBe(201);
    }
    const third = await call(api.url, 'POST', ApiRoutes.auth.register, { json: { email: uniqueEmail('r'), password: PASSWORD }, headers: from('198.51.100.1') });
    expect(third.status).toBe(429);
    expect(third.body['error']).toBe('RATE_LIMITED');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(3500);
    const elsewhere = await call(api.url, 'POST', ApiRoutes.auth.register, { json: { email: uniqueEmail('r'), password: PASSWORD }, headers: from('198.51.100.2') });
    expect(elsewhere.status).toBe(201);
  });

  it('limits failed sign-ins per IP across accounts; successful ones do not count', async () => {
    const ip = from('198.51.100.3');
    const email = uniqueEmail('victim');
    await call(api.url, 'POST', ApiRoutes.auth.register, { json: { email, password: PASSWORD }, headers: from('198.51.100.4') });
    for (let i = 0; i < 5; i++) {
      expect((await call(api.url, 'POST', ApiRoutes.auth.token, { form: { username: email, password: PASSWORD }, headers: ip })).status).toBe(200);
    }
    for (let i = 0; i < 3; i++) {
      const res = await call(api.url, 'POST', ApiRoutes.auth.token, { form: { username: uniqueEmail('guess'), password: 'wrong guess here' }, headers: ip });
      expect(res.status).toBe(401);
    }
    const blocked = await call(api.url, 'POST', ApiRoutes.auth.token, { form: { username: uniqueEmail('guess'), password: 'wrong guess here' }, headers: ip });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    // Admin sign-in counts separately but the same way.
    for (let i = 0; i < 3; i++) {
      await call(api.url, 'POST', ApiRoutes.adminAuth.token, { json: { email: uniqueEmail('g'), password: 'wrong guess here' }, headers: ip });
    }
    expect((await call(api.url, 'POST', ApiRoutes.adminAuth.token, { json: { email: uniqueEmail('g'), password: 'x' }, headers: ip })).status).toBe(429);
  });

  it('limits password-reset requests per IP and per e-mail', async () => {
    const email = uniqueEmail('forgetful');
    for (let i = 0; i < 2; i++) {
      expect((await call(api.url, 'POST', ApiRoutes.auth.forgotPassword, { json: { email }, headers: from(`198.51.100.${10 + i}`) })).status).toBe(200);
    }
    const perAccount = await call(api.url, 'POST', ApiRoutes.auth.forgotPassword, { json: { email }, headers: from('198.51.100.12') });
    expect(perAccount.status).toBe(429);
    for (let i = 0; i < 2; i++) {
      await call(api.url, 'POST', ApiRoutes.auth.forgotPassword, { json: { email: uniqueEmail('f') }, headers: from('198.51.100.20') });
    }
    const perIp = await call(api.url, 'POST', ApiRoutes.auth.forgotPassword, { json: { email: uniqueEmail('f') }, headers: from('198.51.100.20') });
    expect(perIp.status).toBe(429);
  });
});

describe('when Redis is down', () => {
  let api: TestApp;
  let redis: Awaited<ReturnType<typeof spawnRedisServer>>;
  let steadyEmail: string;

  beforeAll(async () => {
    redis = await spawnRedisServer();
    api = await startTestApp(testEnv('redisdown', { REDIS_URL: redis.url, SUPERADMIN_EMAIL: ROOT.email, SUPERADMIN_PASSWORD: ROOT.password }));
    const email = uniqueEmail('steady');
    await call(api.url, 'POST', ApiRoutes.auth.register, { json: { email, password: PASSWORD } });
    steadyEmail = email;
    await redis.process?.stop();
  });

  afterAll(async () => {
    // Back up first, so the app's queue connections can close cleanly.
    if (redis?.port) {
      redis = await spawnRedisServer({ port: redis.port });
      // BullMQ's connections are mid-backoff; let them reconnect before closing.
      await Promise.all(api.app.get(AllQueues).list().map((queue) => queue.waitUntilReady()));
    }
    await api?.app.get<Connection>(getConnectionToken()).dropDatabase().catch(() => undefined);
    await api?.close();
    await redis?.process?.stop();
  });

  it('user sign-in fails open (users are not locked out by an outage)', async () => {
    const email = steadyEmail;
    const res = await call(api.url, 'POST', ApiRoutes.auth.token, { form: { username: email, password: PASSWORD } });
    expect(res.status).toBe(200);
    expect((await call(api.url, 'GET', ApiRoutes.auth.me, { token: res.body['access_token'] as string })).status).toBe(200);
  });

  it('admin sign-in and password-reset e-mails fail closed with 503', async () => {
    const admin = await call(api.url, 'POST', ApiRoutes.adminAuth.token, { json: ROOT });
    expect(admin.status).toBe(503);
    expect(admin.body['error']).toBe('SERVICE_UNAVAILABLE');
    const forgot = await call(api.url, 'POST', ApiRoutes.auth.forgotPassword, { json: { email: ROOT.email } });
    expect(forgot.status).toBe(503);
  });
});
