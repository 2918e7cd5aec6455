import { UploadErrorCode } from '@ddx/contracts';
import { NoStorageAvailableError } from '@ddx/server-drive';
import { randomBytes } from 'node:crypto';

import { CHUNK, driveError, harness, md5Hex, md5Thread, PUT_SPAN, tick, until } from '../../testing/upload-socket-harness';

afterAll(() => md5Thread().stop());
afterEach(() => jest.restoreAllMocks());

const URI = 'acc-1/session-1';
const BUSY = 'Storage is not answering right now; reconnect to resume the upload.';

/** Records the waits of the session's sleeps (all of them ≥ 100 ms here) and runs them at once. */
function recordSleeps() {
  const real = global.setTimeout;
  const waits: number[] = [];
  jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
    if ((ms ?? 0) >= 100) waits.push(ms as number);
    return real(fn, 0);
  }) as never);
  return waits;
}

/** A Drive request answered with `error` once its whole body arrived, Drive keeping none of it. */
const failsAtEnd = (error: ReturnType<typeof driveError>, length: number) => ({ fail: { error, after: length, keep: 0 } });

/** Backoff and bounded retries, lost Drive sessions, moving to another account, and a socket closed while any of it runs. */
describe('UploadSocketSession retries', () => {
  describe('backoff', () => {
    it('backs off exponentially from retryBaseMs between status attempts, and reports the account healthy again', async () => {
      jest.spyOn(Math, 'random').mockReturnValue(0.5);
      const waits = recordSleeps();
      const h = harness({ size: CHUNK, maxAttempts: 3 });
      h.deps.retryBaseMs = 1000;
      h.client.queryCommitted.mockRejectedValueOnce(driveError('transient')).mockRejectedValueOnce(driveError('transient'));
      await h.session.start();
      expect(h.ws.sent[0]).toEqual({ type: 'ready', offset: 0, chunk_size: CHUNK, size: CHUNK });
      expect(waits).toEqual([1000, 2000]);
      expect(h.pool.reportSuccess).toHaveBeenCalledWith('acc-1');
      expect(h.pool.reportFailure).not.toHaveBeenCalled();
    });

    it('jitters the backoff between 75 % and 125 %', async () => {
      const waits = recordSleeps();
      const h = harness({ size: CHUNK, maxAttempts: 3 });
      h.deps.retryBaseMs = 1000;
      h.client.queryCommitted.mockRejectedValueOnce(driveError('transient')).mockRejectedValueOnce(driveError('transient'));
      jest.spyOn(Math, 'random').mockReturnValueOnce(0).mockReturnValueOnce(0.999);
      await h.session.start();
      expect(waits[0]).toBe(750);
      expect(waits[1]).toBeCloseTo(2000 * 1.2495, 5);
    });

    it('waits what a rate limit asks for, at most 30 s, and the backoff when it does not say', async () => {
      jest.spyOn(Math, 'random').mockReturnValue(0.5);
      const waits = recordSleeps();
      const h = harness({ size: CHUNK, maxAttempts: 4 });
      h.deps.retryBaseMs = 1000;
      h.client.queryCommitted
        .mockRejectedValueOnce(driveError('rate_limited', { retryAfterMs: 5000 }))
        .mockRejectedValueOnce(driveError('rate_limited', { retryAfterMs: 90_000 }))
        .mockRejectedValueOnce(driveError('rate_limited'));
      await h.session.start();
      expect(waits).toEqual([5000, 30_000, 4000]);
      expect(h.ws.sent[0]).toMatchObject({ type: 'ready', offset: 0 });
    });

    it('gives up on the status query after maxAttempts, keeping the upload resumable', async () => {
      const h = harness({ size: CHUNK, maxAttempts: 2 });
      const err = driveError('transient', { status: 503 });
      h.client.queryCommitted.mockRejectedValue(err);
      await h.session.start();
      expect(h.ws.sent).toEqual([{ type: 'error', code: UploadErrorCode.STORAGE_ERROR, value: BUSY }]);
      expect(h.client.queryCommitted).toHaveBeenCalledTimes(2);
      expect(h.pool.reportFailure).toHaveBeenCalledWith('acc-1', err);
      expect(h.ledger.end).not.toHaveBeenCalled();
      expect(h.ws.closeCode).toBe(1011);
    });

    it('after a broken request waits the backoff of the round, asks Drive what it holds, and rewinds the client', async () => {
      jest.spyOn(Math, 'random').mockReturnValue(0.5);
      const waits = recordSleeps();
      const data = randomBytes(CHUNK);
      const h = harness({ size: data.length, maxAttempts: 3 });
      h.deps.retryBaseMs = 1000;
      h.drive.faults.push(failsAtEnd(driveError('transient', { status: 503 }), CHUNK), failsAtEnd(driveError('transient', { status: 502 }), CHUNK));
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(waits).toEqual([1000, 2000]);
      // A broken request is not retried as such: Drive is asked first, each time.
      expect(h.client.queryCommitted).toHaveBeenCalledTimes(3);
      expect(h.ws.messages('rewind')).toEqual([
        { type: 'rewind', offset: 0, reason: 'STORAGE_RETRY' },
        { type: 'rewind', offset: 0, reason: 'STORAGE_RETRY' },
      ]);
      expect(h.client.openPut).toHaveBeenCalledTimes(3);
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });
      expect(h.pool.reportFailure).not.toHaveBeenCalled();
      expect(h.ws.messages('error')).toEqual([]);
      expect(await h.violations()).toEqual([]);
    });

    it.each([
      [5000, 5000],
      [90_000, 30_000],
    ])('a request answered 429 with Retry-After %i ms waits %i ms before the status query', async (retryAfterMs, wait) => {
      const waits = recordSleeps();
      const data = randomBytes(2 * CHUNK);
      const h = harness({ size: data.length });
      h.drive.faults.push({ fail: { error: driveError('rate_limited', { status: 429, retryAfterMs }), after: 0 } });
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(waits).toEqual([wait]);
      expect(h.drive.held(URI).equals(data)).toBe(true);
    });

    it('gives up after maxAttempts broken requests in a row with STORAGE_ERROR 1011; the upload stays resumable', async () => {
      const h = harness({ size: CHUNK, maxAttempts: 3 });
      const err = driveError('transient', { status: 500 });
      for (let i = 0; i < 3; i++) h.drive.faults.push(failsAtEnd(err, CHUNK));
      await h.session.start();
      h.upload(randomBytes(CHUNK));
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.STORAGE_ERROR, value: BUSY });
      expect(h.ws.closeCode).toBe(1011);
      expect(h.client.openPut).toHaveBeenCalledTimes(3);
      expect(h.ws.messages('rewind')).toHaveLength(2);
      expect(h.pool.reportFailure).toHaveBeenCalledTimes(1);
      expect(h.pool.reportFailure).toHaveBeenCalledWith('acc-1', err);
      expect(h.ledger.end).not.toHaveBeenCalled();
      expect(h.events.publish).toHaveBeenCalledWith({ type: 'upload.failed', fileId: 'file-1', code: UploadErrorCode.STORAGE_ERROR });
    });

    it('broken requests that each store more are not counted as failures in a row', async () => {
      const data = randomBytes(PUT_SPAN);
      const h = harness({ size: data.length, maxAttempts: 2 });
      // Each request breaks inside its last two frames, Drive keeping what arrived.
      h.drive.faults.push({ fail: { error: driveError('transient'), after: 2560 } }, { fail: { error: driveError('transient'), after: 1000 } }, { fail: { error: driveError('transient'), after: 100 } });
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.drive.putRanges().map(([, start]) => start)).toEqual([0, 2560, 3560, 3660]);
      expect(h.drive.held(URI).equals(data)).toBe(true);
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });
      expect(await h.violations()).toEqual([]);
    });

    it('a request that breaks after Drive stored the whole file finishes it', async () => {
      const data = randomBytes(CHUNK);
      const h = harness({ size: data.length });
      h.drive.faults.push({ fail: { error: driveError('transient'), after: CHUNK } });
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toEqual({ type: 'success', value: '/api/v1/download/stream/file-1', file_id: 'file-1' });
      expect(h.ws.messages('rewind')).toEqual([]);
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });
    });

    it('retries opening a request that failed before it started, and reports the account healthy again', async () => {
      const data = randomBytes(CHUNK);
      const h = harness({ size: data.length });
      h.drive.faults.push({ refuse: driveError('transient', { status: 500 }) });
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.client.openPut).toHaveBeenCalledTimes(2);
      expect(h.pool.reportSuccess).toHaveBeenCalledTimes(2);
      expect(h.pool.reportFailure).not.toHaveBeenCalled();
      expect(h.ws.messages('rewind')).toEqual([]);
    });

    it('gives up opening a request after maxAttempts rate limits', async () => {
      const h = harness({ size: CHUNK });
      const err = driveError('rate_limited', { retryAfterMs: 1 });
      h.drive.faults.push({ refuse: err }, { refuse: err }, { refuse: err });
      await h.session.start();
      h.upload(randomBytes(CHUNK));
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.STORAGE_ERROR, value: BUSY });
      expect(h.client.openPut).toHaveBeenCalledTimes(3);
      expect(h.pool.reportFailure).toHaveBeenCalledWith('acc-1', err);
      expect(h.ledger.end).not.toHaveBeenCalled();
    });

    it('a request Drive refuses ends the upload', async () => {
      const h = harness({ size: CHUNK });
      const err = driveError('bad_request', { status: 400 });
      h.drive.faults.push({ fail: { error: err, after: 0 } });
      await h.session.start();
      h.upload(randomBytes(CHUNK));
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.STORAGE_ERROR, value: 'Storage refused the upload.' });
      expect(h.ws.closeCode).toBe(1011);
      expect(h.client.openPut).toHaveBeenCalledTimes(1);
      // Once at the start, once to learn that Drive is where the request began: a real refusal.
      expect(h.client.queryCommitted).toHaveBeenCalledTimes(2);
      expect(h.pool.reportFailure).toHaveBeenCalledWith('acc-1', err);
      expect(h.ledger.end).toHaveBeenCalledWith('file-1', 'failed', UploadErrorCode.STORAGE_ERROR);
    });

    it('a failing ledger still tells the client why the upload ended', async () => {
      const h = harness({ size: CHUNK });
      h.drive.faults.push({ fail: { error: driveError('bad_request', { status: 400 }), after: 0 } });
      h.ledger.end.mockRejectedValue(new Error('mongo down'));
      await h.session.start();
      h.upload(randomBytes(CHUNK));
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.STORAGE_ERROR, value: 'Storage refused the upload.' });
    });

    it('a request failing with something other than a Drive error ends the socket with a generic storage error', async () => {
      const h = harness({ size: CHUNK });
      h.drive.faults.push({ refuse: new Error('boom') });
      await h.session.start();
      h.upload(randomBytes(CHUNK));
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.STORAGE_ERROR, value: 'Something went wrong on our side; reconnect to resume the upload.' });
      expect(h.client.openPut).toHaveBeenCalledTimes(1);
      expect(h.client.queryCommitted).toHaveBeenCalledTimes(1);
      expect(h.ledger.end).not.toHaveBeenCalled();
    });
  });

  describe('a socket closed meanwhile', () => {
    it('stops retrying to open a request, without sending anything', async () => {
      const h = harness({ size: CHUNK });
      h.drive.faults.push({ refuse: driveError('rate_limited', { retryAfterMs: 40 }) });
      await h.session.start();
      h.upload(randomBytes(CHUNK));
      await until(() => h.client.openPut.mock.calls.length > 0);
      h.ws.close(1001);
      const sentAtClose = h.ws.sent.length;
      await tick(80);
      expect(h.client.openPut).toHaveBeenCalledTimes(1);
      expect(h.ws.sent).toHaveLength(sentAtClose);
      expect(h.events.publish).not.toHaveBeenCalledWith(expect.objectContaining({ type: 'upload.failed' }));
      expect(h.events.publish).toHaveBeenCalledWith({ type: 'upload.disconnected', fileId: 'file-1', offset: 0 });
      expect(h.lock.release).toHaveBeenCalledTimes(1);
    });

    it('sends nothing after a broken request it was backing off from', async () => {
      const h = harness({ size: CHUNK });
      h.drive.faults.push({ fail: { error: driveError('rate_limited', { retryAfterMs: 40 }), after: 0 } });
      await h.session.start();
      h.upload(randomBytes(CHUNK));
      await until(() => h.drive.puts[0]?.done === true);
      await tick(10);
      h.ws.close(1001);
      const sentAtClose = h.ws.sent.length;
      expect(await until(() => h.lock.release.mock.calls.length > 0)).toBe(true);
      expect(h.ws.sent).toHaveLength(sentAtClose);
      expect(h.client.openPut).toHaveBeenCalledTimes(1);
      expect(h.events.publish).not.toHaveBeenCalledWith(expect.objectContaining({ type: 'upload.failed' }));
    });

    it('keeps asking Drive for the status at connect, then does not start', async () => {
      const h = harness({ size: CHUNK });
      h.client.queryCommitted.mockImplementationOnce(async () => {
        h.ws.close(1001);
        throw driveError('transient');
      });
      await h.session.start();
      expect(h.client.queryCommitted).toHaveBeenCalledTimes(2);
      expect(h.ws.sent).toEqual([]);
    });
  });

  describe('a request refused with 400 while Drive is elsewhere than it assumed', () => {
    it('continues from where Drive is instead of ending the upload', async () => {
      const data = randomBytes(PUT_SPAN + 3 * CHUNK);
      const h = harness({ size: data.length });
      // Drive answers 400 but has kept the first two frames: the session was out of step.
      h.drive.faults.push({ fail: { error: driveError('bad_request', { status: 400 }), after: 2 * CHUNK } });
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toEqual({ type: 'success', value: '/api/v1/download/stream/file-1', file_id: 'file-1' });
      expect(h.ws.messages('rewind')).toEqual([{ type: 'rewind', offset: 2 * CHUNK, reason: 'STORAGE_RETRY' }]);
      expect(h.ledger.end).not.toHaveBeenCalled();
      expect(h.pool.reportFailure).not.toHaveBeenCalled();
      expect(h.drive.held(URI).equals(data)).toBe(true);
      expect(await h.violations()).toEqual([]);
    });
  });

  describe('a Drive session Drive lost', () => {
    it('is replaced by a new one on the same account and the client rewound to 0, without an error', async () => {
      const data = randomBytes(PUT_SPAN + 2 * CHUNK);
      const h = harness({ size: data.length });
      h.drive.faults.push({}, { lose: true });
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toEqual({ type: 'success', value: '/api/v1/download/stream/file-1', file_id: 'file-1' });
      expect(h.ws.messages('error')).toEqual([]);
      expect(h.ws.messages('rewind')).toEqual([{ type: 'rewind', offset: 0, reason: 'SESSION_RESTARTED' }]);
      expect(h.client.createResumableSession).toHaveBeenCalledTimes(1);
      // In the account's upload folder, like the session it replaces.
      expect(h.client.createResumableSession).toHaveBeenCalledWith({ name: 'f.bin', mimeType: 'application/octet-stream', size: data.length, parents: ['folder-of-acc-1'] });
      expect(h.secrets.seal).toHaveBeenCalledWith('acc-1/session-2', 'file-1');
      expect(h.files.replaceSession).toHaveBeenCalledWith('file-1', 'acc-1', { accountId: 'acc-1', sessionSealed: 'sealed:acc-1/session-2' });
      expect(h.pool.openSession).not.toHaveBeenCalled();
      expect(h.pool.release).not.toHaveBeenCalled();
      expect(h.drive.putRanges()).toEqual([
        [URI, 0, PUT_SPAN],
        [URI, PUT_SPAN, 2 * CHUNK],
        ['acc-1/session-2', 0, PUT_SPAN],
        ['acc-1/session-2', PUT_SPAN, 2 * CHUNK],
      ]);
      expect(h.drive.held('acc-1/session-2').equals(data)).toBe(true);
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });
      expect(h.pool.reportSuccess).toHaveBeenCalledWith('acc-1');
      expect(h.events.publish).not.toHaveBeenCalledWith(expect.objectContaining({ type: 'upload.failed' }));
      expect(await h.violations()).toEqual([]);
    });

    it('answered 404 at the start of a long request is replaced without waiting for the rest of its body', async () => {
      const data = randomBytes(3 * PUT_SPAN);
      const h = harness({ size: data.length });
      h.drive.faults.push({}, { lose: true });
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toEqual({ type: 'success', value: '/api/v1/download/stream/file-1', file_id: 'file-1' });
      expect(h.ws.messages('rewind')).toEqual([{ type: 'rewind', offset: 0, reason: 'SESSION_RESTARTED' }]);
      expect(h.drive.held('acc-1/session-2').equals(data)).toBe(true);
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });
      expect(await h.violations()).toEqual([]);
    });

    it('found at connect is replaced before ready', async () => {
      const data = randomBytes(2 * CHUNK);
      const h = harness({ size: data.length, held: data.subarray(0, CHUNK) });
      h.drive.lose(URI);
      await h.session.start();
      expect(h.ws.sent[0]).toEqual({ type: 'ready', offset: 0, chunk_size: CHUNK, size: data.length });
      expect(h.files.replaceSession).toHaveBeenCalledWith('file-1', 'acc-1', { accountId: 'acc-1', sessionSealed: 'sealed:acc-1/session-2' });
      h.upload(data);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.drive.held('acc-1/session-2').equals(data)).toBe(true);
      expect(h.ws.messages('rewind')).toEqual([]);
    });

    it('lost again and again ends the upload with SESSION_EXPIRED after three new sessions', async () => {
      const h = harness({ size: CHUNK });
      for (let i = 0; i < 4; i++) h.drive.faults.push({ lose: true });
      await h.session.start();
      h.upload(randomBytes(CHUNK));
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.SESSION_EXPIRED, value: 'Storage keeps losing this upload. Please start it again.' });
      expect(h.ws.closeCode).toBe(1011);
      expect(h.client.createResumableSession).toHaveBeenCalledTimes(3);
      expect(h.ws.messages('rewind')).toHaveLength(3);
      expect(h.ledger.end).toHaveBeenCalledWith('file-1', 'failed', UploadErrorCode.SESSION_EXPIRED);
    });

    it('moves to another account when its own refuses a new session', async () => {
      const data = randomBytes(CHUNK);
      const h = harness({ size: data.length });
      const refusal = driveError('storage_full', { status: 403, reason: 'storageQuotaExceeded' });
      h.client.createResumableSession.mockRejectedValueOnce(refusal);
      h.drive.faults.push({ lose: true });
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.pool.reportFailure).toHaveBeenCalledWith('acc-1', refusal);
      expect(h.pool.openSession).toHaveBeenCalledWith({ name: 'f.bin', mimeType: 'application/octet-stream', size: data.length }, { exclude: ['acc-1'] });
      expect(h.files.replaceSession).toHaveBeenCalledWith('file-1', 'acc-1', { accountId: 'acc-2', sessionSealed: 'sealed:acc-2/session-2' });
      expect(h.pool.release).toHaveBeenCalledWith({ accountId: 'acc-1', bytes: data.length });
      expect(h.drive.held('acc-2/session-2').equals(data)).toBe(true);
      expect(h.pool.reportSuccess).toHaveBeenCalledWith('acc-2');
    });

    it('never lets a checkpoint of the old session land after the new one is recorded', async () => {
      const data = randomBytes(PUT_SPAN + 2 * CHUNK);
      const h = harness({ size: data.length });
      h.drive.faults.push({}, { lose: true });
      const order: string[] = [];
      let releaseFirst!: () => void;
      const firstSave = new Promise<void>((r) => (releaseFirst = r));
      const save = h.files.saveProgress.getMockImplementation() as (...a: unknown[]) => Promise<boolean>;
      h.files.saveProgress.mockImplementation(async (id: string, c: { committedBytes: number }) => {
        if (order.length === 0) await firstSave;
        order.push(`save ${c.committedBytes} on ${h.record.driveSessionSealed}`);
        return save(id, c);
      });
      const replace = h.files.replaceSession.getMockImplementation() as (...a: unknown[]) => Promise<boolean>;
      h.files.replaceSession.mockImplementation(async (...a: unknown[]) => (order.push('replace'), replace(...a)));
      await h.session.start();
      h.upload(data);
      // The save of offset 0 hangs until Drive has lost the session and a new one exists.
      await until(() => h.client.createResumableSession.mock.calls.length > 0);
      await tick(10);
      expect(h.files.replaceSession).not.toHaveBeenCalled();
      releaseFirst();
      expect(await h.settled()).toMatchObject({ type: 'success' });
      await tick(10);
      // The old session's checkpoint at PUT_SPAN, queued behind the hanging one, is dropped.
      expect(order).toEqual(['save 0 on sealed:acc-1/session-1', 'replace', 'save 0 on sealed:acc-1/session-2', `save ${PUT_SPAN} on sealed:acc-1/session-2`]);
      expect(await h.violations()).toEqual([]);
    });
  });

  describe('moving to another account before anything is stored', () => {
    it.each(['storage_full', 'auth_revoked', 'daily_cap'] as const)('on %s, rewinds the client to 0 and uploads there', async (kind) => {
      const data = randomBytes(2 * CHUNK);
      const h = harness({ size: data.length });
      const refusal = driveError(kind, { status: 403 });
      h.drive.faults.push({ fail: { error: refusal, after: 0 } });
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toEqual({ type: 'success', value: '/api/v1/download/stream/file-1', file_id: 'file-1' });
      expect(h.pool.reportFailure).toHaveBeenCalledTimes(1);
      expect(h.pool.reportFailure).toHaveBeenCalledWith('acc-1', refusal);
      expect(h.pool.openSession).toHaveBeenCalledWith({ name: 'f.bin', mimeType: 'application/octet-stream', size: data.length }, { exclude: ['acc-1'] });
      expect(h.secrets.seal).toHaveBeenCalledWith('acc-2/session-2', 'file-1');
      expect(h.files.replaceSession).toHaveBeenCalledWith('file-1', 'acc-1', { accountId: 'acc-2', sessionSealed: 'sealed:acc-2/session-2' });
      expect(h.pool.release).toHaveBeenCalledTimes(1);
      expect(h.pool.release).toHaveBeenCalledWith({ accountId: 'acc-1', bytes: data.length });
      expect(h.ws.messages('rewind')).toEqual([{ type: 'rewind', offset: 0, reason: 'SESSION_RESTARTED' }]);
      expect(h.client2.openPut.mock.calls).toEqual([['acc-2/session-2', 0, data.length, data.length]]);
      expect(h.drive.held('acc-2/session-2').equals(data)).toBe(true);
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });
      expect(h.pool.reportSuccess).toHaveBeenCalledWith('acc-2');
      expect(await h.violations()).toEqual([]);
    });

    it('a long first request refused at once moves without waiting for the rest of its body', async () => {
      const data = randomBytes(2 * PUT_SPAN);
      const h = harness({ size: data.length });
      h.drive.faults.push({ fail: { error: driveError('storage_full', { status: 403, reason: 'storageQuotaExceeded' }), after: 0 } });
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.client2.openPut.mock.calls).toEqual([
        ['acc-2/session-2', 0, PUT_SPAN, data.length],
        ['acc-2/session-2', PUT_SPAN, PUT_SPAN, data.length],
      ]);
      expect(h.drive.held('acc-2/session-2').equals(data)).toBe(true);
      expect(await h.violations()).toEqual([]);
    });

    it('when opening the first request is refused, moves without a rewind', async () => {
      const data = randomBytes(2 * CHUNK);
      const h = harness({ size: data.length });
      const refusal = driveError('auth_revoked', { status: 401 });
      h.drive.faults.push({ refuse: refusal });
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.pool.reportFailure).toHaveBeenCalledWith('acc-1', refusal);
      expect(h.ws.messages('rewind')).toEqual([]);
      expect(h.client2.openPut.mock.calls).toEqual([['acc-2/session-2', 0, data.length, data.length]]);
      expect(h.drive.held('acc-2/session-2').equals(data)).toBe(true);
    });

    it('a full account after bytes were stored is not left: the upload ends', async () => {
      const data = randomBytes(PUT_SPAN + 2 * CHUNK);
      const h = harness({ size: data.length });
      const refusal = driveError('storage_full', { status: 403, reason: 'storageQuotaExceeded' });
      h.drive.faults.push({}, { fail: { error: refusal, after: 0 } });
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.STORAGE_ERROR, value: 'Storage refused the upload.' });
      expect(h.pool.openSession).not.toHaveBeenCalled();
      expect(h.files.replaceSession).not.toHaveBeenCalled();
      expect(h.pool.reportFailure).toHaveBeenCalledWith('acc-1', refusal);
      expect(h.ledger.end).toHaveBeenCalledWith('file-1', 'failed', UploadErrorCode.STORAGE_ERROR);
    });

    it('with no other storage, ends the upload with NO_STORAGE_AVAILABLE', async () => {
      const h = harness({ size: CHUNK });
      h.drive.faults.push({ fail: { error: driveError('storage_full', { status: 403 }), after: 0 } });
      h.pool.openSession.mockRejectedValue(new NoStorageAvailableError(CHUNK));
      await h.session.start();
      h.upload(randomBytes(CHUNK));
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.NO_STORAGE_AVAILABLE, value: 'No storage is available for this file right now.' });
      expect(h.ws.closeCode).toBe(1011);
      expect(h.ledger.end).toHaveBeenCalledWith('file-1', 'failed', UploadErrorCode.NO_STORAGE_AVAILABLE);
    });

    it('an upload that ended meanwhile gives the new reservation back', async () => {
      const h = harness({ size: CHUNK });
      h.drive.faults.push({ fail: { error: driveError('daily_cap', { status: 403 }), after: 0 } });
      h.files.replaceSession.mockResolvedValue(false);
      await h.session.start();
      h.upload(randomBytes(CHUNK));
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.UPLOAD_NOT_ACTIVE, value: 'This upload is no longer active.' });
      expect(h.ws.closeCode).toBe(1008);
      expect(h.pool.release).toHaveBeenCalledTimes(1);
      expect(h.pool.release).toHaveBeenCalledWith({ accountId: 'acc-2', bytes: 77, folderId: 'folder-2' });
      expect(h.ledger.end).not.toHaveBeenCalled();
    });

    it('no other account taking it ends the upload as refused', async () => {
      const h = harness({ size: CHUNK });
      h.drive.faults.push({ fail: { error: driveError('storage_full', { status: 403 }), after: 0 } });
      h.pool.openSession.mockRejectedValue(driveError('auth_revoked', { status: 401 }));
      await h.session.start();
      h.upload(randomBytes(CHUNK));
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.STORAGE_ERROR, value: 'Storage refused the upload.' });
      expect(h.ledger.end).toHaveBeenCalledWith('file-1', 'failed', UploadErrorCode.STORAGE_ERROR);
    });

    // The pool has already reported the other account's refusal; reporting it again against
    // the account being left would mark that one for a fault that is not its own.
    it('a refusal by the other accounts is not reported against the account being left', async () => {
      const h = harness({ size: CHUNK });
      const refusal = driveError('storage_full', { status: 403 });
      h.drive.faults.push({ fail: { error: refusal, after: 0 } });
      h.pool.openSession.mockRejectedValue(driveError('auth_revoked', { status: 401 }));
      await h.session.start();
      h.upload(randomBytes(CHUNK));
      await h.settled();
      expect(h.pool.reportFailure.mock.calls).toEqual([['acc-1', refusal]]);
    });
  });
});
