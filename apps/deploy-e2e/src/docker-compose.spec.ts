import { findBinary, repoRoot } from '@ddx/local-services';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * docker-compose.yml, checked without a Docker engine: docker-compose validates and
 * renders it (`config`), and the rendered model is checked for what the deployment
 * promises (hardening, health-gated start order, one trusted proxy, no published
 * database ports, every ${VAR} documented).
 */

const root = repoRoot();
const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const envExample = readFileSync(join(root, '.env.example'), 'utf8');

/** Values for the variables docker-compose.yml requires (${VAR:?…}). */
const REQUIRED = {
  MONGO_ROOT_USERNAME: 'root',
  MONGO_ROOT_PASSWORD: 'rootpw0123456789abcdef',
  MONGO_APP_USERNAME: 'directdrivex',
  MONGO_APP_PASSWORD: 'apppw0123456789abcdef',
  REDIS_PASSWORD: 'redispw0123456789abcdef',
  METRICS_TOKEN: 'metrics0123456789abcdef',
};

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  profiles?: string[];
  ports?: unknown[];
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  init?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  read_only?: boolean;
  networks?: Record<string, { ipv4_address?: string } | null>;
  volumes?: unknown[];
  user?: string;
  restart?: string;
}

interface ComposeModel {
  services: Record<string, ComposeService>;
  networks: Record<string, { internal?: boolean; ipam?: { config: { subnet: string }[] } }>;
  volumes: Record<string, unknown>;
}

function dockerCompose(): string {
  const binary = findBinary('docker-compose', ['/usr/bin', '/usr/local/bin']);
  if (!binary) {
    throw new Error(
      'docker-compose is not installed: install docker-compose (Debian: apt-get install docker-compose; .ci/run does this) — the compose file cannot be validated without it',
    );
  }
  return binary;
}

/**
 * Runs docker-compose against a copy of docker-compose.yml in a temp project directory,
 * with .env made from .env.example (plus `extraEnv` lines) — the repository's own .env,
 * if any, is never read or written.
 */
