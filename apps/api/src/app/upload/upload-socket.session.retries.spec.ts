import { UploadErrorCode } from '@ddx/contracts';
import { ChunkResult } from '@ddx/server-drive';
import { randomBytes } from 'node:crypto';

import { CHUNK, driveError, harness, honestDrive } from '../../testing/upload-socket-harness';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

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

afterEach(() => jest.restoreAllMocks());

/** Backoff between Drive attempts, a socket closed while waiting, flow control, and what is sent after a close. */
describe('UploadSocketSession retries and flow', () => {
  it('backs off exponentially from retryBaseMs between attempts', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const waits = recordSleeps();
    const h = harness({ size: CHUNK, maxAttempts: 3 });
    h.deps.retryBaseMs = 1000;
    h.client.queryCommitted.mockRejectedValueOnce(driveError('transient')).mockRejectedValueOnce(driveError('transient')).mockResolvedValue({ done: false, committed: 0 });
    await h.session.start();
    expect(h.ws.sent[0]).toMatchObject({ type: 'ready' });
    expect(waits).toEqual([1000, 2000]);
  });

  it('jitters the backoff between 75 % and 125 %', async () => {
    const waits = recordSleeps();
    const h = harness({ size: CHUNK, maxAttempts: 3 });
    h.deps.retryBaseMs = 1000;
    h.client.queryCommitted.mockRejectedValueOnce(driveError('transient')).mockRejectedValueOnce(driveError('transient')).mockResolvedValue({ done: false, committed: 0 });
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
      .mockRejectedValueOnce(driveError('rate_limited'))
      .mockResolvedValue({ done: false, committed: 0 });
    await h.session.start();
    expect(waits).toEqual([5000, 30_000, 4000]);
  });

  it('waits the backoff of the round before asking Drive for the offset after a broken PUT', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const waits = recordSleeps();
    const data = randomBytes(CHUNK);
    const drive = honestDrive(data.length);
    let broke = 0;
    const h = harness({ size: data.length, maxAttempts: 3, put: async (u, o, b) => (++broke <= 2 ? Promise.reject(driveError('transient')) : drive.put(u, o, b)) });
    h.deps.retryBaseMs = 1000;
    await h.session.start();
    h.ws.frame(data);
    expect(await h.settled()).toMatchObject({ type: 'success' });
    expect(waits).toEqual([1000, 2000]);
    // A broken PUT is not retried as such: Drive is asked first.
    expect(h.client.queryCommitted).toHaveBeenCalledTimes(3);
  });

  it('stops retrying a chunk once the socket is closed, without sending anything', async () => {
    const h = harness({ size: CHUNK, put: async () => Promise.reject(driveError('rate_limited', { retryAfterMs: 30 })) });
    await h.session.start();
    h.ws.frame(randomBytes(CHUNK));
    await tick(10);
    h.ws.close(1001);
    const sentAtClose = h.ws.sent.length;
    await tick(80);
    expect(h.client.putChunk).toHaveBeenCalledTimes(1);
    expect(h.ws.sent).toHaveLength(sentAtClose);
    expect(h.events.publish).not.toHaveBeenCalledWith(expect.objectContaining({ type: 'upload.failed' }));
    expect(h.lock.release).toHaveBeenCalledTimes(1);
  });

  it('keeps asking Drive for the status after the socket closed', async () => {
    const h = harness({ size: CHUNK });
    h.client.queryCommitted
      .mockImplementationOnce(async () => {
        h.ws.close(1001);
        throw driveError('transient');
      })
      .mockResolvedValue({ done: false, committed: 0 });
    await h.session.start();
    expect(h.client.queryCommitted).toHaveBeenCalledTimes(2);
    expect(h.ws.sent).toEqual([]);
  });

  it('resumes reading as soon as the queue is back at the frames in flight', async () => {
    const data = randomBytes(4 * CHUNK);
    const drive = honestDrive(data.length);
    const pending: Array<() => void> = [];
    const h = harness({ size: data.length, put: (u, o, b) => new Promise<ChunkResult>((r) => pending.push(() => r(drive.put(u, o, b) as never))) });
    await h.session.start();
    h.sendAll(data.subarray(0, 3 * CHUNK));
    for (let i = 0; i < 100 && !pending.length; i++) await tick(2);
    expect(h.ws.isPaused).toBe(true);
    pending.shift()?.();
    for (let i = 0; i < 100 && pending.length === 0; i++) await tick(2);
    expect(h.ws.isPaused).toBe(false);
  });

  it('publishes progress to admins at most once a second', async () => {
    let now = 10_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const data = randomBytes(4 * CHUNK);
    const h = harness({ size: data.length });
    await h.session.start();
    const progressEvents = () => h.events.publish.mock.calls.filter((c) => c[0].type === 'upload.progress').map((c) => c[0].offset);
    const sendFrame = async (i: number) => {
      h.ws.frame(data.subarray(i * CHUNK, (i + 1) * CHUNK));
      for (let t = 0; t < 100 && !h.ws.sent.some((m) => m.offset === (i + 1) * CHUNK); t++) await tick(2);
    };
    await sendFrame(0);
    now += 999;
    await sendFrame(1);
    now += 1;
    await sendFrame(2);
    expect(progressEvents()).toEqual([CHUNK, 3 * CHUNK]);
    expect(h.events.publish).toHaveBeenCalledWith({ type: 'upload.progress', fileId: 'file-1', offset: CHUNK, size: data.length });
  });

  it('a PUT failing after the client left closes nothing twice', async () => {
    let reject!: (e: unknown) => void;
    const h = harness({ size: CHUNK, put: () => new Promise<ChunkResult>((_r, j) => (reject = j)) });
    await h.session.start();
    h.ws.frame(randomBytes(CHUNK));
    for (let i = 0; i < 100 && !reject; i++) await tick(2);
    h.ws.close(1006);
    const sentAtClose = h.ws.sent.length;
    reject(driveError('bad_request'));
    await tick(20);
    expect(h.ws.closeCode).toBe(1006);
    expect(h.lock.release).toHaveBeenCalledTimes(1);
    expect(h.ws.sent).toHaveLength(sentAtClose);
    // The refusal still ends the upload.
    expect(h.ledger.end).toHaveBeenCalledWith('file-1', 'failed', UploadErrorCode.STORAGE_ERROR);
  });

  it('a failing ledger still tells the client why the upload ended', async () => {
    const h = harness({ size: CHUNK, put: async () => Promise.reject(driveError('not_found')) });
    h.ledger.end.mockRejectedValue(new Error('mongo down'));
    await h.session.start();
    h.ws.frame(randomBytes(CHUNK));
    expect(await h.settled()).toMatchObject({ type: 'error', code: UploadErrorCode.SESSION_EXPIRED });
  });

  it('a cancel waits for the PUT in flight, then ends the upload and stops reading', async () => {
    let finish!: () => void;
    const data = randomBytes(2 * CHUNK);
    const drive = honestDrive(data.length);
    const h = harness({ size: data.length, put: (u, o, b) => new Promise<ChunkResult>((r) => (finish = () => r(drive.put(u, o, b) as never))) });
    await h.session.start();
    h.ws.frame(data.subarray(0, CHUNK));
    for (let i = 0; i < 100 && !finish; i++) await tick(2);
    h.ws.text('{"type":"cancel"}');
    await tick(10);
    expect(h.ws.isPaused).toBe(true);
    expect(h.ledger.end).not.toHaveBeenCalled();
    finish();
    expect(await h.settled()).toMatchObject({ type: 'error', code: UploadErrorCode.CANCELLED });
    expect(h.ledger.end).toHaveBeenCalledWith('file-1', 'cancelled', 'CANCELLED');
  });

  it('a hash lost on resume checkpoints an empty state and no pending state', async () => {
    const data = randomBytes(2 * CHUNK);
    const h = harness({ size: data.length, committed: 100, put: honestDrive(data.length, data.subarray(0, 100)).put });
    await h.session.start();
    h.ws.frame(data.subarray(100, 100 + CHUNK));
    for (let i = 0; i < 100 && !h.files.saveProgress.mock.calls.length; i++) await tick(2);
    expect(h.files.saveProgress).toHaveBeenCalledWith('file-1', { committedBytes: 100, md5State: '', pendingEnd: 100 + CHUNK, pendingMd5State: null, nextEnd: null, nextMd5State: null });
  });
});
