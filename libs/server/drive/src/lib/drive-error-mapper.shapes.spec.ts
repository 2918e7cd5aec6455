import { DriveError } from './drive-error';
import { toDriveError } from './drive-error-mapper';

/** A failed response as gaxios reports it; headers as a plain record, as googleapis-common types them. */
function answered(status: number, data: unknown, extra: Record<string, unknown> = {}): unknown {
  return Object.assign(new Error('Request failed'), { status, response: { status, data, headers: {} }, ...extra });
}

function google(status: number, reason: string | undefined, message: string | undefined, topMessage: string | undefined = message): object {
  return { error: { code: status, ...(topMessage === undefined ? {} : { message: topMessage }), errors: [{ domain: 'usageLimits', reason, message }] } };
}

const SESSION = 'https://www.googleapis.com/upload/drive/v3/files?uploadType=resumable&upload_id=ADsecret';

describe('toDriveError: answers from Drive', () => {
  it.each([
    // status decides before the reason does
    [401, 'storageQuotaExceeded', 'auth_revoked', false],
    [404, 'rateLimitExceeded', 'not_found', false],
    [429, 'storageQuotaExceeded', 'rate_limited', true],
    [408, 'requestTimeout', 'transient', true],
    [500, 'dailyLimitExceeded', 'transient', true],
    [599, 'backendError', 'transient', true],
    // just below the server-error range is the caller's fault
    [499, 'clientClosedRequest', 'bad_request', false],
    [409, 'conflict', 'bad_request', false],
    // quota reasons mean something only on a 403
    [400, 'storageQuotaExceeded', 'bad_request', false],
    [400, 'userRateLimitExceeded', 'bad_request', false],
    [400, 'dailyLimitExceeded', 'bad_request', false],
    [403, 'storageQuotaExceeded', 'storage_full', false],
    [403, 'dailyLimitExceeded', 'daily_cap', false],
    [403, 'quotaExceeded', 'daily_cap', false],
    [403, 'rateLimitExceeded', 'rate_limited', true],
    [403, 'forbidden', 'bad_request', false],
  ])('%i %s is %s (retryable %s)', (status, reason, kind, retryable) => {
    const err = toDriveError(answered(status, google(status, reason, 'Some message')), 'createSession');
    expect(err).toBeInstanceOf(DriveError);
    expect(err).toMatchObject({ kind, status, reason, operation: 'createSession', retryable, retryAfterMs: null });
    expect(err.message).toBe(`Drive createSession failed: ${status} ${reason}: Some message`);
  });

  it("tells the 750 GB/day cap from a per-minute limit by Google's exact message, also when only the item carries it", () => {
    expect(toDriveError(answered(403, google(403, 'userRateLimitExceeded', 'User rate limit exceeded.')), 'putChunk')).toMatchObject({
      kind: 'daily_cap',
      retryable: false,
    });
    expect(toDriveError(answered(403, google(403, 'userRateLimitExceeded', 'User rate limit exceeded.', undefined)), 'putChunk')).toMatchObject({
      kind: 'daily_cap',
    });
    // the per-minute limit's wording differs only in case and the full stop
    for (const message of ['User Rate Limit Exceeded', 'User rate limit exceeded', 'user rate limit exceeded.']) {
      expect(toDriveError(answered(403, google(403, 'userRateLimitExceeded', message)), 'putChunk')).toMatchObject({ kind: 'rate_limited', retryable: true });
    }
    // the wording alone is not the cap: a project-wide limit stays a rate limit
    expect(toDriveError(answered(403, google(403, 'rateLimitExceeded', 'User rate limit exceeded.')), 'putChunk')).toMatchObject({ kind: 'rate_limited' });
    // the top-level message is Google's own summary and wins over the item's
    expect(toDriveError(answered(403, google(403, 'userRateLimitExceeded', 'User rate limit exceeded.', 'User Rate Limit Exceeded')), 'putChunk')).toMatchObject({
      kind: 'rate_limited',
    });
  });

  it('builds its message from status, reason and Google message, whichever are present', () => {
    expect(toDriveError(answered(404, undefined), 'get').message).toBe('Drive get failed: 404');
    expect(toDriveError(answered(404, { error: { code: 404, errors: [{ reason: 'notFound' }] } }), 'get').message).toBe('Drive get failed: 404 notFound');
    expect(toDriveError(answered(404, { error: { code: 404, message: 'File not found: abc.' } }), 'get')).toMatchObject({
      reason: null,
      message: 'Drive get failed: 404: File not found: abc.',
    });
    expect(toDriveError(answered(403, { error: { code: 403 } }), 'get')).toMatchObject({ kind: 'bad_request', reason: null, message: 'Drive get failed: 403' });
    expect(toDriveError(answered(403, { error: { code: 403, errors: [] } }), 'get')).toMatchObject({ reason: null, message: 'Drive get failed: 403' });
    expect(toDriveError(answered(400, { error: { code: 400, message: 'Bad', errors: [] } }), 'get')).toMatchObject({
      kind: 'bad_request',
      reason: null,
      message: 'Drive get failed: 400: Bad',
    });
  });

  it('never puts a URL from Google\'s message into its own', () => {
    const err = toDriveError(answered(400, google(400, 'badRequest', `Invalid upload at ${SESSION} and HTTP://other.example/x?token=t`)), 'putChunk');
    expect(err.message).toBe('Drive putChunk failed: 400 badRequest: Invalid upload at <url> and <url>');
  });

  it('reads Retry-After from a plain header record too', () => {
    const err = Object.assign(new Error('x'), { response: { status: 429, data: google(429, 'rateLimitExceeded', 'x'), headers: { 'retry-after': '7' } } });
    expect(toDriveError(err, 'op')).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
  });

  it('reads a body that arrived as JSON text, and ignores one that is neither JSON nor an object', () => {
    expect(toDriveError(answered(403, JSON.stringify(google(403, 'storageQuotaExceeded', 'full'))), 'op')).toMatchObject({
      kind: 'storage_full',
      reason: 'storageQuotaExceeded',
    });
    expect(toDriveError(answered(403, 'Forbidden'), 'op')).toMatchObject({ kind: 'bad_request', reason: null, message: 'Drive op failed: 403' });
    expect(toDriveError(answered(403, 42), 'op')).toMatchObject({ kind: 'bad_request', reason: null, message: 'Drive op failed: 403' });
    expect(toDriveError(answered(403, null), 'op')).toMatchObject({ kind: 'bad_request', reason: null });
  });
});

