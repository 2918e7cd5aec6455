import { z } from 'zod';

import { ApiRoutes } from './routes';

export const DownloadErrorCode = {
  FILE_UNAVAILABLE: 'FILE_UNAVAILABLE',
  RANGE_NOT_SATISFIABLE: 'RANGE_NOT_SATISFIABLE',
} as const;

export const previewTypeSchema = z.enum(['image', 'video', 'audio', 'document', 'text', 'none']);
export type PreviewType = z.infer<typeof previewTypeSchema>;

/** Public view of a shared file: never the uploader, IP, Drive ids or backup paths. */
export const fileMetaSchema = z
  .object({
    file_id: z.string(),
    filename: z.string(),
    size: z.number().int(),
    content_type: z.string(),
    created_at: z.string().datetime(),
    preview_type: previewTypeSchema,
    download_url: z.string().describe('/api/v1/download/stream/<id>'),
    preview_url: z.string().nullable().describe('/api/v1/preview/stream/<id>, null when not previewable'),
    batch_id: z.string().nullable(),
  })
  .meta({ id: 'FileMeta' });
export type FileMeta = z.infer<typeof fileMetaSchema>;

export const previewMetaSchema = z
  .object({
    file_id: z.string(),
    preview_type: previewTypeSchema,
    /** The content type the preview is served with (text/plain for text-like files). */
    content_type: z.string(),
    supports_range: z.boolean(),
    preview_url: z.string().nullable(),
  })
  .meta({ id: 'PreviewMeta' });
export type PreviewMeta = z.infer<typeof previewMetaSchema>;

export const batchViewSchema = z
  .object({
    batch_id: z.string(),
    created_at: z.string().datetime(),
    files: z.array(fileMetaSchema),
    total_size: z.number().int(),
    zip_url: z.string().describe('/api/v1/batch/download-zip/<id>'),
  })
  .meta({ id: 'BatchView' });
export type BatchView = z.infer<typeof batchViewSchema>;

export const DownloadRoutes = {
  stream: (id: string) => `/api/v1/download/stream/${id}`,
  previewMeta: (id: string) => `/api/v1/preview/meta/${id}`,
  previewStream: (id: string) => `/api/v1/preview/stream/${id}`,
  fileMeta: (id: string) => `/api/v1/files/${id}/meta`,
  deleteFile: (id: string) => `/api/v1/files/${id}`,
  batch: (id: string) => `/api/v1/batch/${id}`,
  batchZip: (id: string) => `/api/v1/batch/download-zip/${id}`,
  batchCancel: (id: string) => `/api/v1/batch/cancel/${id}`,
} as const;

export const UploadRoutes = {
  initiate: '/api/v1/upload/initiate',
  batchInitiate: '/api/v1/batch/initiate',
  cancel: (id: string) => `/api/v1/upload/cancel/${id}`,
  quotaInfo: '/api/v1/upload/quota-info',
  history: '/api/v1/files/me/history',
  /** `POST` with `X-Upload-Token` → a single-use ticket for `socket(id)`. */
  ticket: (id: string) => ApiRoutes.wsTickets.upload.replace(':file_id', encodeURIComponent(id)),
  /** WebSocket path; append `?ticket=<ticket>`. */
  socket: (id: string) => `/ws_api/upload/${id}`,
} as const;
