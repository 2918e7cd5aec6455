import { FileRepository } from '@ddx/server-database';
import Redis from 'ioredis';

import { RateLimiter } from '../auth';
import { UploadAdmission } from './upload-admission';
import { UPLOAD_SETTINGS_DEFAULTS } from './upload-settings';

const settings = { ...UPLOAD_SETTINGS_DEFAULTS, uploadInitiationsPerHourPerClient: 3, maxUploadsInProgress: 2 };
const anonymous = { userId: null, ip: '203.0.113.9' };

function setup(options: { allowedHits: number; inProgress: number; redisDown?: boolean }) {
  let hits = 0;
  const limiter = {
    hit: jest.fn(async () => {
      hits++;
      return { allowed: hits <= options.allowedHits, count: hits, retryAfterMs: 600_000 };
    }),
    refund: jest.fn(async () => undefined),
  };
  const files = { countInProgress: jest.fn(async () => options.inProgress) };
  const redis = {
    set: jest.fn(async () => (options.redisDown ? Promise.reject(new Error('connect ECONNREFUSED')) : 'OK')),
    eval: jest.fn(async () => 1),
  };
  const admission = new UploadAdmission(limiter as unknown as RateLimiter, files as unknown as FileRepository, redis as unknown as Redis);
  return { admission, limiter, files, redis };
}

describe('UploadAdmission', () => {
  it('a batch past the hourly allowance gives back every hit it took, the refused one included', async () => {
    const { admission, limiter, files } = setup({ allowedHits: 1, inProgress: 0 });
    await expect(admission.admit(anonymous, settings, 3)).rejects.toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(limiter.hit).toHaveBeenCalledTimes(2);
    expect(limiter.refund).toHaveBeenCalledTimes(2);
    expect(files.countInProgress).not.toHaveBeenCalled();
  });

  it('counts anonymous uploads by IP and signed-in ones by user', async () => {
    const { admission, files } = setup({ allowedHits: 10, inProgress: 0 });
    await (await admission.admit(anonymous, settings, 1)).release();
    await (await admission.admit({ userId: 'u1', ip: '203.0.113.9' }, settings, 1)).release();
    expect(files.countInProgress.mock.calls).toEqual([[{ ownerId: null, ip: '203.0.113.9' }], [{ ownerId: 'u1' }]]);
  });

  it('without Redis, uploads still start (unserialised) and the in-progress cap still holds', async () => {
    const open = setup({ allowedHits: 10, inProgress: 1, redisDown: true });
    await expect(open.admission.admit(anonymous, settings, 1)).resolves.toHaveProperty('release');
    const full = setup({ allowedHits: 10, inProgress: 2, redisDown: true });
    await expect(full.admission.admit(anonymous, settings, 1)).rejects.toMatchObject({ code: 'TOO_MANY_UPLOADS_IN_PROGRESS', status: 429 });
  });

  it('a batch larger than the cap itself is told to send fewer files', async () => {
    const { admission } = setup({ allowedHits: 10, inProgress: 0 });
    await expect(admission.admit(anonymous, settings, 3)).rejects.toMatchObject({
      code: 'TOO_MANY_UPLOADS_IN_PROGRESS',
      message: 'At most 2 uploads can be in progress at once and this batch has 3 files. Please upload at most 2 at a time.',
    });
  });
});
