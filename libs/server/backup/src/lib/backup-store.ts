import { randomBytes } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { PassThrough, Readable, Transform } from 'node:stream';

import { createClient, DiskQuota, FileStat, WebDAVClient } from 'webdav';

import { assertSafePath, backupDir, backupPath, joinPath, normalizePrefix, parentPath, PARTIAL_PREFIX } from './backup-path';
import { BackupStoreError, BackupStoreErrorKind, toBackupStoreError } from './backup-store-error';

export interface BackupStoreOptions {
  /** WebDAV root, e.g. `https://u123456.your-storagebox.de`. Credentials in the URL are moved out of it. */
  url: string;
  username?: string;
  password?: string;
  /** Collection every backup lives under, e.g. `/directdrivex`. */
  prefix: string;
  /** Parallel connections to the server (a Storage Box allows 10 per account). Default 4. */
  maxConnections?: number;
  /** Limit for each request without a streamed body (PROPFIND, MKCOL, MOVE, DELETE; GET until headers). Default 30 s. */
  requestTimeoutMs?: number;
  /** put(): give up when no byte moved for this long, or when the answer takes this long after the last byte. Default 60 s. */
  idleTimeoutMs?: number;
}

export interface BackupStat {
  size: number;
  lastModified: Date;
  isDirectory: boolean;
}

export interface BackupQuota {
  used: number;
  /** Bytes still free; null when the server reports usage but no limit. */
  available: number | null;
}

export interface BackupPing {
  /** The server answered and accepted the credentials (a prefix not created yet is fine). */
  ok: boolean;
  /** The server answered at all (false: connection refused, timeout, DNS, 5xx). */
  reachable: boolean;
  latencyMs: number;
  error?: { kind: BackupStoreErrorKind; message: string };
}

export interface BackupPutOptions {
  /** Expected byte count: sent as Content-Length, and a source that delivers more or fewer bytes fails the put. */
  size?: number;
}

export interface BackupPutResult {
  path: string;
  size: number;
}

export interface BackupReadRange {
  /** First byte (default 0). */
  start?: number;
  /** Last byte, inclusive (default: end of file). */
  end?: number;
}

const PROPFIND_RESOURCETYPE =
  '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/></D:prop></D:propfind>';
// RFC 4331 calls these computed properties; servers may report them only when named.
const PROPFIND_QUOTA =
  '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop><D:quota-available-bytes/><D:quota-used-bytes/></D:prop></D:propfind>';

/**
 * The backup copies on the WebDAV server (a Hetzner Storage Box in
 * production) — the only code that talks WebDAV.
 *
 * Files live at `<prefix>/<fileId>/<name>` (see `backupPathFor`). A `put`
 * streams to `<dir>/.partial-<random>` and MOVEs it over the final name once
 * the server has all bytes, so the final path only ever holds a complete
 * file. Every failure is a `BackupStoreError` with a `kind`.
 */
export class BackupStore {
  readonly prefix: string;
  private readonly client: WebDAVClient;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly displayUrl: string;
  private readonly requestTimeoutMs: number;
  private readonly idleTimeoutMs: number;

  constructor(options: BackupStoreOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('the WebDAV URL must start with http:// or https://');
    // node-fetch refuses URLs with credentials and would put them in error messages.
    const username = options.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
    const password = options.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    const base = url.toString().replace(/\/+$/, '');
    this.displayUrl = base;
    this.prefix = normalizePrefix(options.prefix);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    const agentOptions = { keepAlive: true, maxSockets: options.maxConnections ?? 4, maxFreeSockets: options.maxConnections ?? 4 };
    this.agent = url.protocol === 'https:' ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.client = createClient(base, {
      username,
      password,
      httpAgent: this.agent,
      httpsAgent: this.agent,
    });
  }

  /** Where backups go, safe to show an admin: URL without credentials, plus the prefix. */
  get target(): string {
    return `${this.displayUrl}${this.prefix}`;
  }

