import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A single-upload secret; only its hash is stored. */
export function newUploadToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashUploadToken(token) };
}

export function hashUploadToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function uploadTokenMatches(token: string | null | undefined, hash: string | null): boolean {
  if (!token || !hash) return false;
  const a = Buffer.from(hashUploadToken(token), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
