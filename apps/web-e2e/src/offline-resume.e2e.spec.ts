import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Browser } from 'playwright-core';

import { launchBrowser, newContext, screenshot, watchForErrors } from './support/browser';
import { sha256, writeRandomFile } from './support/files';
import { RunningProduct, startProduct, throttleDrive } from './support/product';

const MiB = 1024 * 1024;
/** Drive takes 2 MiB/s: a 24 MiB upload runs for about 12 s, long enough to cut it in the middle. */
const SLOW_DRIVE = 2 * MiB;

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

  afterEach(async () => {
    if (product) await throttleDrive(product.emulator, null);
  });

  it('going offline and back online: the upload reconnects, resumes where the server says and completes with the right bytes', async () => {
    const path = join(dir, 'offline-24mib.bin');
    const data = writeRandomFile(path, 24 * MiB + 1234);
    // The whole file fits in one Drive request; a slow Drive keeps it open when the network goes.
    await throttleDrive(product.emulator, SLOW_DRIVE);

    const context = await newContext(browser, product.url);
    const page = await context.newPage();
    const errors = watchForErrors(page);
    await page.goto('/');
    await page.locator('[data-testid="file-input"]').setInputFiles(path);
    await page.locator('[data-testid="upload-start"]').click();
    const row = page.locator('[data-testid="upload-row"]');
    const status = row.locator('[data-testid="upload-status"]');
    // The server has passed some bytes on to Drive (at least one frame), but not all of them.
    await status.filter({ hasText: /^(?!0 bytes)\d+(\.\d+)? MiB of 24 MiB/ }).waitFor({ timeout: 30_000 });

    await context.setOffline(true);
    // Full speed while offline: the bytes of the cut request still on their way reach Drive, so the
    // reconnect learns what Drive holds; slow again before going online, so the resumed upload is seen running.
    await throttleDrive(product.emulator, null);
    await page.locator('[data-testid="upload-row"][data-phase="reconnecting"]').waitFor({ timeout: 20_000 });
    await status.filter({ hasText: 'The upload will continue where it stopped' }).waitFor();
    await screenshot(page, '30-offline-reconnecting');
    await new Promise((r) => setTimeout(r, 3000)); // stay offline across a few reconnection attempts
    expect(await row.getAttribute('data-phase')).toBe('reconnecting');

    await throttleDrive(product.emulator, SLOW_DRIVE);
    await context.setOffline(false);
    // Back online: it says so, and continues from the server's `ready` offset (0 is fine: the
    // request was cut in the middle, and bytes Drive kept are only read again for the checksum).
    await status.filter({ hasText: /Connection restored — resumed at \d+ %/ }).waitFor({ timeout: 30_000 });
    await screenshot(page, '31-resumed');
    await throttleDrive(product.emulator, null);
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

  it('a socket cut without the server saying so (close 4001 on the way) reconnects by itself, resumes at a frame it sent, and the file arrives intact', async () => {
    const path = join(dir, 'cut-14mib.bin');
    const data = writeRandomFile(path, 14 * MiB + 99);
    await throttleDrive(product.emulator, SLOW_DRIVE);
    const context = await newContext(browser, product.url);
    const page = await context.newPage();
    const errors = watchForErrors(page);
    let connections = 0;
    const socketUrls: string[] = [];
    /** Per connection: the `ready` the page was given, and the bytes it sent before the cut. */
    const readies: Array<{ offset: number; chunk_size: number; size: number }> = [];
    let bytesSentBeforeCut = 0;
    // Sits between the page and the api like a flaky proxy: the first connection is cut as soon
    // as the server says it has passed bytes on (the first `received`), in the middle of a Drive request.
    await page.routeWebSocket(/\/ws_api\/upload\//, (ws) => {
      connections++;
      socketUrls.push(ws.url());
      const first = connections === 1;
      let cut = false;
      const server = ws.connectToServer();
      server.onMessage((message) => {
        if (cut) return;
        ws.send(message);
        if (typeof message !== 'string') return;
        const msg = JSON.parse(message) as { type: string; offset: number; chunk_size: number; size: number };
        if (msg.type === 'ready') readies.push({ offset: msg.offset, chunk_size: msg.chunk_size, size: msg.size });
        if (first && msg.type === 'received') {
          cut = true;
          void server.close({ code: 1001, reason: 'proxy restart' });
          void ws.close({ code: 4001, reason: 'proxy restart' });
          // Full speed while reconnecting (the cut request's bytes still on their way reach Drive,
          // so the reconnect learns what Drive holds), slow again once resumed, so the resumed upload is seen running.
          void throttleDrive(product.emulator, null);
        } else if (!first && msg.type === 'ready') {
          void throttleDrive(product.emulator, SLOW_DRIVE);
        }
      });
      ws.onMessage((message) => {
        if (cut) return;
        if (first && typeof message !== 'string') bytesSentBeforeCut += message.length;
        server.send(message);
      });
    });
    await page.goto('/');
    await page.locator('[data-testid="file-input"]').setInputFiles(path);
    await page.locator('[data-testid="upload-start"]').click();
    const status = page.locator('[data-testid="upload-status"]');
    await status.filter({ hasText: /Connection lost — reconnecting in \d+ s/ }).waitFor({ timeout: 30_000 });
    await status.filter({ hasText: /Connection restored — resumed at \d+ %/ }).waitFor({ timeout: 30_000 });
    await throttleDrive(product.emulator, null);
    await page.locator('[data-testid="share"]').waitFor({ timeout: 120_000 });
    expect(connections).toBeGreaterThanOrEqual(2);
    // The first connection started at 0; the one after the cut at a frame boundary the page had
    // already sent (the last hash checkpoint at or before what Drive holds — possibly 0 again).
    const [before, after] = readies;
    expect(before?.offset).toBe(0);
    expect(bytesSentBeforeCut).toBeGreaterThan(0);
    expect(after).toBeDefined();
    const resumedAt = (after as { offset: number }).offset;
    expect(resumedAt).toBeLessThanOrEqual(bytesSentBeforeCut);
    expect(resumedAt % (after as { chunk_size: number }).chunk_size).toBe(0);
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
