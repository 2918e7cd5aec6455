import { freePort, repoRoot } from '@ddx/local-services';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import WebSocket from 'ws';

import { header, send } from './support/http-client';
import { NginxInstance, startNginx } from './support/nginx-instance';
import { UpstreamProbe } from './support/upstream-probe';

/**
 * The same configuration with the TLS server switched on (`render.mjs --tls`, a
 * self-signed certificate) and an upstream probe in place of the api, which records
 * exactly what nginx forwards. Proves the proxy behaviour the upload, download and
 * admin-socket features rely on before those features exist.
 */
describe('nginx proxy behaviour (TLS server, upstream probe)', () => {
  let probe: UpstreamProbe;
  let nginx: NginxInstance;
  let https: string;

  beforeAll(async () => {
    probe = await UpstreamProbe.start();
    nginx = await startNginx({
      api: [probe.address],
      webRoot: join(repoRoot(), 'dist', 'apps', 'web', 'browser'),
      port: await freePort(),
      tlsPort: await freePort(),
    });
    https = nginx.httpsUrl as string;
  });

  afterAll(async () => {
    probe?.releaseDownload();
    await nginx?.stop();
    await probe?.stop();
  });

  it('accepts the TLS rendering without warnings', () => {
    expect(nginx.configTestOutput).toContain('test is successful');
    expect(nginx.configTestOutput).not.toMatch(/\[(warn|emerg|alert|crit)\]/);
  });

  describe('TLS', () => {
    it('redirects plain HTTP to HTTPS, except the health check', async () => {
      const res = await send(`${nginx.url}/download/abc?x=1`);
      expect(res.status).toBe(301);
      expect(header(res, 'location')).toBe(`${https}/download/abc?x=1`);
      const health = await send(`${nginx.url}/healthz`);
      expect({ status: health.status, body: health.text }).toEqual({ status: 200, body: 'ok\n' });
    });

    it('sends HSTS over TLS, with the other security headers', async () => {
      const res = await send(`${https}/some/route`, { headers: { Accept: 'text/html' } });
      expect(res.status).toBe(200);
      expect(res.text).toContain('<app-root>');
      expect(header(res, 'strict-transport-security')).toBe('max-age=63072000; includeSubDomains');
      expect(header(res, 'x-frame-options')).toBe('DENY');
      expect(header(res, 'content-security-policy')).toContain(`connect-src 'self' ws://${new URL(https).host} wss://${new URL(https).host};`);
    });
  });

  describe('what the api receives', () => {
    it('X-Forwarded-For is the connecting client, replacing anything the client sent; Proto/Host/Real-IP set', async () => {
      const res = await send(`${https}/api/v1/whoami`, {
        localAddress: '127.0.0.3',
        headers: { 'X-Forwarded-For': '6.6.6.6', 'X-Real-IP': '6.6.6.6', 'X-Forwarded-Proto': 'gopher' },
      });
      expect(res.status).toBe(200);
      const seen = probe.last('/api/v1/whoami');
      expect(seen?.headers['x-forwarded-for']).toBe('127.0.0.3');
      expect(seen?.headers['x-real-ip']).toBe('127.0.0.3');
      expect(seen?.headers['x-forwarded-proto']).toBe('https');
      expect(seen?.headers['x-forwarded-host']).toBe('127.0.0.1');
      expect(seen?.headers['host']).toBe('127.0.0.1');
    });

    it('keeps a well-formed X-Request-Id and replaces a malformed one with its own', async () => {
      await send(`${https}/api/v1/rid-good`, { headers: { 'X-Request-Id': 'abc.DEF_123-x' } });
      expect(probe.last('/api/v1/rid-good')?.headers['x-request-id']).toBe('abc.DEF_123-x');
      await send(`${https}/api/v1/rid-bad`, { headers: { 'X-Request-Id': 'bad id; with spaces' } });
      expect(probe.last('/api/v1/rid-bad')?.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    });

    it('reuses upstream connections (HTTP/1.1 keep-alive, no Connection: close)', async () => {
      await send(`${https}/api/v1/keepalive`);
      const seen = probe.last('/api/v1/keepalive');
      expect(seen?.headers['connection']).toBeUndefined();
    });

    it('answers 503 JSON, not an HTML error page, when no api replica is reachable', async () => {
      // Rendered separately: same configuration, upstream on a port nothing listens on.
      const dead = await startNginx({
        api: [`127.0.0.1:${await freePort()}`],
        webRoot: join(repoRoot(), 'dist', 'apps', 'web', 'browser'),
        port: await freePort(),
      });
      try {
        const res = await send(`${dead.url}/api/v1/health`);
        expect(res.status).toBe(503);
        expect(header(res, 'content-type')).toBe('application/json');
        expect(JSON.parse(res.text)).toEqual({ statusCode: 503, error: 'SERVICE_UNAVAILABLE', message: expect.any(String) });
      } finally {
        await dead.stop();
      }
    });
  });

  describe('WebSockets (uploads, admin events)', () => {
    it('upgrades /ws_api/upload/:id over wss and carries 4 MiB binary frames both ways', async () => {
      const ws = new WebSocket(`${https.replace('https', 'wss')}/ws_api/upload/f1?ticket=upload-ticket`, {
        rejectUnauthorized: false,
        localAddress: '127.0.0.4',
        maxPayload: 64 * 1024 * 1024,
      });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const seen = probe.last('/ws_api/upload/f1');
      expect(seen?.headers['upgrade']).toBe('websocket');
      expect(seen?.headers['connection']).toBe('upgrade');
      expect(seen?.headers['x-forwarded-for']).toBe('127.0.0.4');
      expect(seen?.headers['x-forwarded-proto']).toBe('https');

      const chunk = randomBytes(4 * 1024 * 1024);
      const echoed = new Promise<Buffer>((resolve) => ws.once('message', (data) => resolve(data as Buffer)));
      ws.send(chunk, { binary: true });
      const back = await echoed;
      expect(createHash('sha256').update(back).digest('hex')).toBe(createHash('sha256').update(chunk).digest('hex'));

      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      ws.close(1000, 'done');
      expect(await closed).toBe(1000);
      expect(nginx.accessLog().some((e) => e.path === '/ws_api/upload/f1' && e.status === 101)).toBe(true);
    });

    it('upgrades /ws_admin', async () => {
      const ws = new WebSocket(`${https.replace('https', 'wss')}/ws_admin?ticket=admin-ticket`, { rejectUnauthorized: false });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const echoed = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
      ws.send('{"type":"ping"}');
      expect(await echoed).toBe('{"type":"ping"}');
      ws.terminate();
      expect(probe.last('/ws_admin')?.headers['upgrade']).toBe('websocket');
    });

    it('gives WebSocket and download locations an hour of silence, the rest of the api a minute', () => {
      const locations = readNginxFile('directdrivex/locations.conf');
      const websocket = readNginxFile('directdrivex/websocket.conf');
      const streaming = readNginxFile('directdrivex/streaming.conf');
      expect(locations).toMatch(/location \^~ \/ws_api\/ \{\s*include directdrivex\/websocket\.conf;/);
      expect(locations).toMatch(/location = \/ws_admin \{\s*include directdrivex\/websocket\.conf;/);
      for (const text of [websocket, streaming]) {
        expect(text).toMatch(/proxy_read_timeout 3600s;/);
        expect(text).toMatch(/proxy_send_timeout 3600s;/);
      }
      expect(readNginxFile('nginx.conf.template')).toMatch(/proxy_read_timeout 60s;/);
    });
  });

  describe('downloads', () => {
    it('passes Range through, relays the 206 untouched and unbuffered, never gzipped', async () => {
      const url = new URL(`${https}/api/v1/download/stream/file-1`);
      const result = await new Promise<{ status: number; headers: Record<string, unknown>; firstBeforeRelease: number; body: Buffer }>(
        (resolve, reject) => {
          let released = false;
          // A buffering proxy holds the first bytes (even the headers) back: stop waiting
          // after 5 s (firstBeforeRelease stays 0) instead of deadlocking.
          const giveUp = setTimeout(() => {
            released = true;
            probe.releaseDownload();
          }, 5000);
          const req = httpsRequest(
            url,
            { rejectUnauthorized: false, agent: false, headers: { Range: 'bytes=100-200099', 'If-Range': '"v1"', 'Accept-Encoding': 'gzip' } },
            (res) => {
              const chunks: Buffer[] = [];
              let firstBeforeRelease = 0;
              res.on('data', (c: Buffer) => {
                chunks.push(c);
                if (!released) {
                  // The probe holds back everything after its first 1000 bytes until
                  // released: these bytes can only be here if nginx did not buffer.
                  firstBeforeRelease = chunks.reduce((n, b) => n + b.length, 0);
                  released = true;
                  clearTimeout(giveUp);
                  probe.releaseDownload();
                }
              });
              res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, firstBeforeRelease, body: Buffer.concat(chunks) }));
              res.on('error', reject);
            },
          );
          req.on('error', reject);
          req.end();
        },
      );
      const seen = probe.last('/api/v1/download/stream/file-1');
      expect(seen?.headers['range']).toBe('bytes=100-200099');
      expect(seen?.headers['if-range']).toBe('"v1"');
      expect(result.status).toBe(206);
      expect(result.headers['content-range']).toBe('bytes 100-200099/1048576');
      expect(result.headers['content-length']).toBe('200000');
      expect(result.headers['content-encoding']).toBeUndefined();
      expect(result.firstBeforeRelease).toBeGreaterThan(0);
      expect(result.firstBeforeRelease).toBeLessThanOrEqual(1000);
      expect(result.body.length).toBe(200000);
    });
  });
});

function readNginxFile(relative: string): string {
  return readFileSync(join(repoRoot(), 'nginx', relative), 'utf8');
}
