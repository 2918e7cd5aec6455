import { ApiRoutes } from '@ddx/contracts';
import { NODE_FLAGS, PROCESS_ENV, ProductApp, repoRoot } from '@ddx/local-services';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { renderNginxConf } from './support/nginx-instance';

/** `/usr/bin/node --env-file=… <NODE_FLAGS of the app> <release>/dist/apps/<app>/main.js`, as every launcher runs it. */
const nodeCommand = (app: ProductApp) =>
  new RegExp(`^/usr/bin/node --env-file=/etc/directdrivex/directdrivex\\.env ${NODE_FLAGS[app].map((f) => `${f} `).join('')}\\S+/dist/apps/${app}/main\\.js$`);

const root = repoRoot();
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('nginx/nginx.conf', () => {
  it('is the template rendered with the production values (run `node nginx/render.mjs --production --out nginx/nginx.conf`)', () => {
    expect(read('nginx/nginx.conf')).toBe(renderNginxConf(['--production']));
  });

  it('runs unprivileged in the image: everything it writes is under /tmp, logs go to the container output', () => {
    const conf = read('nginx/nginx.conf');
    expect(conf).not.toMatch(/^\s*user\s/m);
    expect(conf).toMatch(/^pid \/tmp\/nginx\.pid;$/m);
    for (const m of conf.matchAll(/^\s*(\w+_temp_path)\s+(\S+);/gm)) expect({ [m[1] as string]: (m[2] as string).startsWith('/tmp/') }).toEqual({ [m[1] as string]: true });
    expect(conf).toMatch(/^\s*listen 8080 default_server;$/m);
    expect(conf).toMatch(/access_log \/dev\/stdout ddx;/);
  });

  it('covers every auth route of the contracts with a rate-limit zone, whatever the case and with a trailing slash', () => {
    const locations = read('nginx/directdrivex/locations.conf');
    for (const path of [ApiRoutes.auth.token, ApiRoutes.auth.register, ApiRoutes.auth.forgotPassword, ApiRoutes.auth.resetPassword, ApiRoutes.adminAuth.token]) {
      const location = `location ~* ^${path}/?$ {`;
      const at = locations.indexOf(location);
      expect({ path, limited: at >= 0 && /^\s*limit_req zone=ddx_/.test(locations.slice(at + location.length)) }).toEqual({ path, limited: true });
      // An exact-match spelling would be chosen before the regex and let the others through.
      expect(locations).not.toContain(`location = ${path} `);
    }
  });
});

describe('outside containers', () => {
  /** supervisord's INI: sections of key=value. */
  function ini(text: string): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    let section = '';
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith(';') || line.startsWith('#')) continue;
      const header = /^\[(.+)\]$/.exec(line);
      if (header) out[(section = header[1] as string)] = {};
      else {
        const i = line.indexOf('=');
        (out[section] as Record<string, string>)[line.slice(0, i).trim()] = line.slice(i + 1).trim();
      }
    }
    return out;
  }

  it('supervisord runs two api replicas on two loopback ports and the worker, restarted, logged to files', () => {
    const conf = ini(read('deploy/supervisor/directdrivex.conf'));
    const programs = Object.keys(conf).filter((s) => s.startsWith('program:'));
    expect(programs.sort()).toEqual(['program:directdrivex-api-1', 'program:directdrivex-api-2', 'program:directdrivex-worker']);
    const ports = new Set<string>();
    for (const name of programs) {
      const p = conf[name] as Record<string, string>;
      expect({ name, autorestart: p['autorestart'], logs: Boolean(p['stdout_logfile'] && p['stderr_logfile']), user: p['user'] }).toEqual({
        name,
        autorestart: 'true',
        logs: true,
        user: 'directdrivex',
      });
      expect(p['command']).toMatch(nodeCommand(name.includes('api') ? 'api' : 'worker'));
      const port = /PORT="(\d+)"/.exec(p['environment'] ?? '')?.[1];
      for (const [key, value] of Object.entries(PROCESS_ENV[name.includes('api') ? 'api' : 'worker'])) expect(p['environment']).toContain(`${key}="${value}"`);
      if (name.includes('api')) {
        expect(p['environment']).toContain('HOST="127.0.0.1"');
        ports.add(port as string);
      }
    }
    expect([...ports].sort()).toEqual(['8081', '8082']);
  });

  it('systemd: a templated api unit (instance = port) and a worker unit, both loading the env file', () => {
    const api = read('deploy/systemd/directdrivex-api@.service');
    const worker = read('deploy/systemd/directdrivex-worker.service');
    expect(api).toMatch(/^Environment=.*\bPORT=%i\b/m);
    for (const [key, value] of Object.entries(PROCESS_ENV.api)) expect(/^Environment=(.*)$/m.exec(api)?.[1]?.split(' ')).toContain(`${key}=${value}`);
    expect(/^ExecStart=(.*)$/m.exec(api)?.[1]).toMatch(nodeCommand('api'));
    expect(/^ExecStart=(.*)$/m.exec(worker)?.[1]).toMatch(nodeCommand('worker'));
    for (const unit of [api, worker]) {
      expect(unit).toMatch(/^Restart=always$/m);
      expect(unit).toMatch(/^User=directdrivex$/m);
      expect(unit).toMatch(/^NoNewPrivileges=yes$/m);
      expect(unit).toMatch(/^RestartPreventExitStatus=78$/m);
    }
    expect(read('deploy/systemd/directdrivex.target')).toMatch(/directdrivex-api@8081\.service directdrivex-api@8082\.service directdrivex-worker\.service/);
  });

  it('every supervisor restarts an api or worker that exits on an unexpected error (exit code 70)', () => {
    for (const unit of ['deploy/systemd/directdrivex-api@.service', 'deploy/systemd/directdrivex-worker.service']) {
      const text = read(unit);
      expect({ unit, restart: /^Restart=(\S+)$/m.exec(text)?.[1] }).toEqual({ unit, restart: 'always' });
      expect({ unit, prevented: /^RestartPreventExitStatus=(.*)$/m.exec(text)?.[1]?.split(/\s+/) ?? [] }).toEqual({ unit, prevented: ['78'] });
    }
    const conf = ini(read('deploy/supervisor/directdrivex.conf'));
    for (const name of ['program:directdrivex-api-1', 'program:directdrivex-api-2', 'program:directdrivex-worker']) {
      // `unexpected` would restart only on exit codes outside `exitcodes`; `true` restarts on any exit.
      expect({ name, autorestart: conf[name]?.['autorestart'] }).toEqual({ name, autorestart: 'true' });
    }
  });

  it('shell scripts parse (bash -n / sh -n)', () => {
    for (const [shell, script] of [
      ['bash', 'deploy/compose-rolling-upgrade.sh'],
      ['sh', 'docker/prod-deps-fixups.sh'],
    ] as const) {
      const r = spawnSync(shell, ['-n', join(root, script)], { encoding: 'utf8' });
      expect({ script, status: r.status, stderr: r.stderr }).toEqual({ script, status: 0, stderr: '' });
    }
  });
});

