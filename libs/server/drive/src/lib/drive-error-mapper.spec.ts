import { DriveError } from './drive-error';
import { toDriveError } from './drive-error-mapper';

/** The shape gaxios gives a failed response (headers as WHATWG Headers, like gaxios 7). */
function httpError(status: number, data: unknown, headers: Record<string, string> = {}): unknown {
  return Object.assign(new Error('Request failed'), { status, response: { status, data, headers: new Headers(headers) } });
}

function googleBody(code: number, reason: string, message: string): object {
  return { error: { code, message, errors: [{ domain: 'usageLimits', reason, message }] } };
}

describe('toDriveError', () => {
  it.each([
    [403, 'storageQuotaExceeded', "The user's Drive storage quota has been exceeded.", 'storage_full'],
    [403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', 'rate_limited'],
    [403, 'rateLimitExceeded', 'Rate Limit Exceeded', 'rate_limited'],
    [429, 'rateLimitExceeded', 'Rate Limit Exceeded', 'rate_limited'],
    [403, 'userRateLimitExceeded', 'User rate limit exceeded.', 'daily_cap'],
    [403, 'dailyLimitExceeded', 'Daily Limit Exceeded', 'daily_cap'],
    [403, 'quotaExceeded', 'Quota exceeded', 'daily_cap'],
    [401, 'authError', 'Invalid Credentials', 'auth_revoked'],
    [404, 'notFound', 'File not found: x.', 'not_found'],
    [410, 'gone', 'Upload session expired.', 'not_found'],
    [409, 'conflict', 'Conflict.', 'bad_request'],
    [500, 'internalError', 'Internal Error', 'transient'],
    [503, 'backendError', 'Backend Error', 'transient'],
    [400, 'badRequest', 'Bad Request', 'bad_request'],
    [403, 'insufficientFilePermissions', 'No access', 'bad_request'],
  ])('maps %i %s (%s) to %s', (status, reason, message, kind) => {
    const err = toDriveError(httpError(status, googleBody(status, reason, message)), 'op');
    expect(err).toBeInstanceOf(DriveError);
    expect(err).toMatchObject({ kind, status, reason, operation: 'op' });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const seconds = toDriveError(httpError(429, googleBody(429, 'rateLimitExceeded', 'x'), { 'Retry-After': '12' }), 'op');
    expect(seconds.retryAfterMs).toBe(12_000);
    const date = new Date(Date.now() + 30_000).toUTCString();
    const dated = toDriveError(httpError(403, googleBody(403, 'userRateLimitExceeded', 'x'), { 'Retry-After': date }), 'op');
    expect(dated.retryAfterMs).toBeGreaterThan(25_000);
    expect(dated.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('treats token-endpoint invalid_grant / invalid_client as revoked credentials, also from a string body', () => {
    expect(toDriveError(httpError(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }), 'about')).toMatchObject({
      kind: 'auth_revoked',
      reason: 'invalid_grant',
    });
    expect(toDriveError(httpError(401, JSON.stringify({ error: 'invalid_client' })), 'about')).toMatchObject({ kind: 'auth_revoked' });
  });

  it('maps failures without a response to transient, naming the cause without the URL', () => {
    const url = 'http://127.0.0.1:1/upload/drive/v3/files?uploadType=resumable&upload_id=ADsecret';
    const reset = toDriveError(Object.assign(new Error(`request to ${url} failed, reason: socket hang up`), { code: 'ECONNRESET' }), 'putChunk');
    expect(reset).toMatchObject({ kind: 'transient', status: null, reason: 'ECONNRESET' });
    expect(reset.message).not.toContain('ADsecret');
    expect(toDriveError(new Error('Premature close'), 'download')).toMatchObject({ kind: 'transient', reason: 'premature_close' });
    expect(toDriveError(new Error(`request to ${url} failed, reason: socket hang up`), 'putChunk').message).not.toContain('upload_id');
  });

  it('does not disguise a local bug as a connection error', () => {
    const err = toDriveError(new TypeError("Cannot read properties of undefined (reading 'pipeline')"), 'about');
    expect(err).toMatchObject({ kind: 'bad_request', status: null, reason: 'client_error' });
    expect(err.retryable).toBe(false);
  });

  const HTML_502 = '<!DOCTYPE html>\n<html lang=en><title>Error 502 (Server Error)!!1</title><p><b>502.</b> <ins>That’s an error.</ins>';
  it.each([500, 502, 503, 504].flatMap((status) => [
    [status, 'Google JSON', googleBody(status, 'backendError', 'Backend Error'), 'backendError'],
    [status, 'JSON text', JSON.stringify(googleBody(status, 'internalError', 'Internal Error')), 'internalError'],
    [status, 'an HTML page', HTML_502, null],
    [status, 'an empty string', '', null],
    [status, 'no body', undefined, null],
  ] as const))('maps %i with %s to transient, retryable, without the body in the message', (status, _label, data, reason) => {
    const err = toDriveError(httpError(status, data), 'op');
    expect(err).toMatchObject({ kind: 'transient', status, reason, retryable: true });
    expect(err.message).not.toMatch(/<|DOCTYPE/);
  });

  it("reads Google's reason from a streamed request's error, whose body gaxios keeps only as the cause's text", () => {
    const streamed = (status: number, body: object) =>
      Object.assign(new Error(JSON.stringify(body)), {
        status,
        response: { status, data: undefined, headers: new Headers({ 'Retry-After': '4' }) },
        cause: { message: JSON.stringify(body), code: status, status: 'Forbidden' },
      });
    expect(toDriveError(streamed(403, googleBody(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded')), 'download')).toMatchObject({
      kind: 'rate_limited',
      reason: 'userRateLimitExceeded',
      retryAfterMs: 4000,
    });
    expect(toDriveError(streamed(403, googleBody(403, 'dailyLimitExceeded', 'Daily Limit Exceeded')), 'download')).toMatchObject({ kind: 'daily_cap' });
    expect(toDriveError(streamed(503, googleBody(503, 'backendError', 'Backend Error')), 'download')).toMatchObject({ kind: 'transient', reason: 'backendError' });
  });
});
