import { UploadErrorCode } from '@ddx/contracts';
import { randomBytes } from 'node:crypto';

import { CHUNK, harness, honestDrive, md5Hex, md5StateOf } from '../../testing/upload-socket-harness';

/**
 * What the session promises about the bytes: the file Drive ends up with is
 * compared with what was sent (size and MD5), a resumed upload continues the
 * hash from the checkpoint matching Drive's offset, and a mismatch ends the
 * upload with CHECKSUM_MISMATCH and deletes the stored copy.
 */
describe('UploadSocketSession integrity', () => {
  it('completes a fresh upload with the MD5 Drive reports and tells the client each committed offset', async () => {
    const data = randomBytes(2 * CHUNK + 100);
    const h = harness({ size: data.length });
    await h.session.start();
    expect(h.ws.sent[0]).toEqual({ type: 'ready', offset: 0, chunk_size: CHUNK, size: data.length });
    expect(h.events.publish).toHaveBeenCalledWith({ type: 'upload.started', fileId: 'file-1', filename: 'f.bin', size: data.length, resumedAt: 0 });
    h.sendAll(data);
    expect(await h.settled()).toEqual({ type: 'success', value: '/api/v1/download/stream/file-1', file_id: 'file-1' });
    expect(h.ws.sent.filter((m) => m.type === 'progress')).toEqual([
      { type: 'progress', value: Math.floor((100 * CHUNK) / data.length), offset: CHUNK },
      { type: 'progress', value: Math.floor((200 * CHUNK) / data.length), offset: 2 * CHUNK },
      { type: 'progress', value: 100, offset: data.length },
    ]);
    expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file', md5: md5Hex(data), sizeBytes: data.length });
    expect(h.events.publish).toHaveBeenCalledWith({ type: 'upload.completed', fileId: 'file-1', filename: 'f.bin', size: data.length });
    expect(h.pool.reportSuccess).toHaveBeenCalledWith('acc-1');
    expect(h.ws.closeCode).toBe(1000);
    expect(h.client.deleteFile).not.toHaveBeenCalled();
    // The first chunk is the only one that may fail over; every PUT carries the file size.
    expect(h.client.putChunk.mock.calls.map((c) => [c[0], c[1], (c[2] as Buffer).length, c[3]])).toEqual([
      ['session-uri', 0, CHUNK, data.length],
      ['session-uri', CHUNK, CHUNK, data.length],
      ['session-uri', 2 * CHUNK, 100, data.length],
    ]);
  });

  it('ends with CHECKSUM_MISMATCH and deletes the stored file when Drive holds other bytes', async () => {
    const data = randomBytes(CHUNK + 10);
    const drive = honestDrive(data.length);
    const h = harness({
      size: data.length,
      put: async (uri, offset, body) => {
        const r = await drive.put(uri, offset, body);
        return r.done ? { done: true, file: { ...r.file, md5Checksum: md5Hex(Buffer.from('other')) } } : r;
      },
    });
    await h.session.start();
    h.sendAll(data);
    expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.CHECKSUM_MISMATCH, value: 'The stored file did not match what was sent. Please upload it again.' });
    expect(h.client.deleteFile).toHaveBeenCalledWith('drive-file');
    expect(h.ledger.end).toHaveBeenCalledWith('file-1', 'failed', UploadErrorCode.CHECKSUM_MISMATCH);
    expect(h.ledger.complete).not.toHaveBeenCalled();
    expect(h.events.publish).toHaveBeenCalledWith({ type: 'upload.failed', fileId: 'file-1', code: UploadErrorCode.CHECKSUM_MISMATCH });
    expect(h.ws.closeCode).toBe(1011);
  });

  it('ends with CHECKSUM_MISMATCH when the stored size differs, even with a matching MD5', async () => {
    const data = randomBytes(CHUNK);
    const h = harness({ size: data.length, put: async () => ({ done: true, file: { id: 'drive-file', name: 'f', size: String(CHUNK + 1), md5Checksum: md5Hex(data) } as never }) });
    await h.session.start();
    h.sendAll(data);
    expect(await h.settled()).toMatchObject({ type: 'error', code: UploadErrorCode.CHECKSUM_MISMATCH });
    expect(h.client.deleteFile).toHaveBeenCalledWith('drive-file');
  });

  it('still reports the mismatch when deleting the stored copy fails', async () => {
    const data = randomBytes(CHUNK);
    const h = harness({ size: data.length, put: async () => ({ done: true, file: { id: 'drive-file', name: 'f', size: String(CHUNK), md5Checksum: 'x'.repeat(32) } as never }) });
    h.client.deleteFile.mockRejectedValue(new Error('gone'));
    await h.session.start();
    h.sendAll(data);
    expect(await h.settled()).toMatchObject({ type: 'error', code: UploadErrorCode.CHECKSUM_MISMATCH });
  });

  it('records the MD5 it computed when Drive reports none', async () => {
    const data = randomBytes(CHUNK + 5);
    const h = harness({ size: data.length, put: async (_u, offset, body) => (offset + body.length === data.length ? { done: true, file: { id: 'd', name: 'f', size: String(data.length) } as never } : { done: false, committed: offset + body.length }) });
    await h.session.start();
    h.sendAll(data);
    expect(await h.settled()).toMatchObject({ type: 'success' });
    expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'd', md5: md5Hex(data), sizeBytes: data.length });
  });

  it('tells the client the upload is no longer active when the ledger refuses to complete it', async () => {
    const data = randomBytes(10);
    const h = harness({ size: data.length });
    h.ledger.complete.mockResolvedValue(null);
    await h.session.start();
    h.sendAll(data);
    expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.UPLOAD_NOT_ACTIVE, value: 'This upload is no longer active.' });
    expect(h.ws.closeCode).toBe(1008);
    // Not ending the upload: whoever ended it already recorded how.
    expect(h.ledger.end).not.toHaveBeenCalled();
  });

  it('a failing success report does not turn a stored file into an error', async () => {
    const data = randomBytes(10);
    const h = harness({ size: data.length });
    h.pool.reportSuccess.mockRejectedValue(new Error('redis down'));
    await h.session.start();
    h.sendAll(data);
    expect(await h.settled()).toMatchObject({ type: 'success' });
  });

  describe('resuming from a checkpoint', () => {
    const data = randomBytes(4 * CHUNK);
    /** A checkpoint of three offsets, as saved while the chunk 1024–2048 was in flight and 2048–3072 was queued. */
    async function checkpoint() {
      return {
        committedBytes: CHUNK,
        md5State: await md5StateOf(data.subarray(0, CHUNK)),
        pendingEnd: 2 * CHUNK,
        pendingMd5State: await md5StateOf(data.subarray(0, 2 * CHUNK)),
        nextEnd: 3 * CHUNK,
        nextMd5State: await md5StateOf(data.subarray(0, 3 * CHUNK)),
      };
    }

    it.each([
      ['the committed offset', CHUNK],
      ['the pending chunk end', 2 * CHUNK],
      ['the next chunk end', 3 * CHUNK],
    ])('continues the hash from the state saved for %s', async (_what, at) => {
      const drive = honestDrive(data.length, data.subarray(0, at));
      const h = harness({ size: data.length, committed: at, file: await checkpoint(), put: drive.put });
      await h.session.start();
      expect(h.ws.sent[0]).toEqual({ type: 'ready', offset: at, chunk_size: CHUNK, size: data.length });
      expect(h.events.publish).toHaveBeenCalledWith(expect.objectContaining({ type: 'upload.started', resumedAt: at }));
      h.sendAll(data, at);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', expect.objectContaining({ md5: md5Hex(data) }));
      expect(h.client.putChunk.mock.calls[0]?.[1]).toBe(at);
    });

    it('catches bytes that differ from the ones hashed before the reconnect', async () => {
      // Drive holds other bytes before the checkpoint than the ones the hash covers.
      const other = Buffer.concat([randomBytes(2 * CHUNK), data.subarray(2 * CHUNK)]);
      const drive = honestDrive(data.length, other.subarray(0, 2 * CHUNK));
      const h = harness({ size: data.length, committed: 2 * CHUNK, file: await checkpoint(), put: drive.put });
      await h.session.start();
      h.sendAll(data, 2 * CHUNK);
      expect(await h.settled()).toMatchObject({ type: 'error', code: UploadErrorCode.CHECKSUM_MISMATCH });
    });

    it.each([
      ['md5State', CHUNK],
      ['pendingMd5State', 2 * CHUNK],
      ['nextMd5State', 3 * CHUNK],
    ])('without %s for Drive offset %i, only the size is checked', async (field, at) => {
      const drive = honestDrive(data.length, data.subarray(0, at));
      const h = harness({
        size: data.length,
        committed: at,
        file: { ...(await checkpoint()), [field]: null },
        put: async (u, o, b) => {
          const r = await drive.put(u, o, b);
          // Drive's MD5 cannot be checked against a hash that was lost.
          return r.done ? { done: true, file: { ...r.file, md5Checksum: 'f'.repeat(32) } } : r;
        },
      });
      await h.session.start();
      h.sendAll(data, at);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', expect.objectContaining({ md5: 'f'.repeat(32) }));
    });

    it('with no state for the offset Drive is at, only the size is checked', async () => {
      const drive = honestDrive(data.length, data.subarray(0, CHUNK + 1));
      const h = harness({ size: data.length, committed: CHUNK + 1, file: await checkpoint(), put: drive.put });
      h.client.putChunk.mockImplementation(async (u: string, o: number, b: Buffer) => {
        const r = await drive.put(u, o, b);
        return r.done ? { done: true, file: { ...r.file, md5Checksum: 'e'.repeat(32) } } : r;
      });
      await h.session.start();
      expect(h.ws.sent[0]).toMatchObject({ type: 'ready', offset: CHUNK + 1 });
      h.sendAll(Buffer.concat([Buffer.alloc(CHUNK + 1), data.subarray(CHUNK + 1)]), CHUNK + 1);
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', expect.objectContaining({ md5: 'e'.repeat(32) }));
    });
  });

  describe('Drive already holding the whole file (a lost success)', () => {
    const data = randomBytes(3 * CHUNK);
    const stored = (md5: string) => ({ done: true as const, file: { id: 'drive-file', name: 'f', size: String(data.length), md5Checksum: md5 } as never });

    it.each([
      ['nextEnd', { nextEnd: 3 * CHUNK, nextMd5State: 'FULL', pendingEnd: 2 * CHUNK, pendingMd5State: 'PART', committedBytes: CHUNK, md5State: 'PART' }],
      ['pendingEnd', { nextEnd: null, nextMd5State: null, pendingEnd: 3 * CHUNK, pendingMd5State: 'FULL', committedBytes: 2 * CHUNK, md5State: 'PART' }],
      ['committedBytes', { nextEnd: 2 * CHUNK, nextMd5State: 'PART', pendingEnd: CHUNK, pendingMd5State: 'PART', committedBytes: 3 * CHUNK, md5State: 'FULL' }],
    ])('compares with the state saved at the file size (%s)', async (_what, shape) => {
      const full = await md5StateOf(data);
      const part = await md5StateOf(data.subarray(0, CHUNK));
      const file = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v === 'FULL' ? full : v === 'PART' ? part : v]));

      const good = harness({ size: data.length, file });
      good.client.queryCommitted.mockResolvedValue(stored(md5Hex(data)));
      await good.session.start();
      expect(good.ws.sent[0]).toEqual({ type: 'ready', offset: data.length, chunk_size: CHUNK, size: data.length });
      expect(await good.settled()).toMatchObject({ type: 'success' });
      expect(good.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'drive-file', md5: md5Hex(data), sizeBytes: data.length });
      expect(good.client.putChunk).not.toHaveBeenCalled();

      const bad = harness({ size: data.length, file });
      bad.client.queryCommitted.mockResolvedValue(stored(md5Hex(data.subarray(1))));
      await bad.session.start();
      expect(await bad.settled()).toMatchObject({ type: 'error', code: UploadErrorCode.CHECKSUM_MISMATCH });
    });

    it('with no state at the file size, accepts the size alone', async () => {
      const h = harness({ size: data.length, file: { committedBytes: CHUNK, md5State: await md5StateOf(data.subarray(0, CHUNK)), pendingEnd: 2 * CHUNK, pendingMd5State: 'x', nextEnd: null, nextMd5State: null } });
      h.client.queryCommitted.mockResolvedValue(stored('a'.repeat(32)));
      await h.session.start();
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', expect.objectContaining({ md5: 'a'.repeat(32) }));
    });

    it('with no MD5 from Drive and no saved state, records an empty MD5', async () => {
      const h = harness({ size: data.length });
      h.client.queryCommitted.mockResolvedValue({ done: true, file: { id: 'drive-file', name: 'f', size: String(data.length) } });
      await h.session.start();
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', expect.objectContaining({ md5: '' }));
    });
  });

  describe('an empty file', () => {
    it('is finished with one empty PUT and the MD5 of nothing', async () => {
      const h = harness({ size: 0, put: async () => ({ done: true, file: { id: 'e', name: 'f', size: '0', md5Checksum: 'd41d8cd98f00b204e9800998ecf8427e' } as never }) });
      await h.session.start();
      expect(await h.settled()).toMatchObject({ type: 'success' });
      expect(h.client.putChunk).toHaveBeenCalledWith('session-uri', 0, Buffer.alloc(0), 0);
      expect(h.ledger.complete).toHaveBeenCalledWith('file-1', { driveFileId: 'e', md5: 'd41d8cd98f00b204e9800998ecf8427e', sizeBytes: 0 });
    });

    it('is a mismatch when Drive stores something else for it', async () => {
      const h = harness({ size: 0, put: async () => ({ done: true, file: { id: 'e', name: 'f', size: '0', md5Checksum: '0'.repeat(32) } as never }) });
      await h.session.start();
      expect(await h.settled()).toMatchObject({ type: 'error', code: UploadErrorCode.CHECKSUM_MISMATCH });
    });

    it('is a storage error when Drive does not finish it', async () => {
      const h = harness({ size: 0, put: async () => ({ done: false, committed: 0 }) });
      await h.session.start();
      expect(await h.settled()).toEqual({ type: 'error', code: UploadErrorCode.STORAGE_ERROR, value: 'Storage did not accept the empty file.' });
      expect(h.ws.closeCode).toBe(1011);
      expect(h.ledger.end).not.toHaveBeenCalled();
    });
  });
});
