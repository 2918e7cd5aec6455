import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { dirname, join, resolve, sep } from 'node:path';

import type { v2 as WebdavServerV2 } from 'webdav-server';

import { requireBinary } from './binaries';
import { freePort } from './free-port';
import { ManagedProcess } from './managed-process';

/**
 * Local WebDAV servers standing in for the Hetzner Storage Box.
 *
 * - Apache `mod_dav`/`mod_dav_fs` is RFC-correct on every probe we ran
 *   (412 on If-None-Match, 405 on MKCOL of an existing collection, 206/416 on
 *   ranges), so integration tests use it.
 * - `webdav-server` (npm, in-process) is the fallback for `npm start` on
 *   machines without Apache; it deviates on several status codes but is the
 *   only one that reports RFC 4331 quota.
 *
 * Both keep the files in `<dataDir>/files` (the server's `/`), so switching
 * between them keeps the data; Apache keeps its config, pid file, logs,
 * htpasswd and lock database in `<dataDir>/server`, outside the served tree.
 */

export type LocalWebdavKind = 'apache' | 'inprocess';

export interface LocalWebdav {
  kind: LocalWebdavKind;
  /** e.g. http://127.0.0.1:41234 — no trailing slash, no credentials. */
  url: string;
  port: number;
  /** Set when the server requires Basic authentication. */
  username?: string;
  password?: string;
  /** Folder on disk that the server's `/` maps to. */
  rootDir: string;
  /** The Apache parent process (absent for the in-process server). */
  process?: ManagedProcess;
  stop(): Promise<void>;
}

export interface LocalWebdavOptions {
  /** Files go to `<dataDir>/files`, server state to `<dataDir>/server`. */
  dataDir: string;
  /** Basic-auth credentials; both or neither. Without them anyone on loopback may write. */
  username?: string;
  password?: string;
  /** Fixed port (default: a free one). */
  port?: number;
}

export interface ApacheWebdavOptions extends LocalWebdavOptions {
  /** File for Apache's stdout/stderr (start-up errors); the error log itself is `<dataDir>/server/error.log`. */
  log?: string;
}

export interface InProcessWebdavOptions extends LocalWebdavOptions {
  /**
   * Report RFC 4331 quota (`quota-used-bytes`/`quota-available-bytes`) and
   * answer 507 beyond it. Counted by webdav-server's PerUserStorageManager
   * from what is written while it runs (it does not scan existing files).
   */
  quotaBytes?: number;
}

const APACHE_BINARY = 'apache2';
const APACHE_HINT = 'apt-get install apache2';
const APACHE_MODULES = '/usr/lib/apache2/modules';

/** Fresh Basic-auth credentials for a local server. */
export function localWebdavCredentials(username = 'ddx'): { username: string; password: string } {
  return { username, password: randomBytes(18).toString('base64url') };
}

/** What the api and worker take as configuration for a local server. */
export function webdavEnv(webdav: Pick<LocalWebdav, 'url' | 'username' | 'password'>): Record<string, string> {
  const env: Record<string, string> = { WEBDAV_URL: webdav.url };
  if (webdav.username !== undefined) env['WEBDAV_USERNAME'] = webdav.username;
  if (webdav.password !== undefined) env['WEBDAV_PASSWORD'] = webdav.password;
  return env;
}

// ---------------------------------------------------------------------- Apache

export class ApacheStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApacheStartError';
  }
}

/**
 * Runs `/usr/sbin/apache2 -DFOREGROUND` with a throw-away config on a free
 * loopback port. When this process is root, Apache refuses to serve as root,
 * so its workers run as `www-data` (else `nobody`), which then owns the files
 * folder and the lock database.
 */
