import { build } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from '@ddx/local-services';
import { Browser, BrowserContext, CDPSession, chromium, Page } from 'playwright-core';

// Types only (the page's code runs in Chromium).
import type { PageResult } from '../../page/upload-page';

export type { PageResult, PageTimings } from '../../page/upload-page';

/** Where the page lives: on the api's origin (requests to it never reach the api), so fetch and the socket are same-origin. */
const PAGE_PATH = '/__bench/upload';

/** Bundles tools/bench/page/upload-page.ts (and the SPA's ResumableUpload with @angular/core) for the browser. */
export async function bundlePage(): Promise<string> {
  const root = repoRoot(__dirname);
  const out = await build({
    entryPoints: [join(root, 'tools/bench/page/upload-page.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    // Its paths resolve @ddx/contracts as the SPA's build does.
    tsconfig: join(root, 'apps/web/tsconfig.app.json'),
    write: false,
    logLevel: 'silent',
  });
  const js = out.outputFiles[0]?.text;
  if (!js) throw new Error('esbuild produced no bundle');
  return js;
}

export interface BrowserUploadResult extends PageResult {
  /** The renderer's own counters over the upload (CDP Performance.getMetrics deltas, ms). */
  renderer: Record<string, number>;
}

/**
 * Headless Chromium (/usr/bin/chromium, as apps/web-e2e runs it) with one page that uploads
 * with the SPA's client. The file is given to the page as a user would (a file input; the
 * browser reads it from disk, nothing is copied through the driver).
 */
export class BrowserUploader {
  private constructor(
    private readonly browser: Browser,
    private readonly context: BrowserContext,
    private readonly page: Page,
    private readonly cdp: CDPSession,
    readonly origin: string,
  ) {}

  static async launch(apiUrl: string): Promise<BrowserUploader> {
    const script = await bundlePage();
    const browser = await chromium.launch({
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
        // The page is answered by the driver, not by a server, so Chromium cannot place it on the
        // loopback network and would refuse its socket to 127.0.0.1 (Local Network Access); the SPA,
        // served by the product, is not refused.
        '--disable-features=LocalNetworkAccessChecks',
      ],
    });
    try {
      const context = await browser.newContext();
      const html = `<!doctype html><html><head><meta charset="utf-8"><title>bench upload</title></head><body>
<input type="file" id="file"><div style="width:400px;height:8px;background:#ddd"><div id="bar" style="height:8px;width:0;background:#36c"></div></div><p id="text"></p>
<script>${script.replace(/<\/script/gi, '<\\/script')}</script></body></html>`;
      await context.route(`${apiUrl}${PAGE_PATH}`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`${apiUrl}${PAGE_PATH}`);
      if (!(await page.evaluate(() => typeof window.benchUpload === 'function'))) throw new Error(`the bench page did not load: ${problems.join('; ')}`);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
      return new BrowserUploader(browser, context, page, cdp, apiUrl);
    } catch (e) {
      await browser.close();
      throw e;
    }
  }

  /** Uploads the file at `path` (its base name is the upload's name) from the page. */
  async upload(path: string): Promise<BrowserUploadResult> {
    await this.page.setInputFiles('#file', path);
    const before = await this.metrics();
    const result = await this.page.evaluate(() => window.benchUpload());
    const after = await this.metrics();
    if (result.phase !== 'completed') throw new Error(`browser upload ended ${result.phase}: ${result.message}`);
    const renderer: Record<string, number> = {};
    for (const key of ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration']) {
      renderer[key] = Math.round(((after[key] ?? 0) - (before[key] ?? 0)) * 1000 * 10) / 10;
    }
    return { ...result, renderer };
  }

  private async metrics(): Promise<Record<string, number>> {
    const { metrics } = await this.cdp.send('Performance.getMetrics');
    return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
  }

  /** A Chromium performance trace of what `run` does (open it in chrome://tracing or DevTools' Performance panel). */
  async traced<T>(path: string, run: () => Promise<T>): Promise<T> {
    await this.browser.startTracing(this.page, { path, screenshots: false, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink', 'net', 'toplevel'] });
    try {
      return await run();
    } finally {
      await this.browser.stopTracing();
    }
  }

  /** Chromium's processes (browser, zygotes, renderer, utilities), named by their --type. */
  processes(): Array<{ name: string; pid: number }> {
    return chromiumProcesses(process.pid);
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    await this.browser.close();
  }
}

/** Descendants of `ancestor` that are Chromium processes, as `chromium <type>`. */
export function chromiumProcesses(ancestor: number): Array<{ name: string; pid: number }> {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const descends = (pid: number) => {
    for (let p = parent.get(pid), hops = 0; p !== undefined && p > 1 && hops < 20; p = parent.get(p), hops++) if (p === ancestor) return true;
    return false;
  };
  const out: Array<{ name: string; pid: number }> = [];
  for (const pid of parent.keys()) {
    if (!descends(pid)) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    // Chromium rewrites its children's command lines as one space-separated string.
    const argv = cmdline.split(/[\0 ]/);
    if (!/chrom/i.test(argv[0] ?? '')) continue;
    const type = argv.find((a) => a.startsWith('--type='))?.slice('--type='.length);
    const sub = argv.find((a) => a.startsWith('--utility-sub-type='))?.slice('--utility-sub-type='.length);
    out.push({ name: `chromium ${type ? (sub ? `${type} (${sub.split('.').slice(-1)[0]})` : type) : 'browser'}`, pid });
  }
  return out;
}
