import type { Readable } from 'node:stream';

export const FOLDER_MIME_TYPE = 'application/vnd.google-apps.folder';

/** Drive's chunk granularity: every resumable chunk but the last is a multiple of this. */
export const RESUMABLE_CHUNK_ALIGNMENT = 256 * 1024;

export interface DriveFileMetadata {
  id: string;
  name: string;
  mimeType: string;
  /** Bytes; null for folders. */
  size: number | null;
  md5Checksum: string | null;
  createdTime: string | null;
  parents: string[];
  trashed: boolean;
}

/** The file Drive returns when an upload completes. */
export interface DriveUploadedFile {
  id: string;
  name: string | null;
  mimeType: string | null;
  size: number;
  md5Checksum: string | null;
}

/** Answer to a chunk or a status query: bytes committed so far, or the finished file. */
export type ChunkResult = { done: false; committed: number } | { done: true; file: DriveUploadedFile };

export interface ResumableSessionInput {
  name: string;
  size: number;
  mimeType?: string;
  parents?: string[];
}

export interface DriveAbout {
  /** Bytes; null when the account has unlimited storage. */
  limit: number | null;
  usage: number;
  usageInDrive: number;
  usageInDriveTrash: number;
  email: string | null;
}

export interface DriveDownload {
  stream: Readable;
  status: 200 | 206;
  /** Bytes in this response body. */
  contentLength: number | null;
  /** Size of the whole file (from Content-Range for 206). */
  totalSize: number | null;
  contentRange: string | null;
  mimeType: string | null;
}

export interface ByteRange {
  /** First byte, inclusive (default 0). */
  start?: number;
  /** Last byte, inclusive (default: end of file). */
  end?: number;
}
