import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Browser } from 'playwright-core';

import { launchBrowser, newContext, screenshot, watchForErrors } from './support/browser';
import { RunningProduct, startProduct } from './support/product';

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

describe('admin panel', () => {
  let product: RunningProduct;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
    product = await startProduct('webe2eadmin');
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  it('superadmin signs in → live dashboard → suspends a user (their token stops working) → adds a storage account → backups summary', async () => {
    // --- a regular user with a working session
    const email = `bob.${Date.now()}@example.org`;
    const password = 'a long and unusual passphrase 8';
    const reg = await fetch(`${product.url}/api/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    expect(reg.status).toBeLessThan(300);
    const tok = await fetch(`${product.url}/api/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: email, password }) });
    const { access_token: userToken } = (await tok.json()) as { access_token: string };
    const me = () => fetch(`${product.url}/api/v1/auth/users/me`, { headers: { authorization: `Bearer ${userToken}` } }).then((r) => r.status);
    expect(await me()).toBe(200);

    const admin = await superadminFromLog(product.dir);
    const context = await newContext(browser, product.url);
    const page = await context.newPage();
    const errors = watchForErrors(page);

    // --- guard, then sign in
    await page.goto('/admin/users');
    await page.waitForURL('**/admin/login');
    await page.locator('[data-testid="admin-email"]').fill(admin.email);
    await page.locator('[data-testid="admin-password"]').fill(admin.password);
    await page.locator('[data-testid="admin-submit"]').click();
    await page.waitForURL('**/admin/dashboard');
    await page.locator('[data-testid="admin-role"]', { hasText: 'superadmin' }).waitFor();
    await page.locator('[data-testid="admin-nav-settings"]').waitFor();

    // --- live dashboard: socket open and a system snapshot within a few seconds
    await page.locator('[data-testid="live-state"]', { hasText: 'Live' }).waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="system-snapshot"]').waitFor({ timeout: 15_000 });
    await screenshot(page, 'admin-01-dashboard');

    // --- users: find, suspend with a reason
    await page.locator('[data-testid="admin-nav-users"]').click();
    await page.locator('[data-testid="user-search"]').fill(email);
    await page.locator('[data-testid="user-search-submit"]').click();
    const row = page.locator(`[data-testid="user-row-${email}"]`);
    await row.waitFor();
    await row.locator('[data-testid="user-suspend"]').click();
    await page.locator('[data-testid="moderation-confirm"]').click();
    await page.locator('[data-testid="field-error"]', { hasText: 'A reason is required.' }).waitFor();
    await page.locator('[data-testid="moderation-reason"]').fill('e2e: spam reports');
    await page.locator('[data-testid="moderation-confirm"]').click();
    await row.locator('[data-testid="user-status"]', { hasText: 'suspended' }).waitFor();
    await screenshot(page, 'admin-02-user-suspended');
    expect([401, 403]).toContain(await me());

    // --- storage: add an emulator account with OAuth credentials
    const res = await fetch(`${product.emulator.url}/__emulator/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBeLessThan(300);
    const account = (await res.json()) as { email: string; credentials: { oauth: { client_id: string; client_secret: string; refresh_token: string } } };
    await page.locator('[data-testid="admin-nav-storage"]').click();
    await page.locator('[data-testid="storage-table"]').waitFor();
    await page.locator('[data-testid="storage-add"]').click();
    // a refresh token Google refuses: the API's error is shown in the form
    await page.locator('[data-testid="storage-label"]').fill('e2e added');
    await page.locator('[data-testid="storage-client-id"]').fill(account.credentials.oauth.client_id);
    await page.locator('[data-testid="storage-client-secret"]').fill(account.credentials.oauth.client_secret);
    await page.locator('[data-testid="storage-refresh-token"]').fill('1//not-a-real-token');
    await page.locator('[data-testid="storage-add-submit"]').click();
    await page.locator('[data-testid="storage-add-error"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="storage-refresh-token"]').fill(account.credentials.oauth.refresh_token);
    await page.locator('[data-testid="storage-add-submit"]').click();
    const accountRow = page.locator(`[data-testid="storage-row-${account.email}"]`);
    await accountRow.waitFor({ timeout: 30_000 });
    await accountRow.locator('[data-testid="storage-disable"]').click();
    await page.locator('[data-testid="confirm-ok"]').click();
    await accountRow.locator('[data-testid="storage-disabled"]').waitFor();
    await screenshot(page, 'admin-03-storage');

    // --- backups: the summary with a reachable WebDAV
    await page.locator('[data-testid="admin-nav-backups"]').click();
    await page.locator('[data-testid="backup-summary"]').waitFor();
    await page.locator('[data-testid="webdav-state"]', { hasText: /^\s*reachable\s*$/ }).waitFor();
    await page.locator('[data-testid="failed-backups"]').waitFor();
    await screenshot(page, 'admin-04-backups');

    // --- settings load; sign out ends the admin session
    await page.locator('[data-testid="admin-nav-settings"]').click();
    await page.locator('[data-testid="settings-save"]').waitFor();
    await page.locator('[data-testid="admin-sign-out"]').click();
    await page.waitForURL('**/admin/login');

    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);
});
