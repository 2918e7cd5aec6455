import { UploadErrorCode } from '@ddx/contracts';
import { randomBytes } from 'node:crypto';

import { CHUNK, driveError, harness, md5Hex, md5StateOf, md5Thread, PUT_SPAN, tick, until } from '../../testing/upload-socket-harness';

afterAll(() => md5Thread().stop());

const URI = 'acc-1/session-1';
const frameEnds = (from: number, to: number) => {
  const ends: number[] = [];
  for (let at = from; at < to; at += CHUNK) ends.push(Math.min(at + CHUNK, to));
  return ends;
};

/** The whole path of a fresh upload: frames into long Drive requests, what the client is told, what is saved. */
describe('UploadSocketSession', () => {
  it('streams the frames into one Drive request per span and completes with the MD5 of what was sent', async () => {
    const data = randomBytes(2 * PUT_SPAN + 300);
    const h = harness({ size: data.length });
    await h.session.start();
    expect(h.ws.sent[0]).toEqual({ type: 'ready', offset: 0, chunk_size: CHUNK, size: data.length });
    expect(h.secrets.open).toHaveBeenCalledWith('sealed:acc-1/session-1', 'file-1');
    expect(h.pool.client).toHaveBeenCalledWith('acc-1');
    expect(h.events.publish).toHaveBeenCalledWith({ type: 'upload.started', fileId: 'file-1', filename: 'f.bin', size: data.length, resumedAt: 0 });
    h.upload(data);
    expect(await h.settled()).toEqual({ type: 'success', value: '/api/v1/download/stream/file-1', file_id: 'file-1' });
    expect(h.client.openPut.mock.calls).toEqual([
      [URI, 0, PUT_SPAN, data.length],
      [URI, PUT_SPAN, PUT_SPAN, data.length],
      [URI, 2 * PUT_SPAN, 300, data.length],
    ]);
    expect(h.drive.held(URI).equals(data)).toBe(true);
    // One `progress` per Drive request, each what Drive committed.
    expect(h.ws.messages('progress')).toEqual([
      { type: 'progress', value: Math.floor((100 * PUT_SPAN) / data.length), offset: PUT_SPAN },
      { type: 'progress', value: Math.floor((200 * PUT_SPAN) / data.length), offset: 2 * PUT_SPAN },
      { type: 'progress', value: 100, offset: data.length },
    ]);
    // One `received` per frame, as its bytes are written.
    expect(h.ws.messages('received').map((m) => m['offset'])).toEqual(frameEnds(0, data.length));
    expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });
    expect(h.ledger.end).not.toHaveBeenCalled();
    expect(h.events.publish).toHaveBeenCalledWith({ type: 'upload.completed', fileId: 'file-1', filename: 'f.bin', size: data.length });
    expect(h.events.publish).not.toHaveBeenCalledWith(expect.objectContaining({ type: 'upload.disconnected' }));
    expect(h.pool.reportSuccess).toHaveBeenCalledWith('acc-1');
    expect(h.pool.reportFailure).not.toHaveBeenCalled();
    expect(h.client.deleteFile).not.toHaveBeenCalled();
    expect(h.ws.closeCode).toBe(1000);
    expect(h.ws.sent.at(-1)).toEqual({ type: 'success', value: '/api/v1/download/stream/file-1', file_id: 'file-1' });
    await until(() => h.lock.release.mock.calls.length > 0);
    expect(h.lock.release).toHaveBeenCalledTimes(1);
    expect(await h.violations()).toEqual([]);
  });

  it('saves checkpoints only at Drive request boundaries, each once Drive holds its bytes', async () => {
    const data = randomBytes(2 * PUT_SPAN + 300);
    const h = harness({ size: data.length });
    const heldAtSave: number[] = [];
    const save = h.files.saveProgress.getMockImplementation() as (...a: unknown[]) => Promise<boolean>;
    h.files.saveProgress.mockImplementation(async (...a: unknown[]) => (heldAtSave.push(h.drive.held(URI).length), save(...a)));
    await h.session.start();
    h.upload(data);
    expect(await h.settled()).toMatchObject({ type: 'success' });
    await tick(10);
    const s = (n: number) => md5StateOf(data.subarray(0, n));
    // Offset 0 when the first request opens (the upload becomes `uploading`), then each committed request end.
    expect(h.files.saveProgress.mock.calls).toEqual([
      ['file-1', { committedBytes: 0, md5State: '', pendingEnd: null, pendingMd5State: null, nextEnd: null, nextMd5State: null }],
      ['file-1', { committedBytes: PUT_SPAN, md5State: await s(PUT_SPAN), pendingEnd: null, pendingMd5State: null, nextEnd: null, nextMd5State: null }],
      ['file-1', { committedBytes: 2 * PUT_SPAN, md5State: await s(2 * PUT_SPAN), pendingEnd: null, pendingMd5State: null, nextEnd: null, nextMd5State: null }],
    ]);
    // Never ahead of Drive (the save may land once Drive has even more).
    expect(heldAtSave.map((held, i) => held >= ([0, PUT_SPAN, 2 * PUT_SPAN][i] as number))).toEqual([true, true, true]);
    expect(await h.violations()).toEqual([]);
  });

  it('saves checkpoints one after the other and never holds a byte back for one', async () => {
    const data = randomBytes(3 * PUT_SPAN);
    const h = harness({ size: data.length });
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h.files.saveProgress.mockImplementation(async (_id: string, c: { committedBytes: number }) => {
      order.push(`start ${c.committedBytes}`);
      if (c.committedBytes === 0) await gate;
      order.push(`end ${c.committedBytes}`);
      return true;
    });
    await h.session.start();
    h.upload(data);
    // The first save hangs; the bytes go on to Drive regardless.
    expect(await until(() => h.drive.held(URI).length >= 2 * PUT_SPAN)).toBe(true);
    expect(order).toEqual(['start 0']);
    release();
    expect(await h.settled()).toMatchObject({ type: 'success' });
    await tick(10);
    expect(order).toEqual(['start 0', 'end 0', `start ${PUT_SPAN}`, `end ${PUT_SPAN}`, `start ${2 * PUT_SPAN}`, `end ${2 * PUT_SPAN}`]);
  });

  it('a checkpoint that cannot be saved does not stop the upload', async () => {
    const data = randomBytes(2 * PUT_SPAN);
    const h = harness({ size: data.length });
    h.files.saveProgress.mockRejectedValue(new Error('mongo down'));
    await h.session.start();
    h.upload(data);
    expect(await h.settled()).toEqual({ type: 'success', value: '/api/v1/download/stream/file-1', file_id: 'file-1' });
    expect(h.files.saveProgress).toHaveBeenCalledTimes(2);
    expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });
  });

  it('a file of one short frame is one short Drive request', async () => {
    const data = randomBytes(10);
    const h = harness({ size: data.length });
    await h.session.start();
    h.upload(data);
    expect(await h.settled()).toMatchObject({ type: 'success' });
    expect(h.client.openPut.mock.calls).toEqual([[URI, 0, 10, 10]]);
    expect(h.ws.messages('received')).toEqual([{ type: 'received', offset: 10 }]);
    expect(h.ws.messages('progress')).toEqual([{ type: 'progress', value: 100, offset: 10 }]);
    expect(await h.violations()).toEqual([]);
  });

  it('publishes progress (bytes passed on) to admins at most once a second', async () => {
    let now = 10_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const data = randomBytes(4 * PUT_SPAN);
      const h = harness({ size: data.length });
      await h.session.start();
      const progressEvents = () => h.events.publish.mock.calls.filter((c) => c[0].type === 'upload.progress').map((c) => c[0].offset);
      const sendSpan = async (i: number) => {
        h.sendAll(data.subarray(0, (i + 1) * PUT_SPAN), i * PUT_SPAN);
        await until(() => h.ws.messages('progress').some((m) => m['offset'] === (i + 1) * PUT_SPAN));
      };
      await sendSpan(0);
      now += 999;
      await sendSpan(1);
      now += 1;
      await sendSpan(2);
      // Bytes passed on, not Drive's steps: the first frame, then the first frame after a second went by.
      expect(progressEvents()).toEqual([CHUNK, 2 * PUT_SPAN + CHUNK]);
      expect(h.events.publish).toHaveBeenCalledWith({ type: 'upload.progress', fileId: 'file-1', offset: CHUNK, size: data.length });
    } finally {
      jest.restoreAllMocks();
    }
  });

  describe('closing', () => {
    it('a dropped connection is published with what Drive committed; the lock waits for the cut request and a checkpoint at what Drive kept', async () => {
      const data = randomBytes(3 * PUT_SPAN);
      const h = harness({ size: data.length });
      await h.session.start();
      // Drive committed the first request and received two frames of the second when the browser goes away.
      h.upload(data, { stopAt: 6 * CHUNK });
      await until(() => h.ws.messages('received').length === 6);
      let releaseStatus!: () => void;
      const statusGate = new Promise<void>((r) => (releaseStatus = r));
      const status = h.client.queryCommitted.getMockImplementation() as (...a: unknown[]) => Promise<unknown>;
      h.client.queryCommitted.mockImplementation(async (...a: unknown[]) => (await statusGate, status(...a)));
      h.ws.close(1006);
      expect(h.events.publish).toHaveBeenCalledWith({ type: 'upload.disconnected', fileId: 'file-1', offset: PUT_SPAN });
      // Cut: Drive keeps what it received of the second request.
      expect(h.drive.puts[1]?.aborted).toBe(true);
      await tick(10);
      expect(h.lock.release).not.toHaveBeenCalled();
      releaseStatus();
      expect(await until(() => h.lock.release.mock.calls.length > 0)).toBe(true);
      expect(h.lock.release).toHaveBeenCalledTimes(1);
      // The checkpoint closest to what Drive kept (frame ends are known states).
      const held = h.drive.held(URI).length;
      expect(held).toBe(6 * CHUNK);
      expect(h.files.saveProgress).toHaveBeenLastCalledWith('file-1', expect.objectContaining({ committedBytes: 6 * CHUNK, md5State: await md5StateOf(data.subarray(0, 6 * CHUNK)) }));
      expect(h.ws.sent.filter((m) => m.type === 'error')).toEqual([]);
      expect(await h.violations()).toEqual([]);
    });

    it.each([
      ['busy twice, then answers', 2, 6 * CHUNK],
      ['never answering', Infinity, PUT_SPAN],
    ])('after a cut, asks Drive again what it kept before releasing the lock (Drive %s)', async (_what, failures, checkpointAt) => {
      const data = randomBytes(3 * PUT_SPAN);
      const h = harness({ size: data.length });
      await h.session.start();
      h.upload(data, { stopAt: 6 * CHUNK });
      await until(() => h.ws.messages('received').length === 6);
      const busy = driveError('transient', { status: 503 });
      if (failures === Infinity) h.client.queryCommitted.mockRejectedValue(busy);
      else for (let i = 0; i < failures; i++) h.client.queryCommitted.mockRejectedValueOnce(busy);
      h.ws.close(1006);
      expect(await until(() => h.lock.release.mock.calls.length > 0)).toBe(true);
      expect(h.client.queryCommitted.mock.calls.length).toBeGreaterThan(1 + Math.min(failures, 2));
      expect(h.files.saveProgress.mock.calls.at(-1)?.[1]).toMatchObject({ committedBytes: checkpointAt });
      expect(h.ws.messages('error')).toEqual([]);
      expect(await h.violations()).toEqual([]);
    });

    it('a close after the outcome publishes nothing more and releases the lock once', async () => {
      const h = harness({ size: 10 });
      await h.session.start();
      h.upload(randomBytes(10));
      await h.settled();
      await until(() => h.lock.release.mock.calls.length > 0);
      expect(h.events.publish).not.toHaveBeenCalledWith(expect.objectContaining({ type: 'upload.disconnected' }));
      expect(h.lock.release).toHaveBeenCalledTimes(1);
    });

    it('a socket closed while connecting does not start reading', async () => {
      const h = harness({ size: CHUNK });
      h.client.queryCommitted.mockImplementation(async () => (h.ws.close(1001), { done: false, committed: 0 }));
      await h.session.start();
      expect(h.ws.sent).toEqual([]);
      expect(h.events.publish).not.toHaveBeenCalled();
      expect(h.ws.listenerCount('message')).toBe(0);
      expect(await until(() => h.lock.release.mock.calls.length > 0)).toBe(true);
    });

    it('a connect failure sends a storage error and keeps the upload', async () => {
      const h = harness({ size: CHUNK });
      h.pool.client.mockRejectedValue(new Error('mongo down'));
      await h.session.start();
      expect(h.ws.sent).toEqual([{ type: 'error', code: UploadErrorCode.STORAGE_ERROR, value: 'Something went wrong on our side; reconnect to resume the upload.' }]);
      expect(h.ws.closeCode).toBe(1011);
      expect(h.ledger.end).not.toHaveBeenCalled();
      expect(h.events.publish).toHaveBeenCalledWith({ type: 'upload.failed', fileId: 'file-1', code: UploadErrorCode.STORAGE_ERROR });
    });
  });
});
