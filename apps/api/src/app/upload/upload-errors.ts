import { ErrorCode, UploadErrorCode } from '@ddx/contracts';

import { AppException } from '../common/app-exception';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export function formatBytes(bytes: number): string {
  if (bytes >= GiB) return `${+(bytes / GiB).toFixed(2)} GiB`;
  if (bytes >= MiB) return `${+(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

export const UploadErrors = {
  maintenance: (message: string) => new AppException(503, UploadErrorCode.MAINTENANCE, message),
  tooManyFiles: (max: number) => new AppException(400, ErrorCode.VALIDATION, `A batch can hold at most ${max} files.`),
  anonymousClosed: () => new AppException(401, ErrorCode.UNAUTHORIZED, 'Please sign in to upload files.'),
  typeBlocked: (what: string) => new AppException(400, UploadErrorCode.TYPE_BLOCKED, `Files of type ${what} are not allowed for security reasons.`),
  tooLarge: (max: number) => new AppException(413, UploadErrorCode.FILE_TOO_LARGE, `This file is larger than the ${formatBytes(max)} limit per file.`),
  dailyQuota: (limit: number, remaining: number) =>
    new AppException(
      403,
      UploadErrorCode.QUOTA_EXCEEDED,
      `Daily upload limit reached: ${formatBytes(remaining)} of your ${formatBytes(limit)} per day is left. It resets at midnight UTC.`,
    ),
  storageQuota: (remaining: number) =>
    new AppException(403, UploadErrorCode.QUOTA_EXCEEDED, `Not enough storage space: ${formatBytes(Math.max(0, remaining))} of your storage quota is left.`),
  noStorage: () => new AppException(503, UploadErrorCode.NO_STORAGE_AVAILABLE, 'No storage is available for a file of this size right now. Please try again later.'),
  storageError: () => new AppException(503, UploadErrorCode.STORAGE_ERROR, 'The storage service did not respond. Please try again shortly.'),
  notFound: () => new AppException(404, ErrorCode.NOT_FOUND, 'This upload does not exist.'),
  forbidden: () => new AppException(403, UploadErrorCode.UPLOAD_TOKEN_INVALID, 'You cannot cancel this upload.'),
  notActive: () => new AppException(409, UploadErrorCode.UPLOAD_NOT_ACTIVE, 'This upload has already finished.'),
};
