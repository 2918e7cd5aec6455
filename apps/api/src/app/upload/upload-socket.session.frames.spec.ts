import { UploadErrorCode } from '@ddx/contracts';
import { ChunkResult, NoStorageAvailableError } from '@ddx/server-drive';
import { randomBytes } from 'node:crypto';

import { CHUNK, driveError, harness, honestDrive, md5StateOf } from '../../testing/upload-socket-harness';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

/** Frame size rules, the checkpoint saved before each PUT, partial commits and Drive's errors. */
describe('UploadSocketSession frames', () => {
  it('refuses a frame of the wrong size with BAD_CHUNK, without ending the upload', async () => {
    const h = harness({ size: 3 * CHUNK });
    await h.session.start();
    h.ws.frame(randomBytes(CHUNK - 1));
    expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.BAD_CHUNK, value: `Expected a frame of ${CHUNK} bytes starting at byte 0, got ${CHUNK - 1}.` });
    expect(h.ws.closeCode).toBe(1008);
    expect(h.ledger.end).not.toHaveBeenCalled();
    expect(h.client.putChunk).not.toHaveBeenCalled();
  });

  it('expects a short last frame and refuses a full one in its place', async () => {
    const h = harness({ size: CHUNK + 10 });
    await h.session.start();
    h.ws.frame(randomBytes(CHUNK));
    h.ws.frame(randomBytes(CHUNK));
    expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.BAD_CHUNK, value: `Expected a frame of 10 bytes starting at byte ${CHUNK}, got ${CHUNK}.` });
  });

  it('refuses a frame after every byte was received', async () => {
    const h = harness({ size: CHUNK, put: async () => new Promise<ChunkResult>(() => undefined) });
    await h.session.start();
    h.ws.frame(randomBytes(CHUNK));
    h.ws.frame(randomBytes(1));
    expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.BAD_CHUNK, value: `The file is ${CHUNK} bytes and all of them have been received.` });
  });

  it('accepts frames sent as fragments or array buffers', async () => {
    const data = randomBytes(2 * CHUNK);
    const h = harness({ size: data.length });
    await h.session.start();
    h.ws.emit('message', [data.subarray(0, 100), data.subarray(100, CHUNK)], true);
    const ab = data.buffer.slice(data.byteOffset + CHUNK, data.byteOffset + 2 * CHUNK);
    h.ws.emit('message', ab, true);
    expect(await h.settled()).toMatchObject({ type: 'success' });
  });

  it('ignores DONE and unknown text messages, and cancels on {"type":"cancel"}', async () => {
    const h = harness({ size: 2 * CHUNK });
    await h.session.start();
    h.ws.text('DONE');
    h.ws.text('not json');
    h.ws.text('{"type":"other"}');
    await tick();
    expect(h.outcome()).toBeUndefined();
    h.ws.text('{"type":"cancel"}');
    expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.CANCELLED, value: 'The upload was cancelled.' });
    expect(h.ledger.end).toHaveBeenCalledWith('file-1', 'cancelled', 'CANCELLED');
    expect(h.events.publish).toHaveBeenCalledWith({ type: 'upload.cancelled', fileId: 'file-1' });
    expect(h.events.publish).not.toHaveBeenCalledWith(expect.objectContaining({ type: 'upload.disconnected' }));
    expect(h.ws.closeCode).toBe(1000);
    // Nothing is read after a cancel.
    h.ws.frame(randomBytes(CHUNK));
    await tick();
    expect(h.client.putChunk).not.toHaveBeenCalled();
  });

  it('saves the checkpoint covering both ends of a chunk before sending it', async () => {
    const data = randomBytes(2 * CHUNK + 3);
    const h = harness({ size: data.length });
    const order: string[] = [];
    h.files.saveProgress.mockImplementation(async (_id: string, c: { pendingEnd: number }) => void order.push(`save ${c.pendingEnd}`) ?? true);
    const drive = honestDrive(data.length);
    h.client.putChunk.mockImplementation(async (u: string, o: number, b: Buffer) => (order.push(`put ${o}`), drive.put(u, o, b)));
    await h.session.start();
    // One frame at a time: each PUT needs its own save.
    for (let at = 0; at < data.length; at += CHUNK) {
      h.ws.frame(data.subarray(at, at + CHUNK));
      for (let i = 0; i < 100 && !h.ws.sent.some((m) => m.type === 'progress' && (m['offset'] as number) >= Math.min(at + CHUNK, data.length)); i++) await tick(2);
    }
    expect(await h.settled()).toMatchObject({ type: 'success' });
    expect(order).toEqual([`save ${CHUNK}`, 'put 0', `save ${2 * CHUNK}`, `put ${CHUNK}`, `save ${data.length}`, `put ${2 * CHUNK}`]);
    expect(h.files.saveProgress.mock.calls[1]).toEqual([
      'file-1',
      { committedBytes: CHUNK, md5State: await md5StateOf(data.subarray(0, CHUNK)), pendingEnd: 2 * CHUNK, pendingMd5State: await md5StateOf(data.subarray(0, 2 * CHUNK)), nextEnd: null, nextMd5State: null },
    ]);
  });

  it('saves the next chunk\'s checkpoint while the previous PUT runs, with all three offsets', async () => {
    const data = randomBytes(3 * CHUNK);
    const drive = honestDrive(data.length);
    const h = harness({ size: data.length, put: async (u, o, b) => (await tick(20), drive.put(u, o, b)) });
    await h.session.start();
    h.sendAll(data);
    expect(await h.settled()).toMatchObject({ type: 'success' });
    const s = (n: number) => md5StateOf(data.subarray(0, n));
    expect(h.files.saveProgress.mock.calls.map((c) => c[1])).toEqual([
      { committedBytes: 0, md5State: await s(0), pendingEnd: CHUNK, pendingMd5State: await s(CHUNK), nextEnd: null, nextMd5State: null },
      { committedBytes: 0, md5State: await s(0), pendingEnd: CHUNK, pendingMd5State: await s(CHUNK), nextEnd: 2 * CHUNK, nextMd5State: await s(2 * CHUNK) },
      { committedBytes: CHUNK, md5State: await s(CHUNK), pendingEnd: 2 * CHUNK, pendingMd5State: await s(2 * CHUNK), nextEnd: 3 * CHUNK, nextMd5State: await s(3 * CHUNK) },
    ]);
  });

  it('saves a fresh checkpoint when the saved-ahead one does not match the next chunk', async () => {
    // Drive keeps only half of the first chunk; the ahead save (for 2048) no longer fits the resend.
    const data = randomBytes(3 * CHUNK);
    const drive = honestDrive(data.length);
    let first = true;
    const h = harness({
      size: data.length,
      put: async (u, o, b) => {
        await tick(15);
        if (first) {
          first = false;
          await drive.put(u, o, b.subarray(0, 512));
          return { done: false, committed: 512 };
        }
        return drive.put(u, o, b);
      },
    });
    h.files.saveProgress.mockImplementation(async () => true);
    await h.session.start();
    h.sendAll(data);
    expect(await h.settled()).toMatchObject({ type: 'success' });
    expect(h.client.putChunk.mock.calls.map((c) => [c[1], (c[2] as Buffer).length])).toEqual([
      [0, CHUNK],
      [512, 512],
      [CHUNK, CHUNK],
      [2 * CHUNK, CHUNK],
    ]);
    expect(drive.held.equals(data)).toBe(true);
  });

  it('a failed checkpoint save stops the upload before the chunk is sent', async () => {
    const h = harness({ size: 2 * CHUNK });
    h.files.saveProgress.mockRejectedValue(new Error('mongo down'));
    await h.session.start();
    h.ws.frame(randomBytes(CHUNK));
    expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.STORAGE_ERROR, value: 'Something went wrong on our side; reconnect to resume the upload.' });
    expect(h.client.putChunk).not.toHaveBeenCalled();
    expect(h.ws.closeCode).toBe(1011);
    expect(h.ledger.end).not.toHaveBeenCalled();
  });

  it('pauses the socket beyond the frames in flight and resumes it as they drain', async () => {
    const data = randomBytes(5 * CHUNK);
    const drive = honestDrive(data.length);
    const h = harness({ size: data.length, put: async (u, o, b) => (await tick(10), drive.put(u, o, b)) });
    await h.session.start();
    h.ws.frame(data.subarray(0, CHUNK));
    h.ws.frame(data.subarray(CHUNK, 2 * CHUNK));
    expect(h.ws.isPaused).toBe(false);
    h.ws.frame(data.subarray(2 * CHUNK, 3 * CHUNK));
    expect(h.ws.isPaused).toBe(true);
    h.sendAll(data, 3 * CHUNK);
    expect(await h.settled()).toMatchObject({ type: 'success' });
    expect(h.ws.isPaused).toBe(false);
  });

  it('Drive losing acknowledged bytes is a resumable storage error', async () => {
    const data = randomBytes(2 * CHUNK);
    const h = harness({ size: data.length, committed: CHUNK, file: { committedBytes: CHUNK, md5State: await md5StateOf(data.subarray(0, CHUNK)) }, put: async () => ({ done: false, committed: 100 }) });
    await h.session.start();
    h.ws.frame(data.subarray(CHUNK));
    expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.STORAGE_ERROR, value: 'Storage lost part of the upload; reconnect to resume.' });
    expect(h.ws.closeCode).toBe(1011);
    expect(h.ledger.end).not.toHaveBeenCalled();
  });

  it('a chunk Drive never completes fails after maxAttempts rounds', async () => {
    const h = harness({ size: 2 * CHUNK, maxAttempts: 2, put: async (_u, o) => ({ done: false, committed: o }) });
    await h.session.start();
    h.ws.frame(randomBytes(CHUNK));
    expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.STORAGE_ERROR, value: 'Storage is not answering right now; reconnect to resume the upload.' });
    expect(h.client.putChunk).toHaveBeenCalledTimes(2);
  });

  it('after a broken PUT asks Drive what it stored and sends only the rest', async () => {
    const data = randomBytes(2 * CHUNK);
    const drive = honestDrive(data.length);
    let broke = false;
    const h = harness({
      size: data.length,
      put: async (u, o, b) => {
        if (!broke) {
          broke = true;
          await drive.put(u, o, b.subarray(0, 300));
          throw driveError('transient', { status: 503 });
        }
        return drive.put(u, o, b);
      },
    });
    await h.session.start();
    h.client.queryCommitted.mockImplementation(async () => ({ done: false, committed: drive.held.length }));
    h.sendAll(data);
    expect(await h.settled()).toMatchObject({ type: 'success' });
    expect(h.client.putChunk.mock.calls.map((c) => [c[1], (c[2] as Buffer).length])).toEqual([
      [0, CHUNK],
      [300, CHUNK - 300],
      [CHUNK, CHUNK],
    ]);
    expect(h.ledger.complete).toHaveBeenCalled();
  });

  it('a PUT failing with a non-Drive error ends the socket with a generic storage error', async () => {
    const h = harness({ size: CHUNK, put: async () => Promise.reject(new Error('boom')) });
    await h.session.start();
    h.ws.frame(randomBytes(CHUNK));
    expect(await h.settled()).toMatchObject({ type: 'error', code: UploadErrorCode.STORAGE_ERROR, value: 'Something went wrong on our side; reconnect to resume the upload.' });
    expect(h.client.queryCommitted).toHaveBeenCalledTimes(1);
  });

  describe('Drive errors', () => {
    it('an expired session ends the upload with SESSION_EXPIRED', async () => {
      const h = harness({ size: CHUNK, put: async () => Promise.reject(driveError('not_found', { status: 404 })) });
      await h.session.start();
      h.ws.frame(randomBytes(CHUNK));
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.SESSION_EXPIRED, value: 'This upload session has expired. Please start the upload again.' });
      expect(h.ledger.end).toHaveBeenCalledWith('file-1', 'failed', UploadErrorCode.SESSION_EXPIRED);
      expect(h.ws.closeCode).toBe(1008);
    });

    it('retries a rate limit and reports the account healthy again', async () => {
      let calls = 0;
      const data = randomBytes(CHUNK);
      const drive = honestDrive(data.length);
      const h = harness({ size: data.length, put: async (u, o, b) => (++calls === 1 ? Promise.reject(driveError('rate_limited', { retryAfterMs: 5 })) : drive.put(u, o, b)) });
      await h.session.start();
      h.ws.frame(data);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.client.putChunk).toHaveBeenCalledTimes(2);
      expect(h.pool.reportSuccess).toHaveBeenCalledTimes(2);
      expect(h.pool.reportFailure).not.toHaveBeenCalled();
    });

    it('gives up after maxAttempts rate limits, keeping the upload resumable', async () => {
      const h = harness({ size: CHUNK, put: async () => Promise.reject(driveError('rate_limited')) });
      await h.session.start();
      h.ws.frame(randomBytes(CHUNK));
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.STORAGE_ERROR, value: 'Storage is not answering right now; reconnect to resume the upload.' });
      expect(h.client.putChunk).toHaveBeenCalledTimes(3);
      expect(h.pool.reportFailure).toHaveBeenCalledWith('acc-1', expect.objectContaining({ kind: 'rate_limited' }));
      expect(h.ledger.end).not.toHaveBeenCalled();
    });

    it('a refused request ends the upload', async () => {
      const h = harness({ size: CHUNK, put: async () => Promise.reject(driveError('bad_request', { status: 400 })) });
      await h.session.start();
      h.ws.frame(randomBytes(CHUNK));
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.STORAGE_ERROR, value: 'Storage refused the upload.' });
      expect(h.client.putChunk).toHaveBeenCalledTimes(1);
      expect(h.ledger.end).toHaveBeenCalledWith('file-1', 'failed', UploadErrorCode.STORAGE_ERROR);
    });

    it('a full account after bytes were stored is not failed over', async () => {
      const data = randomBytes(2 * CHUNK);
      const h = harness({ size: data.length, committed: CHUNK, file: { committedBytes: CHUNK, md5State: await md5StateOf(data.subarray(0, CHUNK)) }, put: async () => Promise.reject(driveError('storage_full', { status: 403 })) });
      await h.session.start();
      h.ws.frame(data.subarray(CHUNK));
      expect(await h.settled()).toMatchObject({ type: 'error', code: UploadErrorCode.STORAGE_ERROR, value: 'Storage refused the upload.' });
    });

    it('the status query at connect is retried on a transient error', async () => {
      const h = harness({ size: 2 * CHUNK });
      h.client.queryCommitted.mockRejectedValueOnce(driveError('transient', { status: 500 })).mockResolvedValue({ done: false, committed: 0 });
      await h.session.start();
      expect(h.ws.sent[0]).toMatchObject({ type: 'ready', offset: 0 });
      expect(h.pool.reportSuccess).toHaveBeenCalledWith('acc-1');
    });

    it.each(['storage_full', 'auth_revoked', 'daily_cap'] as const)('moves an upload that stored nothing to another account on %s', async (kind) => {
      const data = randomBytes(CHUNK);
      const drive = honestDrive(data.length);
      const other = { putChunk: jest.fn(drive.put), createResumableSession: jest.fn(async () => 'other-uri') };
      const h = harness({ size: data.length, put: async () => Promise.reject(driveError(kind, { status: 403 })) });
      h.pool.client.mockImplementation(async (id: string) => (id === 'acc-2' ? other : h.client));
      Object.assign(h.pool, { reserve: jest.fn(async () => ({ accountId: 'acc-2', bytes: 77, folderId: 'folder-2' })), release: jest.fn(async () => undefined) });
      Object.assign(h.files, { switchAccount: jest.fn(async () => true) });
      Object.assign(h.secrets, { seal: jest.fn(() => 'sealed-2') });
      await h.session.start();
      h.ws.frame(data);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.pool.reportFailure).toHaveBeenCalledWith('acc-1', expect.objectContaining({ kind }));
      expect(h.pool.reserve).toHaveBeenCalledWith(data.length, { exclude: ['acc-1'] });
      expect(other.createResumableSession).toHaveBeenCalledWith({ name: 'f.bin', mimeType: 'application/octet-stream', size: data.length, parents: ['folder-2'] });
      expect(h.files.switchAccount).toHaveBeenCalledWith('file-1', 'acc-1', { accountId: 'acc-2', sessionSealed: 'sealed-2' });
      expect(h.secrets.seal).toHaveBeenCalledWith('other-uri', 'file-1');
      expect(h.pool.release).toHaveBeenCalledWith({ accountId: 'acc-1', bytes: data.length });
      expect(other.putChunk).toHaveBeenCalledWith('other-uri', 0, data, data.length);
      expect(h.pool.reportSuccess).toHaveBeenCalledWith('acc-2');
    });

    it('failover without a folder, and with no other storage, ends the upload with NO_STORAGE_AVAILABLE', async () => {
      const h = harness({ size: CHUNK, put: async () => Promise.reject(driveError('storage_full')) });
      Object.assign(h.pool, { reserve: jest.fn(async () => Promise.reject(new NoStorageAvailableError(CHUNK))) });
      await h.session.start();
      h.ws.frame(randomBytes(CHUNK));
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.NO_STORAGE_AVAILABLE, value: 'No storage is available for this file right now.' });
      expect(h.ledger.end).toHaveBeenCalledWith('file-1', 'failed', UploadErrorCode.NO_STORAGE_AVAILABLE);
    });

    it('a failover the upload lost meanwhile gives the new reservation back', async () => {
      const other = { createResumableSession: jest.fn(async () => 'other-uri') };
      const h = harness({ size: CHUNK, put: async () => Promise.reject(driveError('daily_cap')) });
      h.pool.client.mockImplementation(async (id: string) => (id === 'acc-2' ? other : h.client));
      const reservation = { accountId: 'acc-2', bytes: 5, folderId: null };
      Object.assign(h.pool, { reserve: jest.fn(async () => reservation), release: jest.fn(async () => undefined) });
      Object.assign(h.files, { switchAccount: jest.fn(async () => false) });
      Object.assign(h.secrets, { seal: jest.fn(() => 'sealed-2') });
      await h.session.start();
      h.ws.frame(randomBytes(CHUNK));
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.UPLOAD_NOT_ACTIVE, value: 'This upload is no longer active.' });
      expect(other.createResumableSession).toHaveBeenCalledWith(expect.objectContaining({ parents: undefined }));
      expect(h.pool.release).toHaveBeenCalledWith(reservation);
      expect(h.pool.release).toHaveBeenCalledTimes(1);
    });

    it('a Drive error creating the new session reports the new account too', async () => {
      const err = driveError('auth_revoked', { status: 401 });
      const other = { createResumableSession: jest.fn(async () => Promise.reject(err)) };
      const h = harness({ size: CHUNK, put: async () => Promise.reject(driveError('storage_full')) });
      h.pool.client.mockImplementation(async (id: string) => (id === 'acc-2' ? other : h.client));
      Object.assign(h.pool, { reserve: jest.fn(async () => ({ accountId: 'acc-2', bytes: 5, folderId: null })), release: jest.fn(async () => undefined) });
      await h.session.start();
      h.ws.frame(randomBytes(CHUNK));
      expect(await h.settled()).toMatchObject({ type: 'error' });
      expect(h.pool.reportFailure).toHaveBeenCalledWith('acc-2', err);
    });
  });

  describe('closing', () => {
    it('a dropped connection is published with the committed offset, and the lock waits for the PUT in flight', async () => {
      const data = randomBytes(2 * CHUNK);
      let finishPut!: () => void;
      const drive = honestDrive(data.length);
      const h = harness({ size: data.length });
      h.client.putChunk.mockImplementationOnce((u: string, o: number, b: Buffer) => drive.put(u, o, b)).mockImplementationOnce(
        (u: string, o: number, b: Buffer) => new Promise<ChunkResult>((r) => (finishPut = () => r(drive.put(u, o, b) as never))),
      );
      await h.session.start();
      h.sendAll(data);
      for (let i = 0; i < 100 && !finishPut; i++) await tick(2);
      h.ws.close(1006);
      expect(h.events.publish).toHaveBeenCalledWith({ type: 'upload.disconnected', fileId: 'file-1', offset: CHUNK });
      await tick();
      expect(h.lock.release).not.toHaveBeenCalled();
      finishPut();
      await tick();
      expect(h.lock.release).toHaveBeenCalledTimes(1);
    });

    it('a close after the outcome publishes nothing more', async () => {
      const h = harness({ size: 10 });
      await h.session.start();
      h.ws.frame(randomBytes(10));
      await h.settled();
      expect(h.events.publish).not.toHaveBeenCalledWith(expect.objectContaining({ type: 'upload.disconnected' }));
      expect(h.lock.release).toHaveBeenCalled();
    });

    it('a socket closed while connecting does not start reading', async () => {
      const h = harness({ size: CHUNK });
      h.client.queryCommitted.mockImplementation(async () => (h.ws.close(1001), { done: false, committed: 0 }));
      await h.session.start();
      expect(h.ws.sent).toEqual([]);
      expect(h.events.publish).not.toHaveBeenCalled();
      expect(h.ws.listenerCount('message')).toBe(0);
    });

    it('a connect failure sends a storage error', async () => {
      const h = harness({ size: CHUNK });
      h.pool.client.mockRejectedValue(driveError('bad_request'));
      await h.session.start();
      expect(h.ws.sent).toEqual([{ type: 'error', code: UploadErrorCode.STORAGE_ERROR, value: 'Something went wrong on our side; reconnect to resume the upload.' }]);
    });
  });
});
