import { ApiRoutes } from '@ddx/contracts';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';

import { startTestApp, TestApp, testEnv } from '../../testing/test-app';
import { call, uniqueEmail } from '../auth/testing/http';
import { SETTINGS_DEFAULTS, settingsSchema } from './settings.definitions';
import { SettingsService } from './settings.service';

describe('settings shared by api replicas', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const env = testEnv('settings', { SETTINGS_CACHE_TTL_MS: '400' });
    [a, b] = await Promise.all([startTestApp(env), startTestApp(env)]);
  });

  afterAll(async () => {
    await a?.app.get<Connection>(getConnectionToken()).dropDatabase().catch(() => undefined);
    await Promise.all([a?.close(), b?.close()]);
  });

  const register = (api: TestApp) => call(api.url, 'POST', ApiRoutes.auth.register, { json: { email: uniqueEmail('s'), password: 'correct horse battery' } });

  it('starts from the typed defaults', async () => {
    expect(await a.app.get(SettingsService).getAll()).toEqual(SETTINGS_DEFAULTS);
    expect(settingsSchema.safeParse(SETTINGS_DEFAULTS).success).toBe(true);
  });

  it('a change made on one replica is enforced by the other within the cache TTL', async () => {
    expect((await register(b)).status).toBe(201); // b has now cached "open"
    await a.app.get(SettingsService).update({ registrationOpen: false }, 'test');
    expect((await register(a)).status).toBe(403); // at once where it was changed
    const deadline = Date.now() + 2000;
    let status = 0;
    while (Date.now() < deadline && status !== 403) {
      status = (await register(b)).status;
      if (status !== 403) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(403);
    await a.app.get(SettingsService).update({ registrationOpen: true }, 'test');
  });

  it('enforces the password minimum length setting', async () => {
    await a.app.get(SettingsService).update({ passwordMinLength: 20 }, 'test');
    const res = await call(a.url, 'POST', ApiRoutes.auth.register, { json: { email: uniqueEmail('p'), password: 'nineteen characters' } });
    expect(res.status).toBe(400);
    expect(res.body['message']).toContain('20');
    await a.app.get(SettingsService).update({ passwordMinLength: 8 }, 'test');
  });

  it('validates values and ignores unknown or corrupt stored ones', async () => {
    const settings = a.app.get(SettingsService);
    await expect(settings.update({ passwordMinLength: 4 }, 'test')).rejects.toThrow();
    await expect(settings.update({ nope: true } as never, 'test')).rejects.toThrow();
    const db = a.app.get<Connection>(getConnectionToken());
    await db.collection('settings').updateOne({ _id: 'maxLoginAttempts' as never }, { $set: { value: 'lots' } }, { upsert: true });
    await db.collection('settings').updateOne({ _id: 'fromTheFuture' as never }, { $set: { value: 1 } }, { upsert: true });
    await new Promise((r) => setTimeout(r, 450));
    expect((await settings.getAll()).maxLoginAttempts).toBe(SETTINGS_DEFAULTS.maxLoginAttempts);
  });
});
