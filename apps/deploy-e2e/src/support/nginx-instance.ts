import { ManagedProcess, repoRoot, requireBinary, waitForPort } from '@ddx/local-services';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NginxOptions {
  /** Upstream api servers, host:port. */
  api: string[];
  webRoot: string;
  port: number;
  /** Adds the TLS server (self-signed certificate generated here) on this port. */
  tlsPort?: number;
}

export interface AccessLogEntry {
  client: string;
  request_id: string;
  method: string;
  path: string;
  status: number;
  upstream: string;
  upstream_status: string;
}

export interface NginxInstance {
  url: string;
  httpsUrl?: string;
  dir: string;
  confFile: string;
  /** stderr of `nginx -t` for this configuration (warnings would show here). */
  configTestOutput: string;
  accessLog(): AccessLogEntry[];
  errorLog(): string;
  stop(): Promise<void>;
}

export const NGINX_HINT = 'apt-get install nginx';

export function nginxBinary(): string {
  return requireBinary('nginx', NGINX_HINT, ['/usr/sbin']);
}

/** Runs nginx/render.mjs the way an operator does; returns the configuration text. */
export function renderNginxConf(args: string[]): string {
  const result = spawnSync(process.execPath, [join(repoRoot(), 'nginx', 'render.mjs'), ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`nginx/render.mjs ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const openssl = requireBinary('openssl', 'apt-get install openssl');
  const cert = join(dir, 'tls-cert.pem');
  const key = join(dir, 'tls-key.pem');
  const r = spawnSync(
    openssl,
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-keyout', key, '-out', cert],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { cert, key };
}

/**
 * Debian's nginx running the project's configuration: the template rendered into a temp
 * directory next to copies of nginx/directdrivex/ and mime.types, pid, logs and temp
 * files in that directory too. As root, workers run as root (`user root;`): the default
 * worker user "nobody" could not enter the 0700 temp directory.
 */
export async function startNginx(options: NginxOptions): Promise<NginxInstance> {
  const nginx = nginxBinary();
  const root = repoRoot();
  const dir = mkdtempSync(join(tmpdir(), 'ddx-deploy-nginx-'));
  cpSync(join(root, 'nginx', 'directdrivex'), join(dir, 'directdrivex'), { recursive: true });
  const mimeTypes = '/etc/nginx/mime.types';
  if (!existsSync(mimeTypes)) throw new Error(`${mimeTypes} is missing: ${NGINX_HINT}`);
  copyFileSync(mimeTypes, join(dir, 'mime.types'));

  const args = [
    '--listen',
    `127.0.0.1:${options.port}`,
    ...options.api.flatMap((a) => ['--api', a]),
    '--web-root',
    options.webRoot,
    '--runtime-dir',
    dir,
    '--access-log',
    join(dir, 'access.log'),
    '--error-log',
    join(dir, 'error.log'),
  ];
  if (process.getuid?.() === 0) args.push('--user', 'root');
  if (options.tlsPort) {
    const { cert, key } = selfSignedCertificate(dir);
    args.push('--tls', '--tls-listen', `127.0.0.1:${options.tlsPort}`, '--tls-cert', cert, '--tls-key', key, '--https-port', String(options.tlsPort));
  }
  const confFile = join(dir, 'nginx.conf');
  args.push('--out', confFile);
  renderNginxConf(args);

  const common = ['-p', dir, '-e', join(dir, 'early-error.log'), '-c', confFile];
  const check = spawnSync(nginx, ['-t', ...common], { encoding: 'utf8' });
  const configTestOutput = `${check.stdout}${check.stderr}`;
  if (check.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`nginx -t rejected the rendered configuration:\n${configTestOutput}`);
  }

  const proc = await ManagedProcess.start({
    name: 'nginx',
    command: nginx,
    args: [...common, '-g', 'daemon off;'],
    output: join(dir, 'nginx.out'),
    // nginx forks workers: signal the whole group, so none outlives a crashed test run.
    processGroup: true,
  });
  try {
    await waitForPort(options.port, '127.0.0.1', 15_000);
    if (options.tlsPort) await waitForPort(options.tlsPort, '127.0.0.1', 15_000);
  } catch (e) {
    await proc.stop();
    const errors = readIfExists(join(dir, 'error.log'));
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}\n${errors}`);
  }

  return {
    url: `http://127.0.0.1:${options.port}`,
    httpsUrl: options.tlsPort ? `https://127.0.0.1:${options.tlsPort}` : undefined,
    dir,
    confFile,
    configTestOutput,
    accessLog: () =>
      readIfExists(join(dir, 'access.log'))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AccessLogEntry),
    errorLog: () => readIfExists(join(dir, 'error.log')),
    stop: async () => {
      // SIGTERM: nginx's fast shutdown, workers included.
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readIfExists(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}