describe('toDriveError: streamed error bodies', () => {
  const streamed = (status: number, data: unknown, causeMessage: unknown) =>
    Object.assign(new Error('Request failed'), { response: { status, data, headers: {} }, cause: { message: causeMessage } });

  it("falls back to the cause's text only when the response carries no readable body", () => {
    const cap = JSON.stringify(google(403, 'dailyLimitExceeded', 'Daily Limit Exceeded'));
    expect(toDriveError(streamed(403, undefined, cap), 'download')).toMatchObject({ kind: 'daily_cap', reason: 'dailyLimitExceeded' });
    expect(toDriveError(streamed(403, '<html>Forbidden</html>', cap), 'download')).toMatchObject({ kind: 'daily_cap' });
    // a parsed body wins over the cause
    expect(toDriveError(streamed(403, google(403, 'storageQuotaExceeded', 'full'), cap), 'download')).toMatchObject({ kind: 'storage_full' });
  });

  it('ignores a cause whose text is not JSON or not text at all', () => {
    expect(toDriveError(streamed(403, undefined, 'stream read failed'), 'download')).toMatchObject({ kind: 'bad_request', reason: null });
    expect(toDriveError(streamed(403, undefined, { error: { errors: [{ reason: 'dailyLimitExceeded' }] } }), 'download')).toMatchObject({
      kind: 'bad_request',
      reason: null,
    });
  });
});

describe('toDriveError: the token endpoint (OAuth errors)', () => {
  it.each([
    [400, 'invalid_grant', 'auth_revoked'],
    [401, 'invalid_client', 'auth_revoked'],
    [400, 'unauthorized_client', 'auth_revoked'],
    [503, 'invalid_grant', 'auth_revoked'],
    [500, 'server_error', 'transient'],
    [503, 'temporarily_unavailable', 'transient'],
    [429, 'rate_limit_exceeded', 'rate_limited'],
    [499, 'invalid_request', 'bad_request'],
    [400, 'invalid_scope', 'bad_request'],
    [401, 'access_denied', 'bad_request'],
  ])('%i %s is %s', (status, error, kind) => {
    const err = toDriveError(answered(status, { error }), 'about');
    expect(err).toMatchObject({ kind, status, reason: error, retryAfterMs: null });
    expect(err.message).toBe(`Drive about failed: token endpoint answered ${status} ${error}`);
  });

  it('adds the description without URLs, from an object or a JSON text body', () => {
    const body = { error: 'invalid_grant', error_description: `Token revoked, see ${SESSION}` };
    expect(toDriveError(answered(400, body), 'about').message).toBe('Drive about failed: token endpoint answered 400 invalid_grant (Token revoked, see <url>)');
    expect(toDriveError(answered(400, JSON.stringify(body)), 'about').message).toBe(
      'Drive about failed: token endpoint answered 400 invalid_grant (Token revoked, see <url>)',
    );
  });
});

