import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Browser, Locator } from 'playwright-core';

import { launchBrowser, newContext, screenshot, watchForErrors } from './support/browser';
import { writeRandomFile } from './support/files';
import { RunningProduct, startProduct, throttleDrive } from './support/product';

const MiB = 1024 * 1024;

/** The product runs with NODE_ENV=development: the api creates a superadmin and logs its password once. */
async function superadminFromLog(dir: string): Promise<{ email: string; password: string }> {
  for (let i = 0; i < 50; i++) {
    const log = readFileSync(join(dir, 'api.log'), 'utf8');
    const m = /sign in to the admin panel with e-mail (\S+) and password (\S+) \./.exec(log);
    if (m) return { email: m[1] as string, password: m[2] as string };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('no development superadmin in api.log');
}

/** Polls a numeric data-* attribute until `ok` holds; returns the last value read. */
async function attrUntil(el: Locator, name: string, ok: (n: number) => boolean, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = Number(await el.getAttribute(name));
    if (ok(n)) return n;
    if (Date.now() > deadline) throw new Error(`${name} is still ${n} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('admin dashboard: live uploads and the throughput chart; monitoring page', () => {
  let product: RunningProduct;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ddx-web-e2e-admin-live-'));
    browser = await launchBrowser();
    product = await startProduct('webe2eadminlive');
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an upload in another browser shows live on the dashboard and moves the chart; the monitoring page reports it', async () => {
    const admin = await superadminFromLog(product.dir);
    const adminContext = await newContext(browser, product.url);
    const page = await adminContext.newPage();
    const errors = watchForErrors(page);
    await page.goto('/admin/login');
    await page.locator('[data-testid="admin-email"]').fill(admin.email);
    await page.locator('[data-testid="admin-password"]').fill(admin.password);
    await page.locator('[data-testid="admin-submit"]').click();
    await page.waitForURL('**/admin/dashboard');
    await page.locator('[data-testid="live-state"]', { hasText: 'Live' }).waitFor({ timeout: 15_000 });

    // The chart grows with every system snapshot (one every few seconds) and is drawn each time.
    const chart = page.locator('[data-testid="throughput-chart"]');
    const pointsBefore = await attrUntil(chart, 'data-points', (n) => n >= 1);
    const redrawsBefore = await attrUntil(chart, 'data-redraws', (n) => n >= 1);
    expect(Number(await chart.getAttribute('data-max-bytes-per-second'))).toBe(0);
    expect(await page.locator('[data-testid="live-uploads"]').textContent()).toContain('No upload since this page opened.');

    // Someone uploads 24 MiB from the home page; Drive's link takes 1 MiB a second, so it runs for a while
    // (the api streams the whole file into one Drive request: a delay per request would not slow it).
    const path = join(dir, 'live-dashboard.bin');
    writeRandomFile(path, 24 * MiB);
    await throttleDrive(product.emulator, 1024 * 1024);
    const visitor = await newContext(browser, product.url);
    const upload = await visitor.newPage();
    await upload.goto('/');
    await upload.locator('[data-testid="file-input"]').setInputFiles(path);
    await upload.locator('[data-testid="upload-start"]').click();

    // The dashboard shows the upload in flight with its progress…
    const row = page.locator('[data-testid="live-upload-live-dashboard.bin"]');
    await row.waitFor({ timeout: 30_000 });
    await attrUntil(row, 'data-offset', (n) => n > 0 && n < 24 * MiB);
    expect(await row.getAttribute('data-state')).toBe('uploading');
    // …and the chart's data moves: bytes per second above zero, an active upload, new points drawn.
    await attrUntil(chart, 'data-max-bytes-per-second', (n) => n > 0);
    await attrUntil(chart, 'data-max-active-uploads', (n) => n >= 1);
    expect(await attrUntil(chart, 'data-points', (n) => n > pointsBefore)).toBeGreaterThan(pointsBefore);
    expect(await attrUntil(chart, 'data-redraws', (n) => n > redrawsBefore)).toBeGreaterThan(redrawsBefore);
    await screenshot(page, 'admin-live-01-uploading');

    await throttleDrive(product.emulator, null);
    await upload.locator('[data-testid="share"]').waitFor({ timeout: 120_000 });
    await page.locator('[data-testid="live-upload-live-dashboard.bin"][data-state="completed"]').waitFor({ timeout: 30_000 });
    expect(Number(await row.getAttribute('data-offset'))).toBe(24 * MiB);
    // Once finished, the snapshots report no active upload again.
    await attrUntil(chart, 'data-last-active-uploads', (n) => n === 0);
    await screenshot(page, 'admin-live-02-completed');

    // Monitoring: the upload's api call is in the request table by route template; dependencies are up.
    await page.locator('[data-testid="admin-nav-monitoring"]').click();
    await page.waitForURL('**/admin/monitoring');
    await page.locator('[data-testid="requests-table"]').waitFor({ timeout: 30_000 });
    const initiate = page.locator('[data-testid="route-POST /api/v1/upload/initiate"]');
    await initiate.waitFor();
    expect(Number(await initiate.getAttribute('data-count'))).toBeGreaterThanOrEqual(1);
    await page.locator('[data-testid="service-mongo"] [data-testid="service-status"]', { hasText: 'up' }).waitFor();
    await page.locator('[data-testid="service-webdav"] [data-testid="service-status"]', { hasText: 'up' }).waitFor();
    await page.locator('[data-testid="service-drive-drive-1@emulator.local"] [data-testid="service-status"]', { hasText: 'up' }).waitFor();
    await page.locator('[data-testid="probe-worker"]').waitFor();
    await page.locator('[data-testid="monitoring-alerts"]').waitFor();
    expect(Number(await page.locator('[data-testid="queue-backup"]').getAttribute('data-depth'))).toBeGreaterThanOrEqual(0);
    await screenshot(page, 'admin-live-03-monitoring');

    expect(errors).toEqual([]);
    await visitor.close();
    await adminContext.close();
  }, 240_000);
  it('every admin page opens on real data without errors: reports count the upload, logs list the sign-in, settings and the rest render', async () => {
    const admin = await superadminFromLog(product.dir);
    const context = await newContext(browser, product.url);
    const page = await context.newPage();
    const errors = watchForErrors(page);
    await page.goto('/admin/login');
    await page.locator('[data-testid="admin-email"]').fill(admin.email);
    await page.locator('[data-testid="admin-password"]').fill(admin.password);
    await page.locator('[data-testid="admin-submit"]').click();
    await page.waitForURL('**/admin/dashboard');

    const open = async (path: string, title: string) => {
      await page.locator(`[data-testid="admin-nav-${path}"]`).click();
      await page.waitForURL(`**/admin/${path}`);
      await page.locator('h1', { hasText: title }).waitFor();
    };

    // Reports: the upload of the previous test is stored and counted today.
    await open('reports', 'Reports');
    await page.locator('[data-testid="report-overview"]').waitFor({ timeout: 30_000 });
    expect(Number(await page.locator('[data-testid="overview-files"]').textContent())).toBeGreaterThanOrEqual(1);
    expect(Number(await page.locator('[data-testid="period-uploads"]').textContent())).toBeGreaterThanOrEqual(1);
    await page.locator('[data-testid="chart-uploads"] canvas').waitFor();

    // Logs: this admin's sign-in is in the access log.
    await open('logs', 'Logs');
    await page.locator('[data-testid="log-tab-access"]').click();
    await page.locator('[data-testid="log-row"]', { hasText: admin.email }).first().waitFor({ timeout: 30_000 });

    for (const [path, title] of [
      ['users', 'Users'],
      ['files', 'Files'],
      ['storage', 'Storage accounts'],
      ['backups', 'Backups'],
      ['notifications', 'Notifications'],
      ['admins', 'Create admin'],
    ] as const) {
      await open(path, title);
    }
    await open('settings', 'Settings');
    await page.locator('[data-testid="setting-maintenanceMode"]').waitFor();
    await page.locator('[data-testid="setting-backupConcurrency"]').waitFor();
    await screenshot(page, 'admin-live-04-settings');

    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
  it('a notification composed in the admin panel reaches a signed-in user\'s bell, which marks it read', async () => {
    const user = { email: 'bell-user@example.com', password: 'correct horse battery staple' };
    const registered = await fetch(`${product.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(user),
    });
    expect(registered.status).toBe(201);
    const userContext = await newContext(browser, product.url);
    const userPage = await userContext.newPage();
    const errors = watchForErrors(userPage);
    await userPage.goto('/login');
    await userPage.locator('[data-testid="email"]').fill(user.email);
    await userPage.locator('[data-testid="password"]').fill(user.password);
    await userPage.locator('[data-testid="submit"]').click();
    await userPage.waitForURL('**/dashboard');
    await userPage.locator('[data-testid="notification-bell"]').waitFor();
    expect(await userPage.locator('[data-testid="notification-count"]').count()).toBe(0);

    const admin = await superadminFromLog(product.dir);
    const adminContext = await newContext(browser, product.url);
    const page = await adminContext.newPage();
    errors.push(...watchForErrors(page));
    await page.goto('/admin/login');
    await page.locator('[data-testid="admin-email"]').fill(admin.email);
    await page.locator('[data-testid="admin-password"]').fill(admin.password);
    await page.locator('[data-testid="admin-submit"]').click();
    await page.waitForURL('**/admin/dashboard');
    await page.locator('[data-testid="admin-nav-notifications"]').click();
    await page.waitForURL('**/admin/notifications');
    await page.locator('[data-testid="compose-title"]').fill('Planned maintenance');
    await page.locator('[data-testid="compose-body"]').fill('Hello {{name}}, uploads pause on Sunday at 02:00 UTC.');
    await page.locator('[data-testid="compose-submit"]').click();
    // The worker delivers it; the list shows it sent.
    await page.locator('[data-testid="notifications-table"] tr', { hasText: 'Planned maintenance' }).locator('[data-testid="notification-status"]', { hasText: 'sent' }).waitFor({ timeout: 60_000 });

    await userPage.reload();
    await userPage.locator('[data-testid="notification-count"]', { hasText: '1' }).waitFor({ timeout: 30_000 });
    await userPage.locator('[data-testid="notification-bell"]').click();
    const panel = userPage.locator('[data-testid="notification-panel"]');
    await panel.locator('li', { hasText: 'Planned maintenance' }).waitFor();
    expect(await panel.textContent()).toContain('uploads pause on Sunday');
    await screenshot(userPage, 'admin-live-05-bell');
    await panel.locator('[data-testid="notification-mark-read"]').first().click();
    await userPage.locator('[data-testid="notification-count"]').waitFor({ state: 'detached' });

    expect(errors).toEqual([]);
    await userContext.close();
    await adminContext.close();
  }, 180_000);
});