  /** `<prefix>/<fileId>/<name>` with the name made safe but readable (see backupFileName). */
  backupPathFor(fileId: string, filename: string): string {
    return backupPath(this.prefix, fileId, filename);
  }

  /** `<prefix>/<fileId>`: delete it to remove a file's copy without knowing its recorded path. */
  backupDirFor(fileId: string): string {
    return backupDir(this.prefix, fileId);
  }

  /** Creates a collection and any missing parents; an existing one is fine. */
  async ensureDir(dir: string): Promise<void> {
    assertSafePath(dir);
    const path = joinPath(dir);
    if (path === '/') return;
    try {
      await this.mkcol(path);
    } catch (e) {
      // RFC 4918: 409 when a parent is missing (some servers say 404).
      if (!(e instanceof BackupStoreError) || (e.status !== 409 && e.status !== 404)) throw e;
      await this.ensureDir(parentPath(path));
      await this.mkcol(path);
    }
  }

  /**
   * Streams `source` to `path`, never holding more than a few chunks in memory.
   * The bytes go to a temporary `.partial-…` sibling first, which is checked
   * for size and then moved over `path`; on failure it is deleted and `path`
   * keeps whatever it held before. Destroys `source` when the put fails.
   */
  async put(path: string, source: Readable, options: BackupPutOptions = {}): Promise<BackupPutResult> {
    assertSafePath(path);
    const { size } = options;
    if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) throw new Error(`invalid size ${size}`);
    const dir = parentPath(path);
    try {
      await this.ensureDir(dir);
    } catch (e) {
      source.destroy();
      throw e;
    }
    const partial = joinPath(dir, `${PARTIAL_PREFIX}${randomBytes(8).toString('hex')}`);

