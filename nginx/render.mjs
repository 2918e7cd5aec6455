#!/usr/bin/env node
// Renders nginx/nginx.conf.template (placeholders {{NAME}}) into a complete nginx.conf.
//
//   node nginx/render.mjs --production --out nginx/nginx.conf        # what the web image runs
//   node nginx/render.mjs --production --tls --out my-nginx.conf     # + TLS server on 8443
//   node nginx/render.mjs --listen 127.0.0.1:9000 --api 127.0.0.1:3001 --api 127.0.0.1:3002 \
//        --web-root dist/apps/web/browser --runtime-dir /tmp/ddx-nginx     # anything else
//
// The rendered file includes `mime.types` and `directdrivex/*.conf` relative to its own
// directory: put it next to a copy of nginx/directdrivex/ and a mime.types.
// No dependencies; apps/deploy-e2e runs this script exactly as an operator would.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Values of the production image (docker/web.Dockerfile, docker-compose.yml). */
export const PRODUCTION = {
  listen: '8080',
  api: ['api-1:8080', 'api-2:8080'],
  webRoot: '/usr/share/nginx/html',
  runtimeDir: '/tmp',
  accessLog: '/dev/stdout',
  errorLog: '/dev/stderr',
  user: '',
  tls: false,
  tlsListen: '8443',
  tlsCert: '/etc/nginx/tls/fullchain.pem',
  tlsKey: '/etc/nginx/tls/privkey.pem',
  httpsPort: '443',
};

function indent(text, spaces) {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n');
}

function tlsServer(v) {
  return indent(
    `
# TLS: certificates mounted read-only (see README, "Deploy" → HTTPS).
server {
    listen ${v.tlsListen} ssl http2 default_server;
    server_name _;
    root ${v.webRoot};

    ssl_certificate     ${v.tlsCert};
    ssl_certificate_key ${v.tlsKey};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:ddx_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;

    include directdrivex/locations.conf;
}`,
    4,
  );
}

function plainServerBody(v) {
  if (!v.tls) return indent('include directdrivex/locations.conf;', 8);
  const port = v.httpsPort === '443' ? '' : `:${v.httpsPort}`;
  return indent(
    `
# With TLS on, plain HTTP only answers the container health check and redirects.
location = /healthz {
    access_log off;
    default_type text/plain;
    return 200 "ok\\n";
}

location / {
    return 301 https://$host${port}$request_uri;
}`,
    8,
  );
}

/** The rendered configuration for the given values (missing keys take production's). */
export function render(values = {}) {
  const v = { ...PRODUCTION, ...values };
  if (!v.api.length) throw new Error('at least one --api server is needed');
  const replacements = {
    USER: v.user ? `user ${v.user};` : '# No "user" directive: the image runs nginx as an unprivileged user.',
    RUNTIME_DIR: v.runtimeDir,
    ERROR_LOG: v.errorLog,
    ACCESS_LOG: v.accessLog,
    LISTEN: v.listen,
    WEB_ROOT: v.webRoot,
    API_SERVERS: v.api.map((s) => `        server ${s} max_fails=3 fail_timeout=10s;`).join('\n'),
    PLAIN_SERVER_BODY: plainServerBody(v),
    TLS_SERVER: v.tls ? tlsServer(v) : '',
  };
  const template = readFileSync(join(here, 'nginx.conf.template'), 'utf8');
  const out = template.replace(/\{\{([A-Z_]+)\}\}/g, (match, name) => {
    if (!(name in replacements)) throw new Error(`unknown placeholder ${match}`);
    return replacements[name];
  });
  return out.replace(/\n{3,}/g, '\n\n');
}

function parseArgs(argv) {
  const values = {};
  let out;
  const api = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      return value;
    };
    switch (arg) {
      case '--production':
        break;
      case '--out':
        out = next();
        break;
      case '--listen':
        values.listen = next();
        break;
      case '--api':
        api.push(next());
        break;
      case '--web-root':
        values.webRoot = next();
        break;
      case '--runtime-dir':
        values.runtimeDir = next();
        break;
      case '--access-log':
        values.accessLog = next();
        break;
      case '--error-log':
        values.errorLog = next();
        break;
      case '--user':
        values.user = next();
        break;
      case '--tls':
        values.tls = true;
        break;
      case '--tls-listen':
        values.tlsListen = next();
        break;
      case '--tls-cert':
        values.tlsCert = next();
        break;
      case '--tls-key':
        values.tlsKey = next();
        break;
      case '--https-port':
        values.httpsPort = next();
        break;
      default:
        throw new Error(`unknown argument ${arg}`);
    }
  }
  if (api.length) values.api = api;
  return { values, out };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const { values, out } = parseArgs(process.argv.slice(2));
    const text = render(values);
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
  } catch (e) {
    process.stderr.write(`render.mjs: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
}
