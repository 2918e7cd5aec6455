import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Browser } from 'playwright-core';

import { launchBrowser, newContext, screenshot, until, watchForErrors } from './support/browser';
import { readBytes, sha256, unzipEntry, writeRandomFile, zipEntries } from './support/files';
import { RunningProduct, startProduct } from './support/product';

const MiB = 1024 * 1024;

describe('web app: anonymous batch upload and "Download all (ZIP)"', () => {
  let product: RunningProduct;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ddx-web-e2e-batch-'));
    browser = await launchBrowser(); // first, so afterAll closes it even when the product fails to start
    product = await startProduct('webe2ebatch');
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('three files share one link; the ZIP holds exactly those three files, byte for byte', async () => {
    const files = [
      { name: 'batch-one.bin', data: writeRandomFile(join(dir, 'batch-one.bin'), 5 * MiB + 17) },
      { name: 'batch-two.txt', data: Buffer.from('hello from the batch test\n'.repeat(2000)) },
      { name: 'batch-three.bin', data: writeRandomFile(join(dir, 'batch-three.bin'), 300 * 1024) },
    ];
    writeFileSync(join(dir, 'batch-two.txt'), files[1]?.data as Buffer);

    const context = await newContext(browser, product.url);
    const page = await context.newPage();
    const errors = watchForErrors(page);
    await page.goto('/');
    await page.locator('[data-testid="file-input"]').setInputFiles(files.map((f) => join(dir, f.name)));
    await until(() => page.locator('[data-testid="selected-files"] li').count(), 3);
    await screenshot(page, '20-batch-selected');
    await page.locator('[data-testid="upload-start"]', { hasText: 'Upload 3 files' }).click();
    await page.locator('[data-testid="share"]').waitFor({ timeout: 120_000 });
    await until(() => page.locator('[data-testid="upload-row"][data-phase="completed"]').count(), 3);
    await page.locator('[data-testid="share"]', { hasText: '3 of 3 files uploaded' }).waitFor();
    await screenshot(page, '21-batch-complete');
    const link = await page.locator('[data-testid="share"] [data-testid="copy-value"]').inputValue();
    expect(link).toMatch(new RegExp(`^${product.url}/batch/[0-9a-f-]{36}$`));

    // Someone else opens the link.
    const visitor = await newContext(browser, product.url);
    const vpage = await visitor.newPage();
    const verrors = watchForErrors(vpage);
    await vpage.goto(link);
    const rows = vpage.locator('[data-testid="batch-files"] tbody tr');
    await until(() => rows.count(), 3);
    for (const f of files) await vpage.locator('[data-testid="batch-files"]', { hasText: f.name }).waitFor();
    await screenshot(vpage, '22-batch-page');

    const [download] = await Promise.all([vpage.waitForEvent('download'), vpage.locator('[data-testid="download-zip"]').click()]);
    const zipPath = join(dir, 'all.zip');
    await download.saveAs(zipPath);
    const zip = readBytes(zipPath);
    const entries = zipEntries(zip);
    expect(entries.map((e) => e.name).sort()).toEqual(files.map((f) => f.name).sort());
    for (const f of files) {
      expect(entries.find((e) => e.name === f.name)?.size).toBe(f.data.length);
      const bytes = unzipEntry(zipPath, f.name);
      if (bytes) expect(sha256(bytes)).toBe(sha256(f.data));
    }

    // A file of the batch opens on its own page too, with the text previewed.
    await vpage.locator('[data-testid="batch-files"] a', { hasText: 'batch-two.txt' }).click();
    await vpage.locator('[data-testid="preview-text"]', { hasText: 'hello from the batch test' }).waitFor();
    await screenshot(vpage, '23-text-preview');

    expect([...errors, ...verrors]).toEqual([]);
    await Promise.all([context.close(), visitor.close()]);
  });
});
