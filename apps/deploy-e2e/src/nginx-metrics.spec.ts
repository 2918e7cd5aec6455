import { freePort, repoRoot } from '@ddx/local-services';
import { join } from 'node:path';

import { header, send } from './support/http-client';
import { NginxInstance, startNginx } from './support/nginx-instance';
import { UpstreamProbe } from './support/upstream-probe';

/**
 * GET /metrics (Prometheus) is answered by each api replica on the internal network
 * only: nginx never forwards it, however the path is spelled.
 */
describe('nginx keeps the api metrics endpoint private', () => {
  let probe: UpstreamProbe;
  let nginx: NginxInstance;

  beforeAll(async () => {
    probe = await UpstreamProbe.start();
    nginx = await startNginx({ api: [probe.address], webRoot: join(repoRoot(), 'dist', 'apps', 'web', 'browser'), port: await freePort() });
  });

  afterAll(async () => {
    await nginx?.stop();
    await probe?.stop();
  });

  it.each(['/metrics', '/metrics?x=1', '/api/../metrics', '/api/v1/../../metrics', '/./metrics'])('%s is a 404 from nginx and never reaches the api', async (path) => {
    const res = await send(`${nginx.url}${path}`, { headers: { authorization: 'Bearer some-token' } });
    expect(res.status).toBe(404);
    expect(header(res, 'content-type')).toBe('application/json');
    expect(JSON.parse(res.text)).toMatchObject({ statusCode: 404, error: 'NOT_FOUND' });
    expect(probe.seen.filter((s) => s.url.includes('metrics'))).toEqual([]);
  });

  it('still proxies the api next to it', async () => {
    await send(`${nginx.url}/api/v1/health`);
    expect(probe.last('/api/v1/health')).toBeDefined();
  });
});
