import { FileDoc, FileRepository } from '@ddx/server-database';
import { UploadLedger } from '@ddx/server-uploads';

import { strictMock } from '../../testing/strict-mock';
import { hashUploadToken, newUploadToken, uploadTokenMatches } from './upload-token';
import { UploadService } from './upload.service';

const A = newUploadToken();
const B = newUploadToken();

const FILES: Record<string, Partial<FileDoc>> = {
  'file-a': { _id: 'file-a', ownerId: null, uploadTokenHash: A.hash },
  'file-b': { _id: 'file-b', ownerId: null, uploadTokenHash: B.hash },
  'file-owned': { _id: 'file-owned', ownerId: 'u1', uploadTokenHash: hashUploadToken('owned') },
};

function setup() {
  const files = strictMock<FileRepository>('files', { findById: jest.fn(async (id: string) => (FILES[id] as FileDoc) ?? null) });
  const releaser = strictMock<UploadLedger>('releaser', { end: jest.fn(async () => true) });
  // Built positionally: cancelling needs only the files and the ledger.
  const Service = UploadService as unknown as new (...deps: unknown[]) => UploadService;
  return { service: new Service(null, files, null, null, null, null, releaser, null), releaser };
}

const anon = { userId: null, ip: '198.51.100.1' };

describe('an upload token opens its own upload only', () => {
  it('matches the token it was made with and nothing else', () => {
    expect(uploadTokenMatches(A.token, A.hash)).toBe(true);
    expect(uploadTokenMatches(B.token, A.hash)).toBe(false);
    expect(uploadTokenMatches(A.hash, A.hash)).toBe(false); // the stored hash is not itself a token
    expect(uploadTokenMatches('', A.hash)).toBe(false);
    expect(uploadTokenMatches(undefined, A.hash)).toBe(false);
    expect(uploadTokenMatches(A.token, null)).toBe(false);
    expect(uploadTokenMatches(A.token, 'abcd')).toBe(false); // a malformed stored hash is a refusal, not a crash
    expect(A.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('cancels with the token of the same upload and refuses the token of another upload', async () => {
    const { service, releaser } = setup();
    await expect(service.cancel('file-b', anon, A.token)).rejects.toMatchObject({ status: 403, code: 'UPLOAD_TOKEN_INVALID' });
    await expect(service.cancel('file-a', anon, undefined)).rejects.toMatchObject({ status: 403, code: 'UPLOAD_TOKEN_INVALID' });
    expect(releaser.end).not.toHaveBeenCalled();
    await expect(service.cancel('file-a', anon, A.token)).resolves.toBeUndefined();
    expect(releaser.end).toHaveBeenCalledWith('file-a', 'cancelled', 'CANCELLED');
  });

  it('lets the owner cancel without the token, and no other signed-in user', async () => {
    const { service } = setup();
    await expect(service.cancel('file-owned', { userId: 'u2', ip: '198.51.100.1' }, undefined)).rejects.toMatchObject({ status: 403 });
    await expect(service.cancel('file-owned', { userId: 'u1', ip: '198.51.100.1' }, undefined)).resolves.toBeUndefined();
    // An anonymous upload has no owner: a null user id is not its owner.
    await expect(service.cancel('file-a', anon, undefined)).rejects.toMatchObject({ status: 403 });
  });

  it('says 404 for an unknown upload and 409 for one already ended', async () => {
    const { service, releaser } = setup();
    await expect(service.cancel('nope', anon, A.token)).rejects.toMatchObject({ status: 404 });
    releaser.end.mockResolvedValueOnce(false);
    await expect(service.cancel('file-a', anon, A.token)).rejects.toMatchObject({ status: 409, code: 'UPLOAD_NOT_ACTIVE' });
  });
});
