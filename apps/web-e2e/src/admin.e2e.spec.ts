import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { testWebdav } from '@ddx/local-services/testing';
import { Browser, Page } from 'playwright-core';

import { launchBrowser, newContext, screenshot, until, watchForErrors } from './support/browser';
import { writeRandomFile } from './support/files';
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

/**
 * Makes the WebDAV backup target unusable for the worker and back: a plain
 * file where the backup collection's parent should be, so every MKCOL/PUT
 * below it fails (409) while the server itself stays up for other tests.
 */
class BackupTargetFault {
  private readonly aside: string;
  constructor(private readonly path: string) {
    this.aside = `${path}.e2e-aside`;
  }
  break(): void {
    if (existsSync(this.path) && statSync(this.path).isDirectory()) renameSync(this.path, this.aside);
    writeFileSync(this.path, 'not a collection\n');
  }
  restore(): void {
    if (existsSync(this.path) && statSync(this.path).isFile()) unlinkSync(this.path);
    if (existsSync(this.aside)) renameSync(this.aside, this.path);
  }
}

/** Clicks Reload on the current admin page until `read` returns `expected`. */
async function reloadUntil<T>(page: Page, read: () => Promise<T>, expected: T, timeoutMs = 60_000): Promise<void> {
  await until(
    async () => {
      const value = await read();
      if (JSON.stringify(value) !== JSON.stringify(expected)) {
        await page.locator('[data-testid="page-reload"]').click();
        await page.waitForTimeout(500);
      }
      return value;
    },
    expected,
    timeoutMs,
  );
}