function compose(args: string[], options: { env?: Record<string, string>; extraEnv?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ddx-deploy-compose-'));
  try {
    copyFileSync(join(root, 'docker-compose.yml'), join(dir, 'docker-compose.yml'));
    writeFileSync(join(dir, '.env'), `${envExample}\n${options.extraEnv ?? ''}`);
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: dir, ...options.env };
    return spawnSync(dockerCompose(), ['-f', 'docker-compose.yml', ...args], { cwd: dir, env, encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The YAML docker-compose prints, as JSON (PyYAML ships with docker-compose). */
function yamlToJson<T>(yaml: string): T {
  const r = spawnSync('python3', ['-c', 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], { input: yaml, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not parse docker-compose output: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

function renderedModel(extraEnv = ''): ComposeModel {
  const r = compose(['--profile', 'dev', 'config'], { env: REQUIRED, extraEnv });
  if (r.status !== 0) throw new Error(`docker-compose config failed:\n${r.stderr}`);
  return yamlToJson<ComposeModel>(r.stdout);
}

describe('docker-compose.yml', () => {
  it('is valid for docker-compose (`docker-compose -f docker-compose.yml config -q`)', () => {
    const r = compose(['config', '-q'], { env: REQUIRED });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const dev = compose(['--profile', 'dev', 'config', '-q'], { env: REQUIRED });
    expect({ status: dev.status, stderr: dev.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('refuses to start without the secrets, naming the missing one', () => {
    const withoutRedis: Record<string, string> = { ...REQUIRED };
    delete withoutRedis['REDIS_PASSWORD'];
    const r = compose(['config', '-q'], { env: withoutRedis });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('set REDIS_PASSWORD in .env');
  });

  it('documents every ${VAR} it uses in .env.example', () => {
    const used = new Set([...composeText.matchAll(/(?<!\$)\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1] as string));
    expect(used.size).toBeGreaterThan(5);
    const undocumented = [...used].filter((name) => !new RegExp(`^#?\\s*${name}=`, 'm').test(envExample));
    expect(undocumented).toEqual([]);
  });

  it('builds every image from a Dockerfile that exists, and mounts only files that exist', () => {
    const model = renderedModel();
    for (const [name, service] of Object.entries(model.services)) {
      if (service.build) expect({ name, dockerfile: existsSync(join(root, service.build.dockerfile)) }).toEqual({ name, dockerfile: true });
      else expect({ name, image: service.image }).toEqual({ name, image: expect.stringMatching(/^(mongo:7|redis:7)$/) });
    }
    for (const match of composeText.matchAll(/^\s*- \.\/([^:]+):/gm)) {
      expect({ mount: match[1], exists: existsSync(join(root, match[1] as string)) }).toEqual({ mount: match[1], exists: true });
    }
  });

  it('hardens every container: init, no capabilities, no-new-privileges, health check', () => {
    const model = renderedModel();
    expect(Object.keys(model.services).sort()).toEqual(['api-1', 'api-2', 'gdrive-emulator', 'mongo', 'redis', 'web', 'webdav', 'worker']);
    for (const [name, s] of Object.entries(model.services)) {
      expect({ name, init: s.init, cap_drop: s.cap_drop, security_opt: s.security_opt }).toEqual({
        name,
        init: true,
        cap_drop: ['ALL'],
        security_opt: ['no-new-privileges:true'],
      });
      // Built images carry their own HEALTHCHECK; the rest are declared here.
      if (!s.build) expect({ name, healthcheck: Boolean(s.healthcheck) }).toEqual({ name, healthcheck: true });
    }
    for (const name of ['web', 'api-1', 'api-2', 'worker']) {
      expect({ name, read_only: model.services[name]?.read_only, healthcheck: Boolean(model.services[name]?.healthcheck) }).toEqual({
        name,
        read_only: true,
        healthcheck: true,
      });
    }
    // The databases run as their images' unprivileged users.
    expect(model.services['mongo']?.user).toBe('999:999');
    expect(model.services['redis']?.user).toBe('999:999');
  });

  it('publishes only Nginx, and starts each service after what it needs is healthy', () => {
    const model = renderedModel();
    const published = Object.entries(model.services)
      .filter(([, s]) => s.ports?.length)
      .map(([name]) => name);
    expect(published).toEqual(['web']);
    expect(model.services['web']?.depends_on).toEqual({ 'api-1': { condition: 'service_healthy' }, 'api-2': { condition: 'service_healthy' } });
    for (const name of ['api-1', 'api-2', 'worker']) {
      expect(model.services[name]?.depends_on).toEqual({ mongo: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    }
    expect(model.networks['backend']?.internal).toBe(true);
    for (const name of ['mongo', 'redis']) expect(Object.keys(model.services[name]?.networks ?? {})).toEqual(['backend']);
  });

  it('runs two api replicas in production mode that trust exactly one proxy: the Nginx container', () => {
    const model = renderedModel();
    const web = model.services['web'] as ComposeService;
    const proxyIp = web.networks?.['edge']?.ipv4_address;
    expect(proxyIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const subnet = model.networks['edge']?.ipam?.config[0]?.subnet ?? '';
    expect(proxyIp?.split('.').slice(0, 3).join('.')).toBe(subnet.split('.').slice(0, 3).join('.'));
    for (const name of ['api-1', 'api-2']) {
      const env = model.services[name]?.environment ?? {};
      expect({ name, NODE_ENV: env['NODE_ENV'], HOST: env['HOST'], PORT: env['PORT'], TRUSTED_PROXIES: env['TRUSTED_PROXIES'] }).toEqual({
        name,
        NODE_ENV: 'production',
        HOST: '0.0.0.0',
        PORT: '8080',
        TRUSTED_PROXIES: proxyIp,
      });
      expect(env['MONGO_URL']).toBe(`mongodb://${REQUIRED.MONGO_APP_USERNAME}:${REQUIRED.MONGO_APP_PASSWORD}@mongo:27017/directdrivex`);
      expect(env['REDIS_URL']).toBe(`redis://:${REQUIRED.REDIS_PASSWORD}@redis:6379/0`);
    }
    // The upstream servers Nginx balances are exactly these two services.
    const nginxConf = readFileSync(join(root, 'nginx', 'nginx.conf'), 'utf8');
    expect([...nginxConf.matchAll(/^\s*server (\S+) max_fails/gm)].map((m) => m[1])).toEqual(['api-1:8080', 'api-2:8080']);
  });

  it('restarts the api replicas and the worker when they exit (an unexpected error ends a process on purpose)', () => {
    const model = renderedModel();
    for (const name of ['api-1', 'api-2', 'worker', 'web', 'mongo', 'redis']) {
      expect({ name, restart: model.services[name]?.restart }).toEqual({ name, restart: expect.stringMatching(/^(always|unless-stopped|on-failure)$/) });
    }
  });

  it('gives the production api replicas the METRICS_TOKEN they require, and refuses to render without it', () => {
    const model = renderedModel();
    for (const name of ['api-1', 'api-2']) expect({ name, token: model.services[name]?.environment?.['METRICS_TOKEN'] }).toEqual({ name, token: REQUIRED.METRICS_TOKEN });
    const withoutToken: Record<string, string> = { ...REQUIRED };
    delete withoutToken['METRICS_TOKEN'];
    const r = compose(['config', '-q'], { env: withoutToken });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('set METRICS_TOKEN in .env');
  });

  it('leaves the API docs at their production default (off): .env.example does not switch them on', () => {
    const model = renderedModel();
    for (const name of ['api-1', 'api-2']) expect({ name, docs: model.services[name]?.environment?.['ENABLE_API_DOCS'] }).toEqual({ name, docs: undefined });
  });

  it('passes .env values through intact, JSON included (the dev profile overlay)', () => {
    const model = renderedModel(readFileSync(join(root, 'docker', 'dev', 'dev.env'), 'utf8'));
    const env = model.services['api-1']?.environment ?? {};
    expect(env['GDRIVE_API_ROOT']).toBe('http://gdrive-emulator:4444/');
    expect(JSON.parse(env['GDRIVE_ACCOUNTS_JSON'] ?? 'null')).toEqual([expect.objectContaining({ refresh_token: 'dev-only-emulator-refresh-token-1' })]);
    expect(env['WEBDAV_URL']).toBe('http://webdav:8080');
    expect(model.services['gdrive-emulator']?.profiles).toEqual(['dev']);
    expect(model.services['webdav']?.profiles).toEqual(['dev']);
  });
});
