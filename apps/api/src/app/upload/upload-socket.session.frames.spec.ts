import { UPLOAD_MAX_FRAMES_IN_FLIGHT, UploadErrorCode } from '@ddx/contracts';
import { randomBytes } from 'node:crypto';

import { CHUNK, harness, md5Hex, md5Thread, PUT_SPAN, tick, until } from '../../testing/upload-socket-harness';

afterAll(() => md5Thread().stop());

const URI = 'acc-1/session-1';

/** Frame rules, flow control (the send window and the paused socket), cancel, and the rewind/resume handshake. */
describe('UploadSocketSession frames', () => {
  describe('frame sizes', () => {
    it('refuses a frame of the wrong size with BAD_CHUNK, without ending the upload or sending it to Drive', async () => {
      const h = harness({ size: 3 * CHUNK });
      await h.session.start();
      h.ws.frame(randomBytes(CHUNK - 1));
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.BAD_CHUNK, value: `Expected a frame of ${CHUNK} bytes starting at byte 0, got ${CHUNK - 1}.` });
      expect(h.ws.closeCode).toBe(1008);
      expect(h.ledger.end).not.toHaveBeenCalled();
      expect(h.client.openPut).not.toHaveBeenCalled();
      expect(h.events.publish).toHaveBeenCalledWith({ type: 'upload.failed', fileId: 'file-1', code: UploadErrorCode.BAD_CHUNK });
      expect(h.events.publish).not.toHaveBeenCalledWith(expect.objectContaining({ type: 'upload.disconnected' }));
    });

    it('counts where each frame starts, expects a short last frame and refuses a full one in its place', async () => {
      const h = harness({ size: CHUNK + 10 });
      await h.session.start();
      h.ws.frame(randomBytes(CHUNK));
      h.ws.frame(randomBytes(CHUNK));
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.BAD_CHUNK, value: `Expected a frame of 10 bytes starting at byte ${CHUNK}, got ${CHUNK}.` });
    });

    it('refuses a frame after every byte was received, and cuts the Drive request', async () => {
      const h = harness({ size: CHUNK });
      h.drive.faults.push({ hold: true });
      await h.session.start();
      h.ws.frame(randomBytes(CHUNK));
      await until(() => h.drive.puts[0]?.receivedBytes === CHUNK);
      h.ws.frame(randomBytes(1));
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.BAD_CHUNK, value: `The file is ${CHUNK} bytes and all of them have been received.` });
      expect(h.drive.puts[0]?.aborted).toBe(true);
      expect(h.ledger.complete).not.toHaveBeenCalled();
    });

    it('accepts frames sent as fragments or array buffers', async () => {
      const data = randomBytes(2 * CHUNK);
      const h = harness({ size: data.length });
      await h.session.start();
      h.ws.emit('message', [data.subarray(0, 100), data.subarray(100, CHUNK)], true);
      h.ws.emit('message', data.buffer.slice(data.byteOffset + CHUNK, data.byteOffset + 2 * CHUNK), true);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.drive.held(URI).equals(data)).toBe(true);
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });
    });
  });

  describe('text messages', () => {
    it('ignores DONE and unknown text messages, and cancels on {"type":"cancel"}', async () => {
      const h = harness({ size: 2 * CHUNK });
      await h.session.start();
      h.ws.text('DONE');
      h.ws.text('not json');
      h.ws.text('null');
      h.ws.text('{"type":"other"}');
      await tick();
      expect(h.outcome()).toBeUndefined();
      h.ws.text('{"type":"cancel"}');
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.CANCELLED, value: 'The upload was cancelled.' });
      expect(h.ledger.end).toHaveBeenCalledWith('file-1', 'cancelled', 'CANCELLED');
      expect(h.ledger.end).toHaveBeenCalledTimes(1);
      expect(h.events.publish).toHaveBeenCalledWith({ type: 'upload.cancelled', fileId: 'file-1' });
      expect(h.events.publish).not.toHaveBeenCalledWith(expect.objectContaining({ type: 'upload.disconnected' }));
      expect(h.events.publish).not.toHaveBeenCalledWith(expect.objectContaining({ type: 'upload.failed' }));
      expect(h.ws.closeCode).toBe(1000);
      expect(h.ws.isPaused).toBe(true);
      // Nothing is read after a cancel.
      h.ws.emit('message', randomBytes(CHUNK), true);
      await tick();
      expect(h.client.openPut).not.toHaveBeenCalled();
      expect(h.ws.sent.at(-1)).toEqual({ type: 'error', code: UploadErrorCode.CANCELLED, value: 'The upload was cancelled.' });
    });

    it('a cancel cuts the Drive request in flight, waits for it, then ends the upload', async () => {
      const data = randomBytes(PUT_SPAN);
      const h = harness({ size: data.length });
      h.drive.faults.push({ hold: true });
      await h.session.start();
      h.upload(data);
      await until(() => h.drive.puts[0]?.receivedBytes === PUT_SPAN);
      h.ws.text('{"type":"cancel"}');
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.CANCELLED, value: 'The upload was cancelled.' });
      expect(h.drive.puts[0]?.aborted).toBe(true);
      expect(h.ledger.end).toHaveBeenCalledWith('file-1', 'cancelled', 'CANCELLED');
      expect(h.ledger.complete).not.toHaveBeenCalled();
      expect(h.client.queryCommitted).toHaveBeenCalledTimes(1);
      expect(await until(() => h.lock.release.mock.calls.length > 0)).toBe(true);
    });
  });

  describe('flow control', () => {
    it('sends received only for bytes written to Drive: a client keeping the window waits while Drive does not read', async () => {
      const data = randomBytes(2 * PUT_SPAN);
      const h = harness({ size: data.length });
      h.drive.pauseReading();
      await h.session.start();
      h.upload(data);
      await until(() => (h.drive.puts[0]?.receivedBytes ?? 0) > 0);
      await tick(20);
      expect(h.ws.messages('received')).toEqual([]);
      // Two frames beyond `ready`: one written to Drive's socket, one waiting.
      expect(h.drive.puts[0]?.receivedBytes).toBe(CHUNK);
      expect(h.ws.isPaused).toBe(false);
      h.drive.resumeReading();
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.ws.messages('received').map((m) => m['offset'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => i * CHUNK));
      expect(h.ws.isPaused).toBe(false);
      expect(await h.violations()).toEqual([]);
    });

    it('pauses the socket beyond the frames in flight while Drive does not read, and resumes it as they drain', async () => {
      const data = randomBytes(PUT_SPAN + 3 * CHUNK);
      const h = harness({ size: data.length });
      h.drive.pauseReading();
      await h.session.start();
      h.ws.frame(data.subarray(0, CHUNK));
      expect(h.ws.isPaused).toBe(false);
      h.sendAll(data, CHUNK);
      await tick(20);
      // A few frames held, never the whole file: one in Drive's socket, at most the frames in flight queued, the rest left unread.
      expect(h.ws.isPaused).toBe(true);
      expect(h.drive.puts[0]?.receivedBytes).toBe(CHUNK);
      expect(h.ws.framesDelivered - 1).toBeLessThanOrEqual(UPLOAD_MAX_FRAMES_IN_FLIGHT);
      expect(h.ws.framesDelivered + h.ws.waiting).toBe(7);
      expect(h.ws.messages('received')).toEqual([]);
      h.drive.resumeReading();
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.ws.isPaused).toBe(false);
      expect(h.ws.waiting).toBe(0);
      expect(h.drive.held(URI).equals(data)).toBe(true);
      expect(await h.violations()).toEqual([]);
    });

    it('a client sending everything at once is paused and still uploads the file intact', async () => {
      const data = randomBytes(3 * PUT_SPAN + 5);
      const h = harness({ size: data.length });
      await h.session.start();
      h.upload(data, { window: Infinity });
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.ws.pauses).toBeGreaterThan(0);
      expect(h.drive.held(URI).equals(data)).toBe(true);
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });
      expect(await h.violations()).toEqual([]);
    });
  });

  describe('rewind and resume', () => {
    /** Drive keeps 1500 bytes of the first request: the client is sent back to 1024, the last frame end at or before. */
    async function rewound(size = 2 * PUT_SPAN) {
      const data = randomBytes(size);
      const h = harness({ size });
      h.drive.faults.push({ keepOnly: 1500 });
      await h.session.start();
      h.sendAll(data.subarray(0, PUT_SPAN));
      expect(await until(() => h.ws.messages('rewind').length > 0)).toBe(true);
      return { data, h };
    }

    it('drops frames between a rewind and the resume, then takes the resent ones', async () => {
      const { data, h } = await rewound();
      expect(h.ws.messages('rewind')).toEqual([{ type: 'rewind', offset: CHUNK, reason: 'STORAGE_RETRY' }]);
      const receivedAtRewind = h.ws.messages('received').length;
      // Frames the client sent before it saw the rewind: dropped whatever their size or bytes.
      h.ws.frame(randomBytes(CHUNK));
      h.ws.frame(randomBytes(7));
      await tick(10);
      expect(h.outcome()).toBeUndefined();
      expect(h.ws.messages('received')).toHaveLength(receivedAtRewind);
      h.ws.text(JSON.stringify({ type: 'resume', offset: CHUNK }));
      h.sendAll(data, CHUNK);
      expect(await h.settled()).toEqual({ type: 'success', value: '/api/v1/download/stream/file-1', file_id: 'file-1' });
      expect(h.drive.held(URI).equals(data)).toBe(true);
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });
      // Bytes Drive kept are hashed, not resent: the next request starts where Drive is.
      expect(h.client.openPut.mock.calls).toEqual([
        [URI, 0, PUT_SPAN, data.length],
        [URI, 1500, PUT_SPAN, data.length],
        [URI, 1500 + PUT_SPAN, data.length - 1500 - PUT_SPAN, data.length],
      ]);
      expect(h.ws.messages('received').slice(receivedAtRewind, receivedAtRewind + 2)).toEqual([
        { type: 'received', offset: 1500 },
        { type: 'received', offset: 2 * CHUNK },
      ]);
      expect(await h.violations()).toEqual([]);
    });

    it('a resume naming another offset than the rewind is BAD_CHUNK', async () => {
      const { h } = await rewound();
      h.ws.text(JSON.stringify({ type: 'resume', offset: 1500 }));
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.BAD_CHUNK, value: `A resume must name the offset of the last rewind (${CHUNK}).` });
      expect(h.ws.closeCode).toBe(1008);
      expect(h.ledger.end).not.toHaveBeenCalled();
    });

    it.each([['{"type":"resume","offset":0}'], ['{"type":"resume"}'], ['{"type":"resume","offset":"1024"}']])('a resume without a rewind (%s) is BAD_CHUNK', async (text) => {
      const h = harness({ size: 2 * CHUNK });
      await h.session.start();
      h.ws.text(text);
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.BAD_CHUNK, value: 'A resume must name the offset of the last rewind (none).' });
    });

    it('a resume answering an older rewind is stale, not wrong', async () => {
      const { data, h } = await rewound(3 * PUT_SPAN);
      // The second request (from 1500) keeps 3000 bytes: back to 4096, the last frame end at or before 4500.
      h.drive.faults.push({ keepOnly: 3000 });
      h.ws.text(JSON.stringify({ type: 'resume', offset: CHUNK }));
      h.sendAll(data.subarray(0, 6 * CHUNK), CHUNK);
      expect(await until(() => h.ws.messages('rewind').length === 2)).toBe(true);
      expect(h.ws.messages('rewind')[1]).toEqual({ type: 'rewind', offset: PUT_SPAN, reason: 'STORAGE_RETRY' });
      h.ws.text(JSON.stringify({ type: 'resume', offset: CHUNK }));
      h.ws.text(JSON.stringify({ type: 'resume', offset: PUT_SPAN }));
      h.ws.text(JSON.stringify({ type: 'resume', offset: PUT_SPAN }));
      h.sendAll(data, PUT_SPAN);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.drive.held(URI).equals(data)).toBe(true);
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });
      expect(await h.violations()).toEqual([]);
    });

    it('a client that ignores the rewind gets no further', async () => {
      const data = randomBytes(2 * PUT_SPAN);
      const h = harness({ size: data.length });
      h.drive.faults.push({ keepOnly: 1500 });
      await h.session.start();
      h.upload(data, { followRewind: false });
      expect(await until(() => h.ws.messages('rewind').length > 0)).toBe(true);
      await tick(20);
      expect(h.outcome()).toBeUndefined();
      expect(h.client.openPut).toHaveBeenCalledTimes(1);
      expect(h.drive.held(URI)).toHaveLength(1500);
    });
  });
});