describe('admin panel', () => {
  let product: RunningProduct;
  let browser: Browser;
  let dir: string;
  // The backup collection lives below a folder this spec can break (see BackupTargetFault).
  const webdav = testWebdav('webe2eadmin');
  const backupParent = `/t_e2eadmin_${randomBytes(4).toString('hex')}`;
  const fault = new BackupTargetFault(join(webdav.rootDir, backupParent));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ddx-web-e2e-admin-'));
    browser = await launchBrowser();
    // One attempt per backup, so a copy to a broken target fails at once instead of after minutes of backoff.
    product = await startProduct('webe2eadmin', { BACKUP_MAX_ATTEMPTS: '1', WEBDAV_PREFIX: `${backupParent}/backups` });
  });

  afterAll(async () => {
    fault.restore();
    await browser?.close();
    await product?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(webdav.rootDir, backupParent), { recursive: true, force: true });
  });

  it('superadmin signs in → live dashboard → suspends a user (their token stops working) → adds and removes a storage account → files: quarantine stops the public link → a failed backup is retried and completes', async () => {
    // --- an anonymous upload whose backup fails: the WebDAV target is broken first
    fault.break();
    const filename = `admin-e2e-${Date.now()}.bin`;
    writeRandomFile(join(dir, filename), 300 * 1024 + 7);
    const visitor = await newContext(browser, product.url);
    const vpage = await visitor.newPage();
    await vpage.goto('/');
    await vpage.locator('[data-testid="file-input"]').setInputFiles(join(dir, filename));
    await vpage.locator('[data-testid="upload-start"]').click();
    await vpage.locator('[data-testid="share"]').waitFor({ timeout: 120_000 });
    const link = await vpage.locator('[data-testid="share"] [data-testid="copy-value"]').inputValue();
    const fileId = /\/download\/([0-9a-f-]{36})$/.exec(link)?.[1] as string;
    expect(fileId).toBeTruthy();
    const download = async () => {
      const r = await fetch(`${product.url}/api/v1/download/stream/${fileId}`);
      await r.arrayBuffer();
      return r.status;
    };
    expect(await download()).toBe(200);

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
    // the user's own page: status with the reason, storage, files
    await row.locator('[data-testid="user-link"]').click();
    await page.locator('[data-testid="detail-status"]', { hasText: 'suspended' }).waitFor();
    await page.locator('[data-testid="user-account"]', { hasText: 'e2e: spam reports' }).waitFor();
    await page.locator('[data-testid="detail-files"]').waitFor();
    await page.locator('[data-testid="detail-reactivate"]').waitFor();
    await screenshot(page, 'admin-02b-user-detail');

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
    // it holds no files, so removing it says so and takes it out of the pool
    await accountRow.locator('[data-testid="storage-remove"]').click();
    await page.locator('[data-testid="storage-remove-message"]', { hasText: 'no files are stored on it' }).waitFor();
    await page.locator('[data-testid="storage-remove-confirm"]').click();
    await page.locator('[data-testid="storage-removal-result"]').waitFor();
    await accountRow.waitFor({ state: 'detached' });

    // --- files: find the upload, open it, quarantine it: the public link refuses
    await page.locator('[data-testid="admin-nav-files"]').click();
    await page.locator('[data-testid="files-table"]').waitFor();
    await page.locator('[data-testid="file-name-filter"]').fill(filename.slice(0, 20));
    await page.locator('[data-testid="file-owner-filter"]').fill('anonymous');
    await page.locator('[data-testid="file-search"]').click();
    const fileRow = page.locator(`[data-testid="file-row-${filename}"]`);
    await fileRow.waitFor();
    await page.locator('[data-testid="files-total"]', { hasText: '1 file ' }).waitFor();
    await screenshot(page, 'admin-04-files');
    // the orphan report compares the Drive folders with the records: nothing is out of place
    await page.locator('[data-testid="orphans-grace"]').fill('0');
    await page.locator('[data-testid="orphans-scan"]').click();
    await page.locator('[data-testid="orphans-totals"]', { hasText: '0 untracked Drive files · 0 records whose Drive file is missing' }).waitFor({ timeout: 30_000 });
    await fileRow.locator('[data-testid="file-link"]').click();
    await page.waitForURL(`**/admin/files/${fileId}`);
    await page.locator('[data-testid="drive-exists"]', { hasText: 'yes' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="served-from"]', { hasText: 'Google Drive' }).waitFor();
    await page.locator('[data-testid="file-quarantine"]').click();
    await page.locator('[data-testid="reason-confirm"]').click();
    await page.locator('[data-testid="field-error"]', { hasText: 'A reason is required.' }).waitFor();
    await page.locator('[data-testid="reason-input"]').fill('e2e: reported as malware');
    await page.locator('[data-testid="reason-confirm"]').click();
    await page.locator('[data-testid="file-quarantine-notice"]').waitFor();
    await screenshot(page, 'admin-05-file-quarantined');
    expect(await download()).toBe(404);
    await vpage.goto(link);
    await vpage.locator('[data-testid="file-missing"]').waitFor();
    // released, it downloads again
    await page.locator('[data-testid="file-release"]').click();
    await page.locator('[data-testid="file-quarantine"]').waitFor();
    expect(await download()).toBe(200);

    // --- backups: the copy failed while WebDAV was broken; fixed, a retry completes it
    await page.locator('[data-testid="admin-nav-backups"]').click();
    await page.locator('[data-testid="backup-summary"]').waitFor();
    const failedRow = page.locator(`[data-testid="failed-${fileId}"]`);
    await reloadUntil(page, () => failedRow.count(), 1);
    await page.locator('[data-testid="count-failed"]', { hasText: '1' }).waitFor();
    expect((await failedRow.textContent()) ?? '').toContain(filename);
    await screenshot(page, 'admin-06-backup-failed');
    fault.restore();
    await failedRow.locator('[data-testid="backup-retry"]').click();
    await failedRow.waitFor({ state: 'detached' });
    await reloadUntil(page, async () => (await page.locator('[data-testid="count-completed"]').textContent())?.trim(), '1');
    await page.locator('[data-testid="count-failed"]', { hasText: '0' }).waitFor();
    await page.locator('[data-testid="webdav-state"]', { hasText: /^\s*reachable\s*$/ }).waitFor();
    await screenshot(page, 'admin-07-backup-retried');
    // the file page now finds the copy on WebDAV
    await page.goto(`/admin/files/${fileId}`);
    await page.locator('[data-testid="file-detail-backup"]', { hasText: 'backed up' }).waitFor();
    await page.locator('[data-testid="backup-exists"]', { hasText: 'yes' }).waitFor({ timeout: 30_000 });

    // --- settings load; sign out ends the admin session
    await page.locator('[data-testid="admin-nav-settings"]').click();
    await page.locator('[data-testid="settings-save"]').waitFor();
    await page.locator('[data-testid="admin-sign-out"]').click();
    await page.waitForURL('**/admin/login');

    expect(errors).toEqual([]);
    await context.close();
    await visitor.close();
  }, 360_000);
});
