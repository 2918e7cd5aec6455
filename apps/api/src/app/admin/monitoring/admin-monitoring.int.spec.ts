import { Alerts, MonitoringApiRoutes, MonitoringHealth, QueueStatus, RequestMetrics, RouteMetrics, ServicesStatus } from '@ddx/contracts';
import { randomBytes, randomUUID } from 'node:crypto';

import { startTestApp, TestApp } from '../../../testing/test-app';
import { AdminWorld, closedPort, MiB, sleep } from '../testing/admin-world';

jest.setTimeout(180_000);

const METRICS_TOKEN = 'metrics-token-for-the-monitoring-tests';
const ACCOUNTS_ROUTE = '/api/v1/admin/storage/accounts/:id';
const CHECK_ROUTE = '/api/v1/admin/storage/accounts/:id/check';
const HEALTH_ROUTE = '/api/v1/health';

/** Polls `read` until `done` holds; returns the last value (the caller's expect then says what was wrong). */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > deadline) return v;
    await sleep(250);
  }
}

describe('admin monitoring and GET /metrics (real api replicas, Redis, FerretDB, Drive emulator, WebDAV)', () => {
  let world: AdminWorld;
  /** A second replica of the same install (same database and Redis prefix) whose WebDAV URL points at a closed port. */
  let replica: TestApp;

  const metrics = (window = '5m', url = world.api.url) =>
    fetch(`${url}${MonitoringApiRoutes.requests}?window=${window}`, { headers: { Authorization: `Bearer ${world.adminToken}` } }).then(async (r) => {
      expect(r.status).toBe(200);
      return (await r.json()) as RequestMetrics;
    });
  const routeOf = (m: RequestMetrics, method: string, route: string): RouteMetrics | undefined => m.routes.find((r) => r.method === method && r.route === route);
  const get = async <T>(path: string, token = world.adminToken, base = world.api.url): Promise<{ status: number; body: T; ms: number }> => {
    const started = Date.now();
    const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as T, ms: Date.now() - started };
  };
  const scrape = (token?: string) => fetch(`${world.api.url}/metrics`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    world = await AdminWorld.start('monitoring', { env: { METRICS_TOKEN } });
    replica = await startTestApp({ ...world.env, WEBDAV_URL: `http://127.0.0.1:${await closedPort()}` });
  });

  afterAll(async () => {
    await replica?.close();
    await world?.close();
  });

  it('counts real requests per route template (never raw ids), status class and latency, across replicas', async () => {
    const [account] = await world.pool.list();
    expect(account).toBeDefined();
    const ids = Array.from({ length: 6 }, () => `missing-${randomUUID()}`);
    for (const id of ids) expect((await world.req('GET', `/api/v1/admin/storage/accounts/${id}`, world.adminToken)).status).toBe(404);
    for (let i = 0; i < 5; i++) expect((await fetch(`${world.api.url}${HEALTH_ROUTE}`)).status).toBe(200);
    for (let i = 0; i < 7; i++) expect((await fetch(`${replica.url}${HEALTH_ROUTE}`)).status).toBe(200);
    const unknownId = randomUUID();
    expect((await fetch(`${world.api.url}/api/v1/no-such-thing/${unknownId}`)).status).toBe(404);
    // Drive answers each about() after 300 ms, so the account check takes at least that long.
    await world.control.addFault({ kind: 'delay', delayMs: 300, route: 'about.get', count: 4 });
    for (let i = 0; i < 4; i++) expect((await world.req('POST', `/api/v1/admin/storage/accounts/${account?._id}/check`, world.adminToken)).status).toBe(200);

    // The replica flushes its counts to Redis every few seconds; this replica flushes before reading.
    const m = await until(() => metrics(), (v) => routeOf(v, 'GET', HEALTH_ROUTE)?.count === 12);
    const accounts = routeOf(m, 'GET', ACCOUNTS_ROUTE);
    expect(accounts).toMatchObject({ count: 6, status: { '2xx': 0, '3xx': 0, '4xx': 6, '5xx': 0 }, client_error_rate: 1, error_rate: 0 });
    const health = routeOf(m, 'GET', HEALTH_ROUTE);
    expect(health).toMatchObject({ count: 12, status: { '2xx': 12, '4xx': 0, '5xx': 0 }, error_rate: 0 });
    const check = routeOf(m, 'POST', CHECK_ROUTE);
    expect(check?.count).toBe(4);
    expect(check?.avg_ms).toBeGreaterThanOrEqual(300);
    // p50 falls in the (250, 500] ms bucket or above; percentiles are ordered.
    expect(check?.p50_ms).toBeGreaterThanOrEqual(250);
    expect((check?.p50_ms ?? 0) <= (check?.p95_ms ?? 0) && (check?.p95_ms ?? 0) <= (check?.p99_ms ?? 0)).toBe(true);
    expect(health?.p50_ms).not.toBeNull();
    expect(health?.p50_ms as number).toBeLessThan(check?.p50_ms as number);
    expect(routeOf(m, 'GET', '(unmatched api route)')?.count).toBe(1);
    // No raw URL became a label.
    const all = JSON.stringify(m.routes);
    for (const id of [...ids, unknownId, account?._id as string]) expect(all).not.toContain(id);
    expect(m.totals.count).toBeGreaterThanOrEqual(6 + 12 + 4 + 1);
    expect(m).toMatchObject({ window: '5m', resolution: 'minute' });

    // The other replica reads the same totals from Redis, and the day view (hourly hashes) holds them too.
    expect(routeOf(await metrics('5m', replica.url), 'GET', ACCOUNTS_ROUTE)?.count).toBe(6);
    const day = await metrics('24h');
    expect(day.resolution).toBe('hour');
    expect(routeOf(day, 'GET', HEALTH_ROUTE)?.count).toBe(12);

    expect((await get(`${MonitoringApiRoutes.requests}?window=2d`)).status).toBe(400);
  });

  it('GET /metrics: Prometheus text with route templates, process, upload and queue metrics, behind the bearer token', async () => {
    expect((await scrape()).status).toBe(401);
    const wrong = await scrape('not-the-metrics-token-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('Bearer');
    // An admin token is not the metrics token.
    expect((await scrape(world.adminToken)).status).toBe(401);

    await world.upload(randomBytes(MiB), { filename: 'metrics.bin' });
    const res = await scrape(METRICS_TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^# HELP ddx_http_requests_total /m);
    expect(text).toMatch(/^# TYPE ddx_http_request_duration_seconds histogram$/m);
    expect(text).toContain(`ddx_http_requests_total{method="GET",route="${ACCOUNTS_ROUTE}",status_class="4xx"} 6`);
    expect(text).toContain(`ddx_http_requests_total{method="GET",route="${HEALTH_ROUTE}",status_class="2xx"} 5`);
    expect(text).toMatch(new RegExp(`^ddx_http_request_duration_seconds_bucket\\{le="0\\.25",method="POST",route="${CHECK_ROUTE.replace(/[/:]/g, '\\$&')}"\\} 0$`, 'm'));
    expect(text).toMatch(new RegExp(`^ddx_http_request_duration_seconds_count\\{method="POST",route="${CHECK_ROUTE.replace(/[/:]/g, '\\$&')}"\\} 4$`, 'm'));
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(text).toMatch(/^ddx_uploads_completed_total 1$/m);
    expect(text).toMatch(new RegExp(`^ddx_uploaded_bytes_total ${MiB}$`, 'm'));
    // No worker runs: the new file's backup job waits in the queue.
    expect(text).toMatch(/^ddx_queue_jobs\{queue="backup",state="waiting"\} 1$/m);
    expect(text).toMatch(/^ddx_drive_accounts\{health="healthy",enabled="true"\} 1$/m);
    expect(text).not.toContain('metrics-token');
  });

  it('health and queues answer with measured probes; a user token and a missing token are refused', async () => {
    const user = await world.registerUser('monitoring-user');
    for (const path of Object.values(MonitoringApiRoutes)) {
      expect((await get(path, user.token)).status).toBe(401);
      expect((await fetch(`${world.api.url}${path}`)).status).toBe(401);
    }

    const health = await get<MonitoringHealth>(MonitoringApiRoutes.health);
    expect(health.status).toBe(200);
    const byName = Object.fromEntries(health.body.probes.map((p) => [p.name, p]));
    expect(byName['mongo']).toMatchObject({ status: 'up' });
    expect(byName['redis']).toMatchObject({ status: 'up' });
    expect(byName['mongo']?.latency_ms).toEqual(expect.any(Number));
    // No worker process in this test: nobody consumes the queues.
    expect(byName['worker']).toMatchObject({ status: 'down', detail: 'no worker is consuming the queues' });
    expect(health.body.status).toBe('degraded');
    expect(health.body.disk?.total_bytes).toBeGreaterThan(0);
    expect(health.body.process.pid).toBe(process.pid);

    const queues = await get<QueueStatus>(MonitoringApiRoutes.queues);
    expect(queues.status).toBe(200);
    const backup = queues.body.queues.find((q) => q.name === 'backup');
    expect(backup).toMatchObject({ status: 'up', workers: 0, waiting: 1, depth: 1 });
    expect(queues.body.queues.map((q) => q.name)).toEqual(expect.arrayContaining(['backup', 'cleanup', 'maintenance', 'system']));

    // With a worker, the health probe sees its connections.
    const worker = await world.startWorker();
    const withWorker = await until(
      () => get<MonitoringHealth>(MonitoringApiRoutes.health),
      (r) => r.body.probes.find((p) => p.name === 'worker')?.status === 'up',
    );
    expect(withWorker.body.probes.find((p) => p.name === 'worker')).toMatchObject({ status: 'up' });
    // …and the backup queue drains as it copies the waiting file.
    const drained = await until(
      () => get<QueueStatus>(MonitoringApiRoutes.queues),
      (r) => r.body.queues.find((q) => q.name === 'backup')?.depth === 0,
    );
    expect(drained.body.queues.find((q) => q.name === 'backup')).toMatchObject({ depth: 0, workers: expect.any(Number) });
    await world.stopWorker(worker);
  });

  it('third-party status is measured live: a WebDAV server that is not there and a failing or hanging Drive show as down', async () => {
    const ok = await get<ServicesStatus>(MonitoringApiRoutes.services);
    expect(ok.status).toBe(200);
    expect(ok.body.mongo.status).toBe('up');
    expect(ok.body.redis.status).toBe('up');
    expect(ok.body.webdav).toMatchObject({ status: 'up' });
    expect(ok.body.webdav.target).not.toContain(world.webdav.password);
    expect(ok.body.drive.status).toBe('up');
    expect(ok.body.drive.accounts).toHaveLength(1);
    expect(ok.body.drive.accounts[0]).toMatchObject({ enabled: true, stored_health: 'healthy', live: { status: 'up' } });

    // The replica configured with a closed WebDAV port.
    const broken = await get<ServicesStatus>(MonitoringApiRoutes.services, world.adminToken, replica.url);
    expect(broken.body.webdav.status).toBe('down');
    expect(broken.body.webdav.detail).toBeTruthy();

    // Drive answers 500 to every about(): the live probe says down, the stored health is untouched.
    await world.control.addFault({ kind: 'server_error', status: 500, route: 'about.get', count: -1 });
    const failing = await get<ServicesStatus>(MonitoringApiRoutes.services);
    expect(failing.body.drive.status).toBe('down');
    expect(failing.body.drive.accounts[0]).toMatchObject({ stored_health: 'healthy', live: { status: 'down' } });
    await world.control.clearFaults();

    // Drive hangs: the probe gives up after its timeout instead of blocking the answer.
    await world.control.addFault({ kind: 'delay', delayMs: 8000, route: 'about.get', count: 1 });
    const hanging = await get<ServicesStatus>(MonitoringApiRoutes.services);
    expect(hanging.body.drive.accounts[0]?.live).toMatchObject({ status: 'down', latency_ms: null, detail: `no answer within ${hanging.body.probe_timeout_ms} ms` });
    expect(hanging.ms).toBeLessThan(7000);
    await world.control.clearFaults();
    expect((await get<ServicesStatus>(MonitoringApiRoutes.services)).body.drive.status).toBe('up');
  });

  it('alerts fire when a measured value crosses the threshold a superadmin sets', async () => {
    const alerts = async () => {
      const r = await get<Alerts>(MonitoringApiRoutes.alerts);
      expect(r.status).toBe(200);
      return r.body;
    };
    const find = (a: Alerts, key: string) => a.alerts.find((x) => x.key === key);
    const setThresholds = async (patch: Record<string, number>) => expect((await world.req('PATCH', '/api/v1/admin/config/settings', world.rootToken, patch)).status).toBe(200);

    // An admin (not superadmin) cannot change thresholds.
    expect((await world.req('PATCH', '/api/v1/admin/config/settings', world.adminToken, { alertDiskFreeMinPercent: 50 })).status).toBe(403);

    // The worker of the previous test copied the first file; this one's backup job waits (no worker now).
    const fileId = await world.upload(randomBytes(64 * 1024), { filename: 'lost-copy.bin' });

    await setThresholds({ alertDiskFreeMinPercent: 0, alertProcessMemoryMaxBytes: 64 * 1024 ** 3, alertBackupQueueDepthMax: 100, alertBackupFailures24hMax: 0, alertUnhealthyAccountsMax: 0 });
    const calm = await alerts();
    expect(calm.firing).toBe(0);
    expect(find(calm, 'backup_queue_depth')).toMatchObject({ firing: false, value: 1, threshold: 100 });

    await setThresholds({ alertDiskFreeMinPercent: 100, alertProcessMemoryMaxBytes: 1024, alertBackupQueueDepthMax: 0 });
    const hot = await alerts();
    expect(find(hot, 'disk_free')).toMatchObject({ firing: true, severity: 'critical', threshold: 100, comparison: 'below', setting: 'alertDiskFreeMinPercent' });
    expect(find(hot, 'process_memory')).toMatchObject({ firing: true, threshold: 1024 });
    expect(find(hot, 'process_memory')?.value).toBeGreaterThan(1024);
    expect(find(hot, 'backup_queue_depth')).toMatchObject({ firing: true, value: 1, threshold: 0 });
    expect(find(hot, 'backup_queue_depth')?.message).toContain('1 backup jobs');
    expect(hot.firing).toBe(3);

    // Drive refuses the account's token: the account check marks it unhealthy.
    const [account] = await world.pool.list();
    await world.control.addFault({ kind: 'revoked_token', route: 'about.get', count: -1 });
    await world.req('POST', `/api/v1/admin/storage/accounts/${account?._id}/check`, world.adminToken);
    await world.control.clearFaults();
    expect(find(await alerts(), 'unhealthy_accounts')).toMatchObject({ firing: true, value: 1, threshold: 0 });
    await setThresholds({ alertUnhealthyAccountsMax: 1 });
    expect(find(await alerts(), 'unhealthy_accounts')).toMatchObject({ firing: false, value: 1 });

    // A backup marked failed for good within the day.
    await world.db.collection('files').updateOne({ _id: fileId as never }, { $set: { backupStatus: 'failed', backupError: 'WebDAV refused', updatedAt: new Date() } });
    expect(find(await alerts(), 'backup_failures_24h')).toMatchObject({ firing: true, value: 1, threshold: 0 });
  });
});