describe('toDriveError: failures without an answer', () => {
  const failure = (fields: Record<string, unknown>, message = 'request failed') => Object.assign(new Error(message), fields);

  it.each([
    ['ECONNREFUSED', { code: 'ECONNREFUSED' }],
    ['EAI_AGAIN', { code: 'EAI_AGAIN' }],
    ['UND_ERR_SOCKET', { cause: { code: 'UND_ERR_SOCKET' } }],
    ['ERR_STREAM_PREMATURE_CLOSE', { code: 'ERR_STREAM_PREMATURE_CLOSE' }],
    ['ETIMEDOUT', { errno: 'ETIMEDOUT' }],
    ['TimeoutError', { cause: { name: 'TimeoutError' } }],
    ['AbortError', { cause: { name: 'AbortError' } }],
    // the first usable code wins; numbers and other words are passed over
    ['ENOTFOUND', { code: 'ENOTFOUND', cause: { code: 'ECONNRESET' } }],
    ['ECONNRESET', { code: 404, cause: { code: 'ECONNRESET' } }],
    ['EPIPE', { code: 'not_a_code', cause: { code: 'EPIPE' } }],
    ['EHOSTUNREACH', { code: 'xEPIPE', cause: { code: 'EPIPEx', name: 'Error' }, errno: 'EHOSTUNREACH' }],
    ['ECONNABORTED', { errno: -103, cause: { name: 'ECONNABORTED' } }],
  ])('names %s and is transient', (reason, fields) => {
    const err = toDriveError(failure(fields), 'putChunk');
    expect(err).toMatchObject({ kind: 'transient', status: null, reason, retryable: true, retryAfterMs: null });
    expect(err.message).toBe(`Drive putChunk failed: connection error (${reason})`);
  });

  it.each([
    ['socket_hang_up', {}, 'request to x failed, reason: Socket Hang Up'],
    ['socket_hang_up', { cause: { message: 'socket hang up' } }, 'fetch failed'],
    ['premature_close', {}, 'Premature close'],
    ['premature_close', { cause: { message: 'premature close' } }, 'fetch failed'],
    ['aborted', {}, 'The operation was ABORTED'],
    ['aborted', { cause: { message: 'request aborted' } }, 'fetch failed'],
    ['timeout', {}, 'network timeout at: x'],
    ['timeout', {}, 'Connection Timed Out'],
    ['timeout', { cause: { message: 'headers timeout' } }, 'fetch failed'],
    ['timeout', { name: 'TimeoutError' }, 'gone'],
    ['network_error', { type: 'system' }, 'request failed, reason: connect refused'],
    ['network_error', { cause: { type: 'system' } }, 'fetch failed'],
  ])('reads %s from %j with message %j', (reason, fields, message) => {
    expect(toDriveError(failure(fields, message), 'download')).toMatchObject({ kind: 'transient', status: null, reason });
  });

  it('does not read "aborted" inside a longer word', () => {
    expect(toDriveError(failure({}, 'unaborted'), 'download')).toMatchObject({ kind: 'bad_request', reason: 'client_error' });
  });

  it('a local failure is a non-retryable bad_request that names the cause without URLs', () => {
    const err = toDriveError(new TypeError(`Invalid URL ${SESSION}`), 'createSession');
    expect(err).toMatchObject({ kind: 'bad_request', status: null, reason: 'client_error', retryable: false });
    expect(err.message).toBe('Drive createSession failed before reaching Drive: Invalid URL <url>');
    // a thrown non-Error, or nothing at all
    expect(toDriveError('boom', 'about')).toMatchObject({ kind: 'bad_request', message: 'Drive about failed before reaching Drive: unknown error' });
    expect(toDriveError(undefined, 'about')).toMatchObject({ kind: 'bad_request', reason: 'client_error' });
    expect(toDriveError(null, 'about')).toMatchObject({ kind: 'bad_request', reason: 'client_error' });
  });

  it("a Node programming error is not a connection error although its code starts with E (ERR_INVALID_URL, ERR_INVALID_ARG_TYPE)", () => {
    let invalidUrl: unknown;
    try {
      new URL('drive api root');
    } catch (e) {
      invalidUrl = e;
    }
    expect(toDriveError(invalidUrl, 'about')).toMatchObject({ kind: 'bad_request', reason: 'client_error', retryable: false, message: 'Drive about failed before reaching Drive: Invalid URL' });
    const badArg = Object.assign(new TypeError('The "chunk" argument must be of type string or an instance of Buffer'), { code: 'ERR_INVALID_ARG_TYPE' });
    expect(toDriveError(badArg, 'putChunk')).toMatchObject({ kind: 'bad_request', reason: 'client_error', retryable: false });
    // the stream layer's premature close is the network's doing, though
    expect(toDriveError(Object.assign(new Error('stream ended'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }), 'download')).toMatchObject({
      kind: 'transient',
      reason: 'ERR_STREAM_PREMATURE_CLOSE',
    });
  });

  it('treats a response without a numeric status as no answer', () => {
    expect(toDriveError(failure({ code: 'ECONNRESET', response: { status: '503', data: google(503, 'backendError', 'x') } }), 'op')).toMatchObject({
      kind: 'transient',
      status: null,
      reason: 'ECONNRESET',
    });
    expect(toDriveError(failure({ response: {} }, 'odd'), 'op')).toMatchObject({ kind: 'bad_request', status: null, reason: 'client_error' });
  });

  it('hands a DriveError back unchanged', () => {
    const original = new DriveError({ kind: 'daily_cap', operation: 'first', status: 403, reason: 'dailyLimitExceeded', message: 'kept' });
    expect(toDriveError(original, 'second')).toBe(original);
  });
});
