import { z } from 'zod';

/** Bytes per WebSocket frame: a multiple of Drive's 256 KiB chunk granularity. */
export const UPLOAD_CHUNK_SIZE = 4 * 1024 * 1024;
/** Frames a client may have in flight beyond the last `received` offset. */
export const UPLOAD_MAX_FRAMES_IN_FLIGHT = 2;

export const UploadErrorCode = {
  TYPE_BLOCKED: 'TYPE_BLOCKED',
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  NO_STORAGE_AVAILABLE: 'NO_STORAGE_AVAILABLE',
  MAINTENANCE: 'MAINTENANCE',
  UPLOAD_TOKEN_INVALID: 'UPLOAD_TOKEN_INVALID',
  UPLOAD_IN_PROGRESS: 'UPLOAD_IN_PROGRESS',
  UPLOAD_NOT_ACTIVE: 'UPLOAD_NOT_ACTIVE',
  BAD_CHUNK: 'BAD_CHUNK',
  CANCELLED: 'CANCELLED',
  SESSION_EXPIRED: 'SESSION_EXPIRED',
  CHECKSUM_MISMATCH: 'CHECKSUM_MISMATCH',
  STORAGE_ERROR: 'STORAGE_ERROR',
} as const;
export type UploadErrorCode = (typeof UploadErrorCode)[keyof typeof UploadErrorCode];

export const fileStatusSchema = z.enum(['pending', 'uploading', 'completed', 'failed', 'cancelled', 'deleted']);
export type FileStatus = z.infer<typeof fileStatusSchema>;
export const backupStatusSchema = z.enum(['none', 'queued', 'in_progress', 'completed', 'failed']);
export type BackupStatus = z.infer<typeof backupStatusSchema>;

const uploadFileSpec = z
  .object({
    filename: z.string().trim().min(1, 'filename is required').max(1024),
    size: z
      .number()
      .int('size must be a whole number of bytes')
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .describe('Exact size in bytes'),
    content_type: z.string().trim().max(255).default('application/octet-stream'),
  })
  .strict();

export const initiateUploadRequestSchema = uploadFileSpec.meta({ id: 'InitiateUploadRequest' });
export type InitiateUploadRequest = z.input<typeof initiateUploadRequestSchema>;

export const initiateUploadResponseSchema = z
  .object({
    file_id: z.string().uuid(),
    upload_url: z.string().describe('WebSocket path: /ws_api/upload/<file_id>'),
    upload_token: z.string().describe('Opaque, for this one upload; send in X-Upload-Token for a socket ticket or a cancel'),
    chunk_size: z.number().int(),
    expires_at: z.string().datetime(),
    filename: z.string().describe('The name as stored, after sanitising'),
  })
  .meta({ id: 'InitiateUploadResponse' });
export type InitiateUploadResponse = z.infer<typeof initiateUploadResponseSchema>;

export const batchInitiateRequestSchema = z
  .object({ files: z.array(uploadFileSpec).min(1).max(100) })
  .strict()
  .meta({ id: 'BatchInitiateRequest' });
export type BatchInitiateRequest = z.input<typeof batchInitiateRequestSchema>;

export const batchInitiateResponseSchema = z
  .object({ batch_id: z.string().uuid(), files: z.array(initiateUploadResponseSchema) })
  .meta({ id: 'BatchInitiateResponse' });
export type BatchInitiateResponse = z.infer<typeof batchInitiateResponseSchema>;

export const cancelUploadRequestSchema = z.object({ upload_token: z.string().optional() }).strict();

/** Server → client WebSocket messages (JSON text frames). */
export const uploadServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), offset: z.number().int(), chunk_size: z.number().int(), size: z.number().int() }),
  z.object({ type: z.literal('progress'), value: z.number().int().min(0).max(100), offset: z.number().int() }),
  /** Bytes the server has taken from the socket and passed on; the client's send window counts from here. */
  z.object({ type: z.literal('received'), offset: z.number().int() }),
  /** Frames after byte `offset` were dropped: send `{"type":"resume","offset":offset}`, then frames from there. */
  z.object({ type: z.literal('rewind'), offset: z.number().int(), reason: z.enum(['STORAGE_RETRY', 'SESSION_RESTARTED']) }),
  z.object({ type: z.literal('success'), value: z.string(), file_id: z.string() }),
  z.object({ type: z.literal('error'), code: z.string(), value: z.string() }),
]);
export type UploadServerMessage = z.infer<typeof uploadServerMessageSchema>;

/** Client → server text frames (binary frames carry the bytes). */
export const uploadClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('cancel') }),
  /** The answer to `rewind`: every binary frame after this message starts at `offset`. */
  z.object({ type: z.literal('resume'), offset: z.number().int().min(0) }),
]);
export type UploadClientMessage = z.infer<typeof uploadClientMessageSchema>;

export const quotaInfoResponseSchema = z
  .object({
    scope: z.enum(['user', 'anonymous']),
    max_file_size_bytes: z.number().int(),
    daily_limit_bytes: z.number().int(),
    daily_used_bytes: z.number().int(),
    daily_remaining_bytes: z.number().int(),
    storage_quota_bytes: z.number().int().nullable(),
    storage_used_bytes: z.number().int().nullable(),
    storage_remaining_bytes: z.number().int().nullable(),
    resets_at: z.string().datetime().describe('Start of the next UTC day'),
  })
  .meta({ id: 'QuotaInfo' });
export type QuotaInfo = z.infer<typeof quotaInfoResponseSchema>;

/** What anyone may see about a file: never the uploader, IP, Drive ids or paths. */
export const publicFileSchema = z
  .object({
    file_id: z.string(),
    filename: z.string(),
    size: z.number().int(),
    content_type: z.string(),
    status: fileStatusSchema,
    created_at: z.string().datetime(),
    completed_at: z.string().datetime().nullable(),
    download_url: z.string().nullable(),
    batch_id: z.string().nullable(),
  })
  .meta({ id: 'PublicFile' });
export type PublicFile = z.infer<typeof publicFileSchema>;

export const paginationQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const fileHistoryResponseSchema = z
  .object({ items: z.array(publicFileSchema), total: z.number().int(), page: z.number().int(), limit: z.number().int() })
  .meta({ id: 'FileHistory' });
export type FileHistory = z.infer<typeof fileHistoryResponseSchema>;
