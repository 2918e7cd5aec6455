#!/usr/bin/env node
// Container health check of the api: GET <url> (default: the api's health route on its
// own port) must answer 2xx within the timeout. The route answers 503 when MongoDB or
// Redis is unreachable, so an unhealthy api is taken out of rotation by the operator's
// tooling and restarted by `restart: unless-stopped` only if the process dies.
// Dependency-free on purpose: node is all the runtime image has.
'use strict';

const port = process.env.PORT || '8080';
const url = process.argv[2] || `http://127.0.0.1:${port}/api/v1/health`;
const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS || 4000);

fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  .then(async (res) => {
    const body = (await res.text()).slice(0, 200);
    if (res.ok) process.exit(0);
    process.stderr.write(`unhealthy: ${url} answered ${res.status} ${body}\n`);
    process.exit(1);
  })
  .catch((e) => {
    process.stderr.write(`unhealthy: ${url}: ${e && e.message ? e.message : String(e)}\n`);
    process.exit(1);
  });
