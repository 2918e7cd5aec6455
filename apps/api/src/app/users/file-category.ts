import { FileCategory } from '@ddx/contracts';

const DOCUMENT_TYPES = new Set([
  'application/pdf',
  'application/msword',
  'application/rtf',
  'application/epub+zip',
  'application/json',
  'application/xml',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
]);
const DOCUMENT_TYPE_PREFIXES = ['text/', 'application/vnd.openxmlformats-officedocument.', 'application/vnd.oasis.opendocument.'];

const EXTENSIONS: Record<Exclude<FileCategory, 'other'>, readonly string[]> = {
  documents: ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'odt', 'ods', 'odp', 'rtf', 'txt', 'md', 'csv', 'json', 'xml', 'epub'],
  images: ['jpg', 'jpeg', 'png', 'gif', 'webp', 'bmp', 'tif', 'tiff', 'svg', 'heic', 'heif', 'avif', 'ico'],
  videos: ['mp4', 'mkv', 'mov', 'avi', 'webm', 'wmv', 'flv', 'm4v', 'mpg', 'mpeg', '3gp'],
  audio: ['mp3', 'wav', 'flac', 'aac', 'ogg', 'oga', 'm4a', 'wma', 'opus'],
};

/** Content types that say nothing about the file; the extension decides then. */
export const GENERIC_CONTENT_TYPES: readonly string[] = ['', 'application/octet-stream', 'binary/octet-stream', 'application/x-download'];

/** The user-facing bucket of a file, by MIME type, falling back to the extension. */
export function fileCategoryOf(contentType: string | null | undefined, filename?: string | null): FileCategory {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type.startsWith('image/')) return 'images';
  if (type.startsWith('video/')) return 'videos';
  if (type.startsWith('audio/')) return 'audio';
  if (DOCUMENT_TYPES.has(type) || DOCUMENT_TYPE_PREFIXES.some((p) => type.startsWith(p))) return 'documents';
  if (!GENERIC_CONTENT_TYPES.includes(type)) return 'other';
  const ext = /\.([a-z0-9]{1,8})$/i.exec(filename ?? '')?.[1]?.toLowerCase();
  if (!ext) return 'other';
  for (const [category, list] of Object.entries(EXTENSIONS) as Array<[FileCategory, readonly string[]]>) {
    if (list.includes(ext)) return category;
  }
  return 'other';
}
