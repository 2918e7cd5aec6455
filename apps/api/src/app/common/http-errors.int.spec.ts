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
});
