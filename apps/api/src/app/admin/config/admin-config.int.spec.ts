import { startTestApp, TestApp, testEnv } from '../../../testing/test-app';

jest.setTimeout(60_000);
const ROOT = { email: 'root@example.com', password: 'Sup3r-admin-pass-for-tests' };

describe('settings that are enforced (admin config API)', () => {
  let api: TestApp;
  let rootAuth: Record<string, string>;
  let adminAuth: Record<string, string>;
  let userAuth: Record<string, string>;

  const json = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api.url}/api/v1/${path}`, { method, headers: { 'Content-Type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
  const patch = async (body: unknown) => {
    const res = await json('PATCH', 'admin/config/settings', body, rootAuth);
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    api = await startTestApp(testEnv('config', { SUPERADMIN_EMAIL: ROOT.email, SUPERADMIN_PASSWORD: ROOT.password, SETTINGS_CACHE_TTL_MS: '1000' }));
    rootAuth = bearer(((await (await json('POST', 'admin/auth/token', ROOT)).json()) as { access_token: string }).access_token);
    const admin = { email: 'ops@example.com', password: 'Another-admin-pass-42' };
    expect((await json('POST', 'admin/auth/create-admin', { ...admin, role: 'admin' }, rootAuth)).status).toBe(201);
    adminAuth = bearer(((await (await json('POST', 'admin/auth/token', admin)).json()) as { access_token: string }).access_token);
    await json('POST', 'auth/register', { email: 'u@example.com', password: 'correct horse battery staple' });
    userAuth = bearer(((await (await json('POST', 'auth/token', { username: 'u@example.com', password: 'correct horse battery staple' })).json()) as { access_token: string }).access_token);
  });

  afterAll(() => api?.close());

  it('every admin reads the settings; only a superadmin changes them; users neither', async () => {
    expect((await json('GET', 'admin/config/settings', undefined, adminAuth)).status).toBe(200);
    expect((await json('PATCH', 'admin/config/settings', { maxFilesPerBatch: 3 }, adminAuth)).status).toBe(403);
    expect([401, 403]).toContain((await json('GET', 'admin/config/settings', undefined, userAuth)).status);
    expect((await json('PATCH', 'admin/config/settings', { maxFilesPerBatch: 0 }, rootAuth)).status).toBe(400);
    expect((await json('PATCH', 'admin/config/settings', { nonsense: true }, rootAuth)).status).toBe(400);
    await patch({ maxFilesPerBatch: 3 });
    expect(await (await json('GET', 'admin/config/settings', undefined, adminAuth)).json()).toMatchObject({ maxFilesPerBatch: 3 });
  });

  it('maintenance mode: everyone but admins gets 503 with the message; health, sign-in and status stay open', async () => {
    await patch({ maintenanceMode: true, maintenanceMessage: 'Back at 15:00 UTC.' });
    const res = await json('GET', 'upload/quota-info');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('300');
    expect(await res.json()).toEqual({ statusCode: 503, error: 'MAINTENANCE', message: 'Back at 15:00 UTC.' });
    expect((await json('GET', 'auth/users/me', undefined, userAuth)).status).toBe(503);
    expect((await json('GET', 'health')).status).toBe(200);
    expect(await (await json('GET', 'system/status')).json()).toMatchObject({ maintenance: true, message: 'Back at 15:00 UTC.' });
    expect((await json('POST', 'auth/token', { username: 'u@example.com', password: 'correct horse battery staple' })).status).toBe(200);
    expect((await json('GET', 'admin/config/settings', undefined, adminAuth)).status).toBe(200);
    await patch({ maintenanceMode: false });
    expect((await json('GET', 'upload/quota-info')).status).toBe(200);
    expect(await (await json('GET', 'system/status')).json()).toMatchObject({ maintenance: false, message: null });
  });

  it('max files per batch, anonymous uploads and blocked types are enforced as set', async () => {
    await patch({ maxFilesPerBatch: 2 });
    const three = { files: [1, 2, 3].map((i) => ({ filename: `f${i}.txt`, size: 10, content_type: 'text/plain' })) };
    const batch = await json('POST', 'batch/initiate', three);
    expect(batch.status).toBe(400);
    expect(((await batch.json()) as { message: string }).message).toContain('at most 2');

    await patch({ anonymousUploadsAllowed: false });
    expect((await json('POST', 'upload/initiate', { filename: 'a.txt', size: 1, content_type: 'text/plain' })).status).toBe(401);
    await patch({ anonymousUploadsAllowed: true, blockedExtensions: ['.txt'] });
    const blocked = await json('POST', 'upload/initiate', { filename: 'a.TXT', size: 1, content_type: 'text/plain' });
    expect(await blocked.json()).toMatchObject({ statusCode: 400, error: 'TYPE_BLOCKED' });
  });
  it('per-file and daily limits, the default quota, blocked MIME types and sign-in limits are enforced as set', async () => {
    await patch({
      blockedExtensions: [],
      blockedMimeTypes: ['application/x-msdownload'],
      anonymousMaxFileBytes: 1000,
      userMaxFileBytes: 5000,
      absoluteMaxFileBytes: 3000,
      anonymousDailyBytes: 500,
      userDailyBytes: 100_000,
      defaultStorageQuotaBytes: 2000,
    });
    const initiate = (name: string, size: number, headers: Record<string, string> = {}, type = 'application/octet-stream') =>
      json('POST', 'upload/initiate', { filename: name, size, content_type: type }, headers);
    const error = async (res: Response) => ({ status: res.status, code: ((await res.json()) as { error: string }).error });

    // Per file: the anonymous limit, and the absolute cap over a larger user limit.
    expect(await error(await initiate('a.bin', 1001))).toEqual({ status: 413, code: 'FILE_TOO_LARGE' });
    expect(await error(await initiate('b.bin', 3001, userAuth))).toEqual({ status: 413, code: 'FILE_TOO_LARGE' });
    expect(await (await json('GET', 'upload/quota-info', undefined, userAuth)).json()).toMatchObject({ max_file_size_bytes: 3000, daily_limit_bytes: 100_000 });
    // Daily: 800 bytes pass the per-file limit but not the 500 a day.
    expect(await error(await initiate('c.bin', 800))).toEqual({ status: 403, code: 'QUOTA_EXCEEDED' });
    expect(await (await json('GET', 'upload/quota-info')).json()).toMatchObject({ max_file_size_bytes: 1000, daily_limit_bytes: 500 });
    // Blocked MIME type.
    expect(await error(await initiate('d.dat', 10, {}, 'application/x-msdownload'))).toEqual({ status: 400, code: 'TYPE_BLOCKED' });

    // The default quota is what a new account gets: 2500 bytes do not fit in 2000.
    const fresh = { email: 'fresh@example.com', password: 'correct horse battery staple' };
    expect((await json('POST', 'auth/register', fresh)).status).toBe(201);
    const freshAuth = bearer(((await (await json('POST', 'auth/token', { username: fresh.email, password: fresh.password })).json()) as { access_token: string }).access_token);
    expect(await error(await initiate('e.bin', 2500, freshAuth))).toEqual({ status: 403, code: 'QUOTA_EXCEEDED' });

    // Sign-in limits: after 2 failures the account is locked, even for the right password, for at most a minute.
    await patch({ maxLoginAttempts: 2, loginLockoutMinutes: 1 });
    for (let i = 0; i < 2; i++) expect((await json('POST', 'auth/token', { username: fresh.email, password: 'wrong password here' })).status).toBe(401);
    const locked = await json('POST', 'auth/token', { username: fresh.email, password: fresh.password });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  });
});
