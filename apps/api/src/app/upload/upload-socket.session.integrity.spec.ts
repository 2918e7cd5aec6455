import { UploadErrorCode } from '@ddx/contracts';
import { randomBytes } from 'node:crypto';

import { CHUNK, digestOfState, driveError, harness, md5Hex, md5StateOf, md5Thread, PUT_SPAN, until } from '../../testing/upload-socket-harness';

afterAll(() => md5Thread().stop());

const URI = 'acc-1/session-1';
const MISMATCH = { type: 'error', code: UploadErrorCode.CHECKSUM_MISMATCH, value: 'The stored file did not match what was sent. Please upload it again.' };
const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

/**
 * What the session promises about the bytes: the file Drive ends up with is
 * compared with what was sent (size and MD5), bytes Drive lost are sent again
 * from the last known hash state, a resumed upload hashes what Drive already
 * holds instead of resending it, and a mismatch deletes the stored copy.
 */
describe('UploadSocketSession integrity', () => {
  describe('the stored file', () => {
    it('ends with CHECKSUM_MISMATCH and deletes the stored file when Drive reports another MD5', async () => {
      const data = randomBytes(PUT_SPAN + 10);
      const h = harness({ size: data.length });
      h.drive.reportMd5 = md5Hex(Buffer.from('other'));
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toEqual(MISMATCH);
      expect(h.client.deleteFile).toHaveBeenCalledWith('drive-file-1');
      expect(h.ledger.end).toHaveBeenCalledWith('file-1', 'failed', UploadErrorCode.CHECKSUM_MISMATCH);
      expect(h.ledger.complete).not.toHaveBeenCalled();
      expect(h.pool.reportSuccess).not.toHaveBeenCalled();
      expect(h.events.publish).toHaveBeenCalledWith({ type: 'upload.failed', fileId: 'file-1', code: UploadErrorCode.CHECKSUM_MISMATCH });
      expect(h.events.publish).not.toHaveBeenCalledWith(expect.objectContaining({ type: 'upload.completed' }));
      expect(h.ws.messages('success')).toEqual([]);
      expect(h.ws.closeCode).toBe(1011);
    });

    it('ends with CHECKSUM_MISMATCH when the stored size differs, even with a matching MD5', async () => {
      const data = randomBytes(CHUNK);
      const h = harness({ size: data.length });
      h.drive.reportSize = CHUNK + 1;
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toEqual(MISMATCH);
      expect(h.client.deleteFile).toHaveBeenCalledWith('drive-file-1');
      expect(h.ledger.end).toHaveBeenCalledWith('file-1', 'failed', UploadErrorCode.CHECKSUM_MISMATCH);
    });

    it('still reports the mismatch when deleting the stored copy fails', async () => {
      const data = randomBytes(CHUNK);
      const h = harness({ size: data.length });
      h.drive.reportMd5 = 'x'.repeat(32);
      h.client.deleteFile.mockRejectedValue(new Error('gone'));
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toEqual(MISMATCH);
      expect(h.ledger.end).toHaveBeenCalledWith('file-1', 'failed', UploadErrorCode.CHECKSUM_MISMATCH);
    });

    it('records the MD5 it computed when Drive reports none', async () => {
      const data = randomBytes(PUT_SPAN + 5);
      const h = harness({ size: data.length });
      h.drive.reportMd5 = null;
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });
    });

    it('tells the client the upload is no longer active when the ledger refuses to complete it', async () => {
      const data = randomBytes(10);
      const h = harness({ size: data.length });
      h.ledger.complete.mockResolvedValue(null);
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.UPLOAD_NOT_ACTIVE, value: 'This upload is no longer active.' });
      expect(h.ws.closeCode).toBe(1008);
      // Not ending the upload: whoever ended it already recorded how.
      expect(h.ledger.end).not.toHaveBeenCalled();
      expect(h.ws.messages('success')).toEqual([]);
    });

    it('a failing success report does not turn a stored file into an error', async () => {
      const data = randomBytes(10);
      const h = harness({ size: data.length });
      h.pool.reportSuccess.mockRejectedValue(new Error('redis down'));
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.ws.messages('error')).toEqual([]);
    });
  });

  describe('bytes Drive lost on the way', () => {
    it('a long request cut in the middle: Drive is asked, the client rewound to the last known state, and the file completes byte for byte', async () => {
      const data = randomBytes(3 * PUT_SPAN);
      const h = harness({ size: data.length });
      // The second request breaks 2.5 frames in; Drive keeps 2000 of its bytes (a prefix of what it received).
      h.drive.faults.push({}, { fail: { error: driveError('transient'), after: 2560, keep: 2000 } });
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toEqual({ type: 'success', value: '/api/v1/download/stream/file-1', file_id: 'file-1' });
      // Drive holds 6096: the last hash state at or before it is the frame end 5120.
      expect(h.ws.messages('rewind')).toEqual([{ type: 'rewind', offset: PUT_SPAN + CHUNK, reason: 'STORAGE_RETRY' }]);
      expect(h.client.openPut.mock.calls).toEqual([
        [URI, 0, PUT_SPAN, data.length],
        [URI, PUT_SPAN, PUT_SPAN, data.length],
        [URI, PUT_SPAN + 2000, PUT_SPAN, data.length],
        [URI, 2 * PUT_SPAN + 2000, PUT_SPAN - 2000, data.length],
      ]);
      expect(h.client.queryCommitted).toHaveBeenCalledTimes(2);
      expect(h.drive.held(URI).equals(data)).toBe(true);
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });
      expect(h.ws.messages('error')).toEqual([]);
      // The point resumed from is saved as the new request opens.
      const saved = h.files.saveProgress.mock.calls.map((c) => c[1].committedBytes);
      expect(saved).toEqual([0, PUT_SPAN, PUT_SPAN + 2000, 2 * PUT_SPAN + 2000]);
      expect(await h.violations()).toEqual([]);
    });

    it('Drive keeping less than a whole request sends the client back and completes the file', async () => {
      const data = randomBytes(2 * PUT_SPAN);
      const h = harness({ size: data.length });
      h.drive.faults.push({ keepOnly: 3000 });
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.ws.messages('rewind')).toEqual([{ type: 'rewind', offset: 2 * CHUNK, reason: 'STORAGE_RETRY' }]);
      expect(h.ws.messages('progress')[0]).toEqual({ type: 'progress', value: Math.floor((100 * (3000 + PUT_SPAN)) / data.length), offset: 3000 + PUT_SPAN });
      expect(h.drive.held(URI).equals(data)).toBe(true);
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });
      expect(await h.violations()).toEqual([]);
    });

    // A windowed client stops two frames after the last `received`: the rest of the body never
    // comes, so a request that broke early must be noticed without it.
    it('a request cut in its first frames is noticed without waiting for the rest of its body', async () => {
      const data = randomBytes(2 * PUT_SPAN);
      const h = harness({ size: data.length });
      h.drive.faults.push({ fail: { error: driveError('transient'), after: 500 } });
      await h.session.start();
      h.upload(data);
      try {
        expect(await h.settled()).toMatchObject({ type: 'success' });
        expect(h.drive.held(URI).equals(data)).toBe(true);
      } finally {
        h.ws.close(1006);
      }
    });
  });

  describe('resuming from a checkpoint', () => {
    const data = randomBytes(3 * PUT_SPAN);

    it('hashes the bytes Drive holds beyond the checkpoint instead of sending them again', async () => {
      const driveAt = PUT_SPAN + 1500;
      const h = harness({ size: data.length, held: data.subarray(0, driveAt), file: { committedBytes: PUT_SPAN, md5State: await md5StateOf(data.subarray(0, PUT_SPAN)) } });
      await h.session.start();
      expect(h.ws.sent[0]).toEqual({ type: 'ready', offset: PUT_SPAN, chunk_size: CHUNK, size: data.length });
      expect(h.events.publish).toHaveBeenCalledWith({ type: 'upload.started', fileId: 'file-1', filename: 'f.bin', size: data.length, resumedAt: PUT_SPAN });
      h.upload(data);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.client.openPut.mock.calls[0]).toEqual([URI, driveAt, PUT_SPAN, data.length]);
      expect(h.ws.messages('received').slice(0, 3)).toEqual([
        { type: 'received', offset: PUT_SPAN + CHUNK },
        { type: 'received', offset: driveAt },
        { type: 'received', offset: PUT_SPAN + 2 * CHUNK },
      ]);
      expect(h.drive.held(URI).equals(data)).toBe(true);
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });
      // The checkpoint moves to where Drive was once the first request opens there.
      const first = h.files.saveProgress.mock.calls[0]?.[1];
      expect(first?.committedBytes).toBe(driveAt);
      expect(await digestOfState(first?.md5State ?? null)).toBe(md5Hex(data.subarray(0, driveAt)));
      expect(await h.violations()).toEqual([]);
    });

    it('a checkpoint exactly at Drive\'s offset sends nothing twice', async () => {
      const h = harness({ size: data.length, held: data.subarray(0, PUT_SPAN), file: { committedBytes: PUT_SPAN, md5State: await md5StateOf(data.subarray(0, PUT_SPAN)) } });
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.client.openPut.mock.calls[0]).toEqual([URI, PUT_SPAN, PUT_SPAN, data.length]);
      // Already saved there: the next save is the next request end.
      expect(h.files.saveProgress.mock.calls[0]?.[1]).toMatchObject({ committedBytes: 2 * PUT_SPAN });
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });
    });

    /** Saved offsets CHUNK, 2·CHUNK and 3·CHUNK (the fields of older checkpoints included). */
    async function threeStates(overrides: Record<string, unknown> = {}) {
      return {
        committedBytes: CHUNK,
        md5State: await md5StateOf(data.subarray(0, CHUNK)),
        pendingEnd: 2 * CHUNK,
        pendingMd5State: await md5StateOf(data.subarray(0, 2 * CHUNK)),
        nextEnd: 3 * CHUNK,
        nextMd5State: await md5StateOf(data.subarray(0, 3 * CHUNK)),
        ...overrides,
      };
    }

    it.each([
      ['Drive before every saved offset', CHUNK - 1, {}, 0],
      ['Drive at the committed offset', CHUNK, {}, CHUNK],
      ['Drive between pendingEnd and nextEnd', 2 * CHUNK + 500, {}, 2 * CHUNK],
      ['Drive at nextEnd', 3 * CHUNK, {}, 3 * CHUNK],
      ['Drive beyond every saved offset', 3 * CHUNK + 1, {}, 3 * CHUNK],
      ['nextEnd without a state', 3 * CHUNK, { nextMd5State: null }, 2 * CHUNK],
      ['pendingEnd without an offset', 2 * CHUNK + 500, { pendingEnd: null }, CHUNK],
      ['only md5State', 2 * CHUNK + 500, { pendingEnd: null, pendingMd5State: null, nextEnd: null, nextMd5State: null }, CHUNK],
      ['md5State empty', CHUNK, { md5State: '' }, 0],
    ])('resumes at the best saved state at or before what Drive holds (%s)', async (_what, driveAt, overrides, readyAt) => {
      const h = harness({ size: data.length, held: data.subarray(0, driveAt), file: await threeStates(overrides) });
      await h.session.start();
      expect(h.ws.sent[0]).toEqual({ type: 'ready', offset: readyAt, chunk_size: CHUNK, size: data.length });
      h.upload(data);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.client.openPut.mock.calls[0]?.[1]).toBe(driveAt);
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });
      expect(await h.violations()).toEqual([]);
    });

    it('catches bytes Drive holds that differ from the ones hashed before the reconnect', async () => {
      const other = Buffer.concat([randomBytes(2 * CHUNK), data.subarray(2 * CHUNK)]);
      const h = harness({ size: data.length, held: other.subarray(0, 2 * CHUNK), file: await threeStates() });
      await h.session.start();
      h.upload(data);
      expect(await h.settled()).toEqual(MISMATCH);
      expect(h.client.deleteFile).toHaveBeenCalledWith('drive-file-1');
    });

    it('with no saved state, hashes everything Drive holds from byte 0 and still checks the whole file', async () => {
      const other = Buffer.concat([randomBytes(100), data.subarray(100)]);
      const good = harness({ size: data.length, held: data.subarray(0, 2500) });
      await good.session.start();
      expect(good.ws.sent[0]).toMatchObject({ type: 'ready', offset: 0 });
      good.upload(data);
      expect(await good.settled()).toMatchObject({ type: 'success' });
      expect(good.client.openPut.mock.calls[0]).toEqual([URI, 2500, PUT_SPAN, data.length]);
      expect(good.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });

      const bad = harness({ size: data.length, held: other.subarray(0, 2500) });
      await bad.session.start();
      bad.upload(data);
      expect(await bad.settled()).toEqual(MISMATCH);
    });
  });

  describe('Drive already holding the whole file (a lost success)', () => {
    const data = randomBytes(3 * CHUNK);

    it.each([
      ['nextEnd', { nextEnd: 3 * CHUNK, nextMd5State: 'FULL', pendingEnd: 2 * CHUNK, pendingMd5State: 'PART', committedBytes: CHUNK, md5State: 'PART' }],
      ['pendingEnd', { nextEnd: null, nextMd5State: null, pendingEnd: 3 * CHUNK, pendingMd5State: 'FULL', committedBytes: 2 * CHUNK, md5State: 'PART' }],
      ['committedBytes', { nextEnd: 2 * CHUNK, nextMd5State: 'PART', pendingEnd: CHUNK, pendingMd5State: 'PART', committedBytes: 3 * CHUNK, md5State: 'FULL' }],
    ])('compares with the state saved at the file size (%s)', async (_what, shape) => {
      const full = await md5StateOf(data);
      const part = await md5StateOf(data.subarray(0, CHUNK));
      const file = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v === 'FULL' ? full : v === 'PART' ? part : v]));

      const good = harness({ size: data.length, held: data, file });
      await good.session.start();
      expect(good.ws.sent[0]).toEqual({ type: 'ready', offset: data.length, chunk_size: CHUNK, size: data.length });
      expect(await good.settled()).toEqual({ type: 'success', value: '/api/v1/download/stream/file-1', file_id: 'file-1' });
      expect(good.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: md5Hex(data), sizeBytes: data.length });
      expect(good.client.openPut).not.toHaveBeenCalled();
      expect(good.events.publish).toHaveBeenCalledWith({ type: 'upload.completed', fileId: 'file-1', filename: 'f.bin', size: data.length });

      const bad = harness({ size: data.length, held: data, file });
      bad.drive.reportMd5 = md5Hex(data.subarray(1));
      await bad.session.start();
      expect(await bad.settled()).toEqual(MISMATCH);
      expect(bad.client.deleteFile).toHaveBeenCalledWith('drive-file-1');
    });

    it('with no state at the file size, accepts the size alone', async () => {
      const h = harness({ size: data.length, held: data, file: { committedBytes: CHUNK, md5State: await md5StateOf(data.subarray(0, CHUNK)), pendingEnd: 2 * CHUNK, pendingMd5State: 'x', nextEnd: null, nextMd5State: null } });
      h.drive.reportMd5 = 'a'.repeat(32);
      await h.session.start();
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: 'a'.repeat(32), sizeBytes: data.length });
    });

    it('with a wrong size, is a mismatch even without a state', async () => {
      const h = harness({ size: data.length, held: data });
      h.drive.reportSize = data.length - 1;
      await h.session.start();
      expect(await h.settled()).toEqual(MISMATCH);
    });

    it('with no MD5 from Drive and no saved state, records an empty MD5', async () => {
      const h = harness({ size: data.length, held: data });
      h.drive.reportMd5 = null;
      await h.session.start();
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: '', sizeBytes: data.length });
    });
  });

  describe('an empty file', () => {
    it('is stored with a one-request upload in the account folder, with the MD5 of nothing, and its session dropped', async () => {
      const h = harness({ size: 0 });
      await h.session.start();
      expect(await h.settled()).toEqual({ type: 'success', value: '/api/v1/download/stream/file-1', file_id: 'file-1' });
      expect(h.ws.sent[0]).toEqual({ type: 'ready', offset: 0, chunk_size: CHUNK, size: 0 });
      expect(h.client.openPut).not.toHaveBeenCalled();
      expect(h.client.uploadSmallFile).toHaveBeenCalledWith({ name: 'f.bin', mimeType: 'application/octet-stream', parents: ['folder-of-acc-1'], body: Buffer.alloc(0) });
      expect(h.client.cancelSession).toHaveBeenCalledWith(URI);
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file-1', md5: EMPTY_MD5, sizeBytes: 0 });
    });

    it('is a mismatch when Drive stores something else for it, and the stored copy is deleted', async () => {
      const h = harness({ size: 0 });
      h.drive.reportMd5 = '0'.repeat(32);
      await h.session.start();
      expect(await h.settled()).toEqual(MISMATCH);
      expect(h.drive.deleted).toEqual(['drive-file-1']);
      expect(h.ledger.end).toHaveBeenCalledWith('file-1', 'failed', UploadErrorCode.CHECKSUM_MISMATCH);
    });

    it('moves to another account when this one refuses it', async () => {
      const h = harness({ size: 0 });
      h.client.uploadSmallFile.mockRejectedValueOnce(driveError('storage_full', { status: 403 }));
      await h.session.start();
      expect(await h.settled()).toEqual({ type: 'success', value: '/api/v1/download/stream/file-1', file_id: 'file-1' });
      expect(h.pool.openSession).toHaveBeenCalledTimes(1);
      expect(h.client2.uploadSmallFile).toHaveBeenCalledTimes(1);
    });

    it('is a storage error, the upload kept, when Drive keeps failing', async () => {
      const h = harness({ size: 0 });
      h.client.uploadSmallFile.mockRejectedValue(driveError('transient', { status: 503 }));
      await h.session.start();
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.STORAGE_ERROR, value: 'Storage is not answering right now; reconnect to resume the upload.' });
      expect(h.ws.closeCode).toBe(1011);
      expect(h.client.uploadSmallFile).toHaveBeenCalledTimes(3);
      expect(h.ledger.end).not.toHaveBeenCalled();
      expect(await until(() => h.lock.release.mock.calls.length > 0)).toBe(true);
    });
  });
});