describe('vercel.json (static SPA hosting)', () => {
  const vercel = JSON.parse(read('vercel.json')) as {
    outputDirectory: string;
    rewrites: { source: string; destination: string }[];
    headers: { source: string; headers: { key: string; value: string }[] }[];
  };

  it('publishes the production build with a history fallback that leaves api paths alone', () => {
    expect(vercel.outputDirectory).toBe('dist/apps/web/browser');
    expect(vercel.rewrites).toEqual([{ source: expect.stringMatching(/api\/.*ws_api\/.*ws_admin/), destination: '/index.html' }]);
    const fallback = new RegExp(`^${(vercel.rewrites[0] as { source: string }).source}$`);
    expect(fallback.test('/download/abc')).toBe(true);
    expect(fallback.test('/api/v1/health')).toBe(false);
  });

  it('sends the security headers, with a CSP that allows exactly the inline handler the build emits', () => {
    const all = Object.fromEntries((vercel.headers.find((h) => h.source === '/(.*)')?.headers ?? []).map((h) => [h.key, h.value]));
    expect(all['X-Content-Type-Options']).toBe('nosniff');
    expect(all['X-Frame-Options']).toBe('DENY');
    expect(all['Strict-Transport-Security']).toMatch(/max-age=\d{8}/);
    const csp = all['Content-Security-Policy'] ?? '';
    // Vercel cannot rewrite index.html like nginx does, so the onload handler Angular adds
    // to the stylesheet link is allowed by its hash ('unsafe-hashes').
    const index = readFileSync(join(root, 'dist', 'apps', 'web', 'browser', 'index.html'), 'utf8');
    for (const m of index.matchAll(/\son[a-z]+="([^"]*)"/g)) {
      const hash = createHash('sha256')
        .update((m[1] as string).replace(/&#39;/g, "'"))
        .digest('base64');
      expect(csp).toContain(`'sha256-${hash}'`);
    }
    expect(csp).toMatch(/script-src 'self'[^;]*;/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  });

  it('caches content-hashed build output for a year', () => {
    const immutable = vercel.headers.filter((h) => h.headers.some((x) => x.key === 'Cache-Control' && x.value.includes('immutable')));
    expect(immutable.length).toBeGreaterThan(0);
  });
});

describe('README', () => {
  it('has a Deploy section after Tests', () => {
    const readme = read('README.md');
    const tests = readme.indexOf('\n## Tests');
    const deploy = readme.indexOf('\n## Deploy');
    expect(tests).toBeGreaterThan(-1);
    expect(deploy).toBeGreaterThan(tests);
    for (const must of ['docker compose up -d', 'admin:create', 'GDRIVE_ACCOUNTS_JSON', 'WEBDAV_URL', 'BACKUP_CONCURRENCY', 'mongodump', 'TRUSTED_PROXIES']) {
      expect({ must, present: readme.slice(deploy).includes(must) }).toEqual({ must, present: true });
    }
  });
});