export async function startApacheWebdav(options: ApacheWebdavOptions): Promise<LocalWebdav> {
  const binary = requireBinary(APACHE_BINARY, APACHE_HINT, ['/usr/sbin']);
  if (!existsSync(join(APACHE_MODULES, 'mod_dav_fs.so'))) {
    throw new ApacheStartError(`${APACHE_MODULES}/mod_dav_fs.so is missing. Install it with: ${APACHE_HINT}`);
  }
  checkCredentials(options);
  const dataDir = resolve(options.dataDir);
  const rootDir = join(dataDir, 'files');
  const serverDir = join(dataDir, 'server');
  const lockDir = join(serverDir, 'lock');
  for (const dir of [rootDir, serverDir, lockDir]) mkdirSync(dir, { recursive: true });

  const runAs = process.getuid?.() === 0 ? workerAccount() : undefined;
  if (runAs) {
    chownTree(rootDir, runAs.uid, runAs.gid);
    chownTree(lockDir, runAs.uid, runAs.gid);
    ensureTraversable(rootDir, dataDir, runAs);
    ensureTraversable(lockDir, dataDir, runAs);
  }

  const htpasswd = join(serverDir, 'htpasswd');
  if (options.username !== undefined && options.password !== undefined) {
    // Apache accepts `{SHA}` + base64(SHA-1) entries; fine for a throw-away loopback server.
    const hash = createHash('sha1').update(options.password).digest('base64');
    writeFileSync(htpasswd, `${options.username}:{SHA}${hash}\n`, { mode: 0o644 });
  }

  const port = options.port ?? (await freePort());
  const conf = join(serverDir, 'httpd.conf');
  writeFileSync(
    conf,
    apacheConfig({ port, rootDir, serverDir, lockDir, runAs: runAs?.name, runAsGroup: runAs?.group, htpasswd: options.username !== undefined ? htpasswd : undefined }),
  );

  const proc = await ManagedProcess.start({
    name: 'apache-webdav',
    command: binary,
    args: ['-DFOREGROUND', '-f', conf],
    // Apache reads no envvars file when started directly; LANG=C is what Debian's apache2ctl sets.
    env: { PATH: process.env['PATH'], LANG: 'C' },
    output: options.log ?? 'ignore',
    processGroup: true,
  });
  try {
    await waitForListening(proc, port, 15_000, () => tail(join(serverDir, 'error.log')));
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return {
    kind: 'apache',
    url: `http://127.0.0.1:${port}`,
    port,
    username: options.username,
    password: options.password,
    rootDir,
    process: proc,
    stop: () => proc.stop(),
  };
}

function apacheConfig(c: {
  port: number;
  rootDir: string;
  serverDir: string;
  lockDir: string;
  runAs?: string;
  runAsGroup?: string;
  htpasswd?: string;
}): string {
  const q = (p: string) => `"${p.replace(/"/g, '\\"')}"`;
  const modules = ['mpm_event', 'authz_core', 'mime', 'dav', 'dav_fs', ...(c.htpasswd ? ['authn_core', 'authn_file', 'auth_basic', 'authz_user'] : [])];
  return [
    '# Generated by tools/local-services/src/webdav.ts for a local WebDAV stand-in; rewritten at every start.',
    `ServerRoot ${q(c.serverDir)}`,
    `DefaultRuntimeDir ${q(c.serverDir)}`,
    `PidFile ${q(join(c.serverDir, 'httpd.pid'))}`,
    'ServerName 127.0.0.1',
    `Listen 127.0.0.1:${c.port}`,
    ...modules.map((m) => `LoadModule ${m}_module ${q(`${APACHE_MODULES}/mod_${m}.so`)}`),
    ...(c.runAs ? [`User ${c.runAs}`, `Group ${c.runAsGroup ?? c.runAs}`] : []),
    // Small: tests and one developer, not production traffic.
    'StartServers 1',
    'ServerLimit 2',
    'ThreadsPerChild 16',
    'MaxRequestWorkers 32',
    'MinSpareThreads 4',
    'MaxSpareThreads 32',
    'Timeout 60',
    'KeepAlive On',
    'KeepAliveTimeout 5',
    `ErrorLog ${q(join(c.serverDir, 'error.log'))}`,
    'LogLevel warn',
    'TypesConfig /etc/mime.types',
    'TraceEnable off',
    `DavLockDB ${q(join(c.lockDir, 'DavLock'))}`,
    // Unlimited request bodies (Apache >= 2.4.54 defaults to 1 GiB).
    'LimitRequestBody 0',
    `DocumentRoot ${q(c.rootDir)}`,
    '<Directory "/">',
    '  AllowOverride None',
    '  Require all denied',
    '</Directory>',
    `<Directory ${q(c.rootDir)}>`,
    '  Dav On',
    '  Options None',
    '  AllowOverride None',
    ...(c.htpasswd
      ? ['  AuthType Basic', '  AuthName "DirectDriveX local WebDAV"', '  AuthBasicProvider file', `  AuthUserFile ${q(c.htpasswd)}`, '  Require valid-user']
      : ['  Require all granted']),
    '</Directory>',
    '',
  ].join('\n');
}

interface Account {
  name: string;
  group: string;
  uid: number;
  gid: number;
}

/** `www-data` (Debian's Apache user) or else `nobody`, from /etc/passwd and /etc/group. */
function workerAccount(): Account {
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n');
  const groups = readFileSync('/etc/group', 'utf8').split('\n');
  for (const name of ['www-data', 'nobody']) {
    const entry = passwd.find((l) => l.startsWith(`${name}:`))?.split(':');
    if (!entry) continue;
    const uid = Number(entry[2]);
    const gid = Number(entry[3]);
    const group = groups.find((l) => l.split(':')[2] === String(gid))?.split(':')[0] ?? String(gid);
    return { name, group, uid, gid };
  }
  throw new ApacheStartError('running as root, but neither a www-data nor a nobody account exists for the Apache workers');
}

/** Gives the workers the tree; skips the walk when the top already belongs to them. */
function chownTree(dir: string, uid: number, gid: number): void {
  const st = lstatSync(dir);
  if (st.uid === uid && st.gid === gid) return;
  chownSync(dir, uid, gid);
  if (!st.isDirectory()) return;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (lstatSync(path).isSymbolicLink()) continue;
    chownTree(path, uid, gid);
  }
}