    const controller = new AbortController();
    let timedOut = false;
    let idle: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        // Stryker disable next-line BooleanLiteral: the abort rejects the PUT with an AbortError, which maps to the same timeout
        timedOut = true;
        controller.abort();
      }, this.idleTimeoutMs);
    };
    let sent = 0;
    let sourceError: unknown;
    // A pass-through Transform, not an async generator: iterating a byte stream
    // with `for await` concatenates buffered chunks, and that churn alone grew
    // RSS by ~30 MiB on a 100 MiB put.
    const body = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        sent += chunk.length;
        arm();
        if (size !== undefined && sent > size) {
          sourceError = new Error(`the source gave more than the announced ${size} bytes`);
          return callback(sourceError as Error);
        }
        callback(null, chunk);
      },
      flush(callback) {
        if (size !== undefined && sent !== size) {
          sourceError = new Error(`the source ended after ${sent} of ${size} bytes`);
          return callback(sourceError as Error);
        }
        arm(); // now waiting for the server's answer
        callback();
      },
    });
    const onSourceError = (e: unknown) => {
      sourceError ??= e;
      body.destroy(e instanceof Error ? e : new Error(String(e)));
    };
    source.on('error', onSourceError);
    source.pipe(body);

    try {
      arm();
      const headers: Record<string, string> = size !== undefined ? { 'Content-Length': String(size) } : {};
      await this.client.putFileContents(partial, body, { headers, signal: controller.signal });
      clearTimeout(idle);
      const stored = await this.stat(partial);
      if (!stored || stored.size !== sent) {
        throw new BackupStoreError('protocol', `the server stored ${stored ? stored.size : 'no'} bytes of ${sent}`, { operation: 'PUT', path });
      }
      await this.call('MOVE', path, (signal) => this.client.moveFile(partial, path, { overwrite: true, signal }));
      source.off('error', onSourceError);
      return { path, size: sent };
    } catch (e) {
      clearTimeout(idle);
      source.unpipe(body);
      body.destroy();
      source.destroy();
      await this.delete(partial).catch(() => undefined);
      if (sourceError !== undefined) {
        const reason = sourceError instanceof Error ? sourceError.message : String(sourceError);
        throw new BackupStoreError('source', `reading the file to back up failed: ${reason}`, { operation: 'PUT', path, cause: sourceError });
      }
      throw toBackupStoreError(e, 'PUT', path, timedOut);
    }
  }

  /** Size and modification time, or null when nothing is at `path`. */
  async stat(path: string): Promise<BackupStat | null> {
    assertSafePath(path);
    try {
      const s = (await this.call('PROPFIND', path, (signal) => this.client.stat(path, { signal }))) as FileStat;
      return { size: s.size, lastModified: new Date(s.lastmod), isDirectory: s.type === 'directory' };
    } catch (e) {
      if (e instanceof BackupStoreError && e.kind === 'not_found') return null;
      throw e;
    }
  }

  /**
   * The file's bytes (or the inclusive range `start`–`end`) once the server
   * has answered; a missing file rejects with kind `not_found`. A server that
   * ignores Range is handled by skipping locally. Destroy the stream to stop
   * early.
   */
  async createReadStream(path: string, range: BackupReadRange = {}): Promise<Readable> {
    assertSafePath(path);
    const { start, end } = range;
    if ((start !== undefined && (!Number.isSafeInteger(start) || start < 0)) || (end !== undefined && (!Number.isSafeInteger(end) || end < (start ?? 0)))) {
      throw new Error(`invalid range ${start ?? ''}-${end ?? ''}`);
    }
    const ranged = start !== undefined || end !== undefined;
    const headers: Record<string, string> = ranged ? { Range: `bytes=${start ?? 0}-${end ?? ''}` } : {};
    const response = await this.call('GET', path, (signal) => this.client.customRequest(path, { method: 'GET', headers, signal }));
    // Stryker disable next-line ArrayDeclaration: node-fetch gives every answer a body stream (even a 204), so the fallback never runs
    const body = (response as unknown as { body: Readable | null }).body ?? Readable.from([]);
    const out = new PassThrough();
    const fail = (e: unknown) => out.destroy(toBackupStoreError(e, 'GET', path));
    body.once('error', fail);
    out.once('close', () => body.destroy());

    if (!ranged || response.status === 206) {
      if (ranged) {
        const contentRange = response.headers.get('content-range') ?? '';
        const first = /^bytes (\d+)-/.exec(contentRange)?.[1];
        if (first !== undefined && Number(first) !== (start ?? 0)) {
          body.destroy();
          throw new BackupStoreError('protocol', `asked for bytes from ${start ?? 0}, got ${contentRange}`, { operation: 'GET', path, status: 206 });
        }
      }
      return body.pipe(out);
    }
    // 200 with the whole file although a range was asked for.
    // Stryker disable next-line StringLiteral: the slice never fails by itself; a body error reaches fail through body's own listener
    return body.pipe(sliceBytes(start ?? 0, end, () => body.destroy())).on('error', fail).pipe(out);
  }

  /** Deletes a file; false when it was not there. */
  async delete(path: string): Promise<boolean> {
    assertSafePath(path);
    return this.deletePath(path.replace(/\/+$/, ''));
  }

  /**
   * Deletes a collection with everything in it; false when it was not there.
   * Sent with a trailing slash: some servers (nginx) refuse a collection
   * DELETE without one.
   */
  async deleteDir(dir: string): Promise<boolean> {
    assertSafePath(dir);
    const path = joinPath(dir);
    if (path === '/') throw new Error('refusing to delete the WebDAV root');
    return this.deletePath(`${path}/`);
  }

  /**
   * RFC 4331 quota of the prefix (or of the root while the prefix does not
   * exist yet); null when the server reports none (Apache, nginx).
   */
  async quota(): Promise<BackupQuota | null> {
    let path = this.prefix || '/';
    let quota: DiskQuota | null;
    try {
      quota = await this.getQuota(path);
    } catch (e) {
      if (!(e instanceof BackupStoreError) || e.kind !== 'not_found' || path === '/') throw e;
      // Stryker disable next-line StringLiteral: the client sends an empty path to the root as well
      path = '/';
      quota = await this.getQuota(path);
    }
    if (!quota || !Number.isFinite(quota.used)) return null;
    return { used: quota.used, available: typeof quota.available === 'number' && Number.isFinite(quota.available) ? quota.available : null };
  }

  /** One PROPFIND (Depth 0) on the prefix: can we reach the server with these credentials, and how fast? */
  async ping(timeoutMs = Math.min(this.requestTimeoutMs, 10_000)): Promise<BackupPing> {
    // Stryker disable next-line StringLiteral: the client sends an empty path to the root as well
    const path = this.prefix || '/';
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      await this.call(
        'PROPFIND',
        path,
        async (signal) => {
          const response = await this.client.customRequest(path, {
            method: 'PROPFIND',
            headers: { Depth: '0', 'Content-Type': 'application/xml; charset=utf-8' },
            data: PROPFIND_RESOURCETYPE,
            signal,
          });
          await response.text();
        },
        timeoutMs,
      );
      return { ok: true, reachable: true, latencyMs: elapsed() };
    } catch (e) {
      const latencyMs = elapsed();
      if (!(e instanceof BackupStoreError)) throw e;
      if (e.kind === 'not_found') return { ok: true, reachable: true, latencyMs };
      return { ok: false, reachable: e.kind !== 'unreachable', latencyMs, error: { kind: e.kind, message: e.message } };
    }
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  private async mkcol(path: string): Promise<void> {
    try {
      await this.call('MKCOL', path, (signal) => this.client.createDirectory(path, { signal }));
    } catch (e) {
      // 405: something already exists there (a collection, normally).
      if (e instanceof BackupStoreError && e.status === 405) return;
      throw e;
    }
  }

  private async deletePath(path: string): Promise<boolean> {
    try {
      await this.call('DELETE', path, (signal) => this.client.deleteFile(path, { signal }));
      return true;
    } catch (e) {
      if (e instanceof BackupStoreError && e.kind === 'not_found') return false;
      throw e;
    }
  }

  private async getQuota(path: string): Promise<DiskQuota | null> {
    const encoded = this.encodedPath(path);
    const allprop = (await this.call('PROPFIND', path, (signal) => this.client.getQuota({ path: encoded, signal }))) as DiskQuota | null;
    if (allprop) return allprop;
    return (await this.call('PROPFIND', path, (signal) =>
      this.client.getQuota({ path: encoded, data: PROPFIND_QUOTA, headers: { 'Content-Type': 'application/xml; charset=utf-8' }, signal }),
    )) as DiskQuota | null;
  }

  /** The client's getQuota puts its path into the URL as is; every other call encodes it. */
  private encodedPath(path: string): string {
    return path
      .split('/')
      .map((s) => encodeURIComponent(s))
      .join('/');
  }

  /** Runs one request with a timeout; every failure becomes a BackupStoreError. */
  private async call<T>(operation: string, path: string, run: (signal: AbortSignal) => Promise<T>, timeoutMs = this.requestTimeoutMs): Promise<T> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      // Stryker disable next-line BooleanLiteral: the abort rejects the request with an AbortError, which maps to the same timeout
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      return await run(controller.signal);
    } catch (e) {
      throw toBackupStoreError(e, operation, path, timedOut);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Passes bytes `start`…`end` (inclusive) of a stream through, then calls `done`. */
function sliceBytes(start: number, end: number | undefined, done: () => void): Transform {
  let offset = 0;
  let finished = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (finished) return callback();
      const from = Math.max(start - offset, 0);
      const to = end === undefined ? chunk.length : Math.min(end + 1 - offset, chunk.length);
      offset += chunk.length;
      if (to > from) this.push(chunk.subarray(from, to));
      if (end !== undefined && offset > end) {
        // Stryker disable next-line BooleanLiteral: past the end every later chunk slices to nothing, and a second end of the stream is ignored
        finished = true;
        this.push(null);
        done();
      }
      callback();
    },
  });
}
