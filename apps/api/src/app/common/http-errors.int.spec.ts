import { startTestApp, TestApp, testEnv } from '../../testing/test-app';

describe('HTTP conventions', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp(testEnv('http'));
  });

  afterAll(() => api?.close());

  it('answers unknown routes with the error body and no echo of the path', async () => {
    const res = await fetch(`${api.url}/api/v1/<script>nope`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ statusCode: 404, error: 'NOT_FOUND', message: 'Nothing was found at this address.' });
  });

  it('rejects malformed JSON with 400 VALIDATION', async () => {
    const res = await fetch(`${api.url}/api/v1/health`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"a":',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: 400, error: 'VALIDATION', message: 'The request body is not valid JSON.' });
  });

  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const ok = await fetch(`${api.url}/api/v1/health`, { headers: { 'X-Request-Id': 'abc-123' } });
    expect(ok.headers.get('x-request-id')).toBe('abc-123');
    const bad = await fetch(`${api.url}/api/v1/health`, { headers: { 'X-Request-Id': 'a b<c>' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers and no x-powered-by', async () => {
    const res = await fetch(`${api.url}/api/v1/health`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('serves an OpenAPI document built from the route contracts', async () => {
    const res = await fetch(`${api.url}/api/docs/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths['/api/v1/health']?.['get']?.responses ?? {})).toEqual(expect.arrayContaining(['200', '503']));
    expect(doc.components.schemas).toHaveProperty('HealthResponse');
    expect(doc.components.schemas).toHaveProperty('ErrorBody');
    const ui = await fetch(`${api.url}/api/docs`);
    expect(await ui.text()).toContain('swagger-ui');
    const css = await fetch(`${api.url}/api/docs/assets/swagger-ui.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
  });

  it.each([
    ['another case', 'POST', '/api/v1/Auth/Token'],
    ['a trailing slash', 'POST', '/api/v1/auth/token/'],
    ['another case of the admin sign-in', 'POST', '/api/v1/admin/auth/TOKEN'],
    ['a trailing slash on a GET route', 'GET', '/api/v1/health/'],
    ['an upper-case prefix', 'GET', '/API/v1/health'],
  ])('routes each path in one spelling only: %s is a 404 (%s %s)', async (_name, method, path) => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: method === 'POST' ? JSON.stringify({ email: 'someone@example.com', password: 'not-the-password' }) : undefined,
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ statusCode: 404, error: 'NOT_FOUND', message: 'Nothing was found at this address.' });
  });

  it('answers a path parameter that is no valid percent-encoding with 400, not a server error', async () => {
    const res = await fetch(`${api.url}/api/v1/download/stream/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ statusCode: 400, error: 'VALIDATION', message: 'The request is not valid.' });
  });

  it.each([
    ['an unsupported charset', { 'Content-Type': 'application/json; charset=utf-7' }, '{}', 400],
    ['an unsupported encoding', { 'Content-Type': 'application/json', 'Content-Encoding': 'br' }, 'x', 415],
    ['a gzip body that is not gzip', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, 'not gzip', 400],
  ])('answers a body in %s with a 4xx, not a server error', async (_name, headers, body, status) => {
    const res = await fetch(`${api.url}/api/v1/auth/token`, { method: 'POST', headers, body });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { statusCode: number }).statusCode).toBe(status);
  });
});

describe('API docs in production', () => {
  const production = {
    NODE_ENV: 'production',
    JWT_SECRET: 'q8Vn3LrT0aZpW5yXc7BmKd2Fh9Js4Ug1',
    ADMIN_JWT_SECRET: 'Hy6Rb2Nw9Qe4Tz1Lx8Vm3Pk7Sd0Gf5Ja',
    ENCRYPTION_KEY: 'vUIP9O7PoGN1MKpWcdMK0QQgVLhh/Q570j3TxZWDmzs=',
    METRICS_TOKEN: 'HgqUviljUDxDa8sNTPdgrApB',
  };

  it('are a 404 unless ENABLE_API_DOCS=true', async () => {
    const api = await startTestApp(testEnv('docs-prod', production));
    try {
      for (const path of ['/api/docs', '/api/docs/openapi.json', '/api/docs/init.js', '/api/docs/assets/swagger-ui.css']) {
        const res = await fetch(`${api.url}${path}`);
        expect({ path, status: res.status }).toEqual({ path, status: 404 });
      }
    } finally {
      await api.close();
    }
  });

  it('are served in production with ENABLE_API_DOCS=true', async () => {
    const api = await startTestApp(testEnv('docs-prod-on', { ...production, ENABLE_API_DOCS: 'true' }));
    try {
      expect((await fetch(`${api.url}/api/docs/openapi.json`)).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});
