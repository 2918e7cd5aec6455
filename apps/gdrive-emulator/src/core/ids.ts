import { randomBytes } from 'node:crypto';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** Drive file ids are 33 url-safe characters; products sometimes validate the shape. */
export function newFileId(): string {
  let id = '1';
  for (const byte of randomBytes(32)) id += ID_ALPHABET[byte & 63];
  return id;
}

export const newUploadId = (): string => `AD${randomToken(45)}`;
export const newAccessToken = (): string => `ya29.${randomToken(48)}`;
export const newRefreshToken = (): string => `1//${randomToken(45)}`;
export const newAccountId = (): string => `acc_${randomToken(9)}`;
export const newAuthCode = (): string => `4/${randomToken(36)}`;
