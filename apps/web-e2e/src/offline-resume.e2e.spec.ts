import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Browser } from 'playwright-core';

import { launchBrowser, newContext, screenshot, watchForErrors } from './support/browser';
import { sha256, writeRandomFile } from './support/files';
import { clearDriveFaults, RunningProduct, slowDownDrive, startProduct } from './support/product';

const MiB = 1024 * 1024;

describe('web app: the connection drops in the middle of an upload', () => {
  let product: RunningProduct;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ddx-web-e2e-offline-'));
    browser = await launchBrowser(); // first, so afterAll closes it even when the product fails to start
    product = await startProduct('webe2eoffline');
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('going offline and back online: the upload reconnects, resumes from the stored offset and completes with the right bytes', async () => {
    const path = join(dir, 'offline-24mib.bin');
    const data = writeRandomFile(path, 24 * MiB + 1234);
    // Storage commits one 4 MiB frame every ~700 ms, so the upload is still running when the network goes.
    await slowDownDrive(product.emulator, 700);

    const context = await newContext(browser, product.url);
    const page = await context.newPage();
    const errors = watchForErrors(page);
    await page.goto('/');
    await page.locator('[data-testid="file-input"]').setInputFiles(path);
    await page.locator('[data-testid="upload-start"]').click();
    const row = page.locator('[data-testid="upload-row"]');
    const status = row.locator('[data-testid="upload-status"]');
    // Something is committed (at least one frame), but not everything.
    await status.filter({ hasText: /^(?!0 bytes)\d+(\.\d+)? MiB of 24 MiB/ }).waitFor({ timeout: 30_000 });

    await context.setOffline(true);
    await page.locator('[data-testid="upload-row"][data-phase="reconnecting"]').waitFor({ timeout: 20_000 });
    await status.filter({ hasText: 'The upload will continue where it stopped' }).waitFor();
    await screenshot(page, '30-offline-reconnecting');
    await new Promise((r) => setTimeout(r, 3000)); // stay offline across a few reconnection attempts
    expect(await row.getAttribute('data-phase')).toBe('reconnecting');

    await context.setOffline(false);
    // Back online: it says so, and continues from what storage holds.
    await status.filter({ hasText: /Connection restored — resumed at \d+ %/ }).waitFor({ timeout: 30_000 });
    await screenshot(page, '31-resumed');
    await clearDriveFaults(product.emulator);
    await page.locator('[data-testid="share"]').waitFor({ timeout: 120_000 });
    const link = await page.locator('[data-testid="share"] [data-testid="copy-value"]').inputValue();
    const id = link.split('/').pop() as string;

    const res = await fetch(`${product.url}/api/v1/download/stream/${id}`);
    expect(res.status).toBe(200);
    const stored = Buffer.from(await res.arrayBuffer());
    expect(stored.length).toBe(data.length);
    expect(sha256(stored)).toBe(sha256(data));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a socket cut without the server saying so (close 4001 on the way) reconnects by itself and the file arrives intact', async () => {
    const path = join(dir, 'cut-14mib.bin');
    const data = writeRandomFile(path, 14 * MiB + 99);
    await slowDownDrive(product.emulator, 400);
    const context = await newContext(browser, product.url);
    const page = await context.newPage();
    const errors = watchForErrors(page);
    let connections = 0;
    const socketUrls: string[] = [];
    // Sits between the page and the api like a flaky proxy: the first connection is cut after the first commit.
    await page.routeWebSocket(/\/ws_api\/upload\//, (ws) => {
      connections++;
      socketUrls.push(ws.url());
      const server = ws.connectToServer();
      if (connections > 1) return;
      server.onMessage((message) => {
        ws.send(message);
        if (typeof message === 'string' && message.includes('"progress"')) {
          void server.close({ code: 1001, reason: 'proxy restart' });
          void ws.close({ code: 4001, reason: 'proxy restart' });
        }
      });
    });
    await page.goto('/');
    await page.locator('[data-testid="file-input"]').setInputFiles(path);
    await page.locator('[data-testid="upload-start"]').click();
    const status = page.locator('[data-testid="upload-status"]');
    await status.filter({ hasText: /Connection lost — reconnecting in \d+ s/ }).waitFor({ timeout: 30_000 });
    await status.filter({ hasText: /Connection restored — resumed at \d+ %/ }).waitFor({ timeout: 30_000 });
    await clearDriveFaults(product.emulator);
    await page.locator('[data-testid="share"]').waitFor({ timeout: 120_000 });
    expect(connections).toBeGreaterThanOrEqual(2);
    // Every connection carried its own single-use ticket, never the upload token.
    for (const url of socketUrls) expect(new URL(url).search).toMatch(/^\?ticket=[A-Za-z0-9_-]{43}$/);
    expect(new Set(socketUrls).size).toBe(socketUrls.length);
    const id = (await page.locator('[data-testid="share"] [data-testid="copy-value"]').inputValue()).split('/').pop() as string;
    const stored = Buffer.from(await (await fetch(`${product.url}/api/v1/download/stream/${id}`)).arrayBuffer());
    expect(sha256(stored)).toBe(sha256(data));
    expect(errors).toEqual([]);
    await context.close();
  });
});