/**
 * The workers must be able to reach `dir`. Folders inside `dataDir` (ours) get
 * an execute bit for others; a locked folder above it is reported instead of
 * silently opened up.
 */
function ensureTraversable(dir: string, dataDir: string, who: Account): void {
  for (let d = dirname(dir); ; d = dirname(d)) {
    const st = statSync(d);
    const ok = (st.uid === who.uid && st.mode & 0o100) || (st.gid === who.gid && st.mode & 0o010) || st.mode & 0o001;
    if (!ok) {
      if (d === dataDir || d.startsWith(dataDir + sep)) {
        chmodSync(d, (st.mode & 0o7777) | 0o001);
      } else {
        throw new ApacheStartError(
          `Apache's workers run as '${who.name}' and cannot enter ${d} (mode ${(st.mode & 0o777).toString(8)}). ` +
            `Allow it with \`chmod o+x ${d}\`, or put the data elsewhere.`,
        );
      }
    }
    if (d === dirname(d)) return;
  }
}

/** Resolves once the port accepts connections; fails early when the process exits. */
async function waitForListening(proc: ManagedProcess, port: number, timeoutMs: number, errorLog: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!proc.running) {
      throw new ApacheStartError(`apache2 exited before listening on port ${port}\n--- output ---\n${proc.recentOutput()}\n--- error.log ---\n${errorLog()}`);
    }
    if (await canConnect(port)) return;
    if (Date.now() > deadline) throw new ApacheStartError(`apache2 did not listen on port ${port} within ${timeoutMs} ms\n${errorLog()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once('error', () => resolvePromise(false));
  });
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no error log)';
  }
}

function checkCredentials(options: LocalWebdavOptions): void {
  if ((options.username === undefined) !== (options.password === undefined)) {
    throw new Error('local WebDAV: give both username and password, or neither');
  }
  if (options.username !== undefined && (!options.username || /[:\s]/.test(options.username))) {
    throw new Error('local WebDAV: the username must be non-empty without colons or spaces');
  }
}

// ------------------------------------------------------------------ in-process

/**
 * `webdav-server` v2 inside this process, serving `<dataDir>/files` from disk
 * through a PhysicalFileSystem. Used by `npm start` when Apache is missing and
 * by tests that need quota reporting or 507.
 */
export async function startInProcessWebdav(options: InProcessWebdavOptions): Promise<LocalWebdav> {
  checkCredentials(options);
  const { v2 } = await import('webdav-server');
  const rootDir = join(resolve(options.dataDir), 'files');
  mkdirSync(rootDir, { recursive: true });

  const serverOptions: WebdavServerV2.WebDAVServerOptions = {
    hostname: '127.0.0.1',
    port: options.port ?? 0,
    rootFileSystem: new v2.PhysicalFileSystem(rootDir),
  };
  if (options.quotaBytes !== undefined) serverOptions.storageManager = new v2.PerUserStorageManager(options.quotaBytes);
  if (options.username !== undefined && options.password !== undefined) {
    const users = new v2.SimpleUserManager();
    const user = users.addUser(options.username, options.password, false);
    const privileges = new v2.SimplePathPrivilegeManager();
    privileges.setRights(user, '/', ['all']);
    serverOptions.httpAuthentication = new v2.HTTPBasicAuthentication(users, 'DirectDriveX local WebDAV');
    serverOptions.requireAuthentification = true;
    serverOptions.privilegeManager = privileges;
  }

  const server = new v2.WebDAVServer(serverOptions);
  const http = await new Promise<Server>((resolvePromise, reject) => {
    server.start((s) => (s ? resolvePromise(s as Server) : reject(new Error('webdav-server did not start'))));
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    kind: 'inprocess',
    url: `http://127.0.0.1:${port}`,
    port,
    username: options.username,
    password: options.password,
    rootDir,
    stop: () =>
      new Promise<void>((resolvePromise) => {
        // Keep-alive sockets would hold close() open until they time out.
        http.closeAllConnections();
        server.stop(() => resolvePromise());
      }),
  };
}

// ---------------------------------------------------------------------- choose

export interface StartWebdavOptions extends ApacheWebdavOptions {
  /** `apache` uses Apache when it is installed and starts, else falls back to in-process. */
  prefer: LocalWebdavKind;
}

export type StartedWebdav = LocalWebdav & {
  /** Why Apache was not used although preferred (missing binary, start failure). */
  fallbackReason?: string;
};

/** Apache when installed (and `prefer: 'apache'`), else the in-process server; says which. */
export async function startWebdav(options: StartWebdavOptions): Promise<StartedWebdav> {
  const { prefer, log, ...common } = options;
  if (prefer === 'apache') {
    try {
      return await startApacheWebdav({ ...common, log });
    } catch (e) {
      const fallbackReason = e instanceof Error ? e.message.split('\n')[0] : String(e);
      return { ...(await startInProcessWebdav(common)), fallbackReason };
    }
  }
  return startInProcessWebdav(common);
}
