import { Readable } from 'node:stream';
import type { OAuth2Client } from 'google-auth-library';
// The per-API entry point of googleapis: the same generated Drive client as `google.drive`,
// without loading the ~300 other APIs (about 1 s of start-up per process).
import { drive as createDrive, type drive_v3 } from 'googleapis/build/src/apis/drive';
import { createDriveAuth, normalizeApiRoot } from './drive-auth';
import { DRIVE_SCOPE, type DriveCredential } from './drive-credential';
import { DriveError } from './drive-error';
import { toDriveError } from './drive-error-mapper';
import {
  FOLDER_MIME_TYPE,
  type ByteRange,
  type ChunkResult,
  type DriveAbout,
  type DriveDownload,
  type DriveFileMetadata,
  type DriveUploadedFile,
  type ResumableSessionInput,
} from './drive-types';
import { mediaGet } from './media-get';
import { headerOf } from './response-headers';
import { StreamedPut } from './streamed-put';

export interface DriveClientOptions {
  credential: DriveCredential;
  /** `https://www.googleapis.com/` (default) or the emulator's root, e.g. `http://127.0.0.1:4010/`. */
  apiRoot?: string;
  scopes?: string[];
  /** Per-request timeout in ms (none by default: chunk PUTs can legitimately take long). */
  timeoutMs?: number;
}

const METADATA_FIELDS = 'id,name,mimeType,size,md5Checksum,createdTime,parents,trashed';
const UPLOADED_FIELDS = 'id,name,mimeType,size,md5Checksum';

/**
 * The only code that talks to Google Drive. One instance per pool account.
 *
 * It never retries on its own (`retry: false` everywhere): the caller owns the policy
 * (status query after `transient`, backoff after `rate_limited`, next account after
 * `storage_full`…), and every failure arrives as a DriveError saying which case it is.
 */
export class DriveClient {
  readonly apiRoot: string;
  private readonly auth: OAuth2Client;
  private readonly drive: drive_v3.Drive;
  private readonly timeoutMs: number | undefined;

  constructor(options: DriveClientOptions) {
    this.apiRoot = normalizeApiRoot(options.apiRoot);
    this.auth = createDriveAuth(options.credential, this.apiRoot, options.scopes ?? [DRIVE_SCOPE]);
    this.drive = createDrive({ version: 'v3', auth: this.auth, rootUrl: this.apiRoot });
    this.timeoutMs = options.timeoutMs;
  }

  /** Opens a resumable upload and returns its session URI (a secret: store it encrypted). */
  async createResumableSession(input: ResumableSessionInput): Promise<string> {
    const mimeType = input.mimeType ?? 'application/octet-stream';
    const res = await this.call('createResumableSession', () =>
      this.auth.request({
        url: `${this.apiRoot}upload/drive/v3/files`,
        method: 'POST',
        params: { uploadType: 'resumable', supportsAllDrives: true, fields: UPLOADED_FIELDS },
        headers: {
          'Content-Type': 'application/json; charset=UTF-8',
          'X-Upload-Content-Type': mimeType,
          'X-Upload-Content-Length': String(input.size),
        },
        data: { name: input.name, mimeType, ...(input.parents ? { parents: input.parents } : {}) },
        ...this.requestDefaults(),
      }),
    );
    const location = headerOf(res.headers, 'location');
    if (!location) {
      throw new DriveError({
        kind: 'transient',
        operation: 'createResumableSession',
        status: res.status,
        reason: 'missing_location',
        message: 'Drive createResumableSession failed: the answer carried no session URI',
      });
    }
    return location;
  }

  /**
   * Sends bytes `start … start+length-1` of a `total`-byte upload. Non-final chunks must be
   * multiples of 256 KiB. Drive may commit less than was sent: continue from `committed`.
   * A Readable body needs `length`; Buffers are preferred (a stream cannot be replayed if
   * the access token has to be refreshed mid-request).
   */
  async putChunk(sessionUri: string, start: number, body: Buffer | Readable, total: number, length?: number): Promise<ChunkResult> {
    const size = Buffer.isBuffer(body) ? body.length : length;
    if (size === undefined) throw new TypeError('putChunk needs the length of a stream body');
    if (size === 0) return this.queryCommitted(sessionUri, total);
    const res = await this.call('putChunk', () =>
      this.auth.request({
        url: sessionUri,
        method: 'PUT',
        headers: {
          'Content-Range': `bytes ${start}-${start + size - 1}/${total}`,
          'Content-Length': String(size),
        },
        data: body,
        validateStatus: (status) => status === 308 || (status >= 200 && status < 300),
        ...this.requestDefaults(),
      }),
    );
    return chunkResult(res.status, res.headers, res.data);
  }

  /**
   * Opens a PUT of bytes `start … start+length-1` of a `total`-byte upload whose body
   * is written as it arrives (see StreamedPut): one request can span many incoming
   * frames. `length` must be a multiple of 256 KiB unless it ends the file.
   */
  async openPut(sessionUri: string, start: number, length: number, total: number): Promise<StreamedPut> {
    const { token } = await this.call('putChunk', () => this.auth.getAccessToken());
    return new StreamedPut(
      sessionUri,
      { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Range': `bytes ${start}-${start + length - 1}/${total}` },
      length,
      this.timeoutMs,
    );
  }

  /** Asks Drive how much of the upload it holds (`bytes *\/total`); done if it has it all. */
  async queryCommitted(sessionUri: string, total?: number | null): Promise<ChunkResult> {
    const res = await this.call('queryCommitted', () =>
      this.auth.request({
        url: sessionUri,
        method: 'PUT',
        headers: { 'Content-Range': `bytes */${total ?? '*'}`, 'Content-Length': '0' },
        validateStatus: (status) => status === 308 || (status >= 200 && status < 300),
        ...this.requestDefaults(),
      }),
    );
    return chunkResult(res.status, res.headers, res.data);
  }

  /** Cancels an upload. Drive answers 499; a session that is already gone counts as cancelled. */
  async cancelSession(sessionUri: string): Promise<void> {
    await this.call('cancelSession', () =>
      this.auth.request({
        url: sessionUri,
        method: 'DELETE',
        validateStatus: (status) => status === 499 || status === 404 || (status >= 200 && status < 300),
        ...this.requestDefaults(),
      }),
    );
  }

  async about(): Promise<DriveAbout> {
    const res = await this.call('about', () => this.drive.about.get({ fields: 'storageQuota,user' }, this.methodOptions()));
    const quota = res.data.storageQuota ?? {};
    return {
      limit: quota.limit ? Number(quota.limit) : null,
      usage: Number(quota.usage ?? 0),
      usageInDrive: Number(quota.usageInDrive ?? 0),
      usageInDriveTrash: Number(quota.usageInDriveTrash ?? 0),
      email: res.data.user?.emailAddress ?? null,
    };
  }

  async getMetadata(fileId: string): Promise<DriveFileMetadata> {
    const res = await this.call('getMetadata', () =>
      this.drive.files.get({ fileId, fields: METADATA_FIELDS, supportsAllDrives: true }, this.methodOptions()),
    );
    return toMetadata(res.data);
  }

  /**
   * Streams a file's bytes, optionally a byte range (206): a plain GET on a kept-alive
   * connection whose response is the stream (see mediaGet). Errors while reading the
   * stream (a connection cut mid-download) surface on it as DriveError `transient`.
   */
  async download(fileId: string, range?: ByteRange): Promise<DriveDownload> {
    const { token } = await this.call('download', () => this.auth.getAccessToken());
    const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
    if (range && (range.start !== undefined || range.end !== undefined)) {
      headers['Range'] = `bytes=${range.start ?? 0}-${range.end ?? ''}`;
    }
    return mediaGet(`${this.apiRoot}drive/v3/files/${encodeURIComponent(fileId)}?alt=media&supportsAllDrives=true`, headers, this.timeoutMs);
  }

  async deleteFile(fileId: string): Promise<void> {
    await this.call('deleteFile', () => this.drive.files.delete({ fileId, supportsAllDrives: true }, this.methodOptions()));
  }

  /** The id of the folder `name` under `parentId` (default My Drive), created if missing. */
  async ensureFolder(name: string, parentId = 'root'): Promise<string> {
    const q = `name = '${escapeQuery(name)}' and mimeType = '${FOLDER_MIME_TYPE}' and '${escapeQuery(parentId)}' in parents and trashed = false`;
    const found = await this.call('ensureFolder', () =>
      this.drive.files.list({ q, pageSize: 1, fields: 'files(id)', supportsAllDrives: true, includeItemsFromAllDrives: true }, this.methodOptions()),
    );
    const existing = found.data.files?.[0]?.id;
    if (existing) return existing;
    const created = await this.call('ensureFolder', () =>
      this.drive.files.create(
        { requestBody: { name, mimeType: FOLDER_MIME_TYPE, parents: [parentId] }, fields: 'id', supportsAllDrives: true },
        this.methodOptions(),
      ),
    );
    return created.data.id as string;
  }

  /** Lists a folder's children (not trashed), a page at a time. */
  async listFolder(folderId: string, page: { pageSize?: number; pageToken?: string } = {}): Promise<{ files: DriveFileMetadata[]; nextPageToken: string | null }> {
    const res = await this.call('listFolder', () =>
      this.drive.files.list(
        {
          q: `'${escapeQuery(folderId)}' in parents and trashed = false`,
          pageSize: page.pageSize ?? 100,
          pageToken: page.pageToken,
          fields: `nextPageToken,files(${METADATA_FIELDS})`,
          supportsAllDrives: true,
          includeItemsFromAllDrives: true,
        },
        this.methodOptions(),
      ),
    );
    return { files: (res.data.files ?? []).map(toMetadata), nextPageToken: res.data.nextPageToken ?? null };
  }

  /** One-request (multipart) upload, for small files; big ones go through a resumable session. */
  async uploadSmallFile(input: { name: string; mimeType?: string; parents?: string[]; body: Buffer | Readable }): Promise<DriveUploadedFile> {
    const body = Buffer.isBuffer(input.body) ? Readable.from([input.body]) : input.body;
    const res = await this.call('uploadSmallFile', () =>
      this.drive.files.create(
        {
          requestBody: { name: input.name, ...(input.parents ? { parents: input.parents } : {}) },
          media: { mimeType: input.mimeType ?? 'application/octet-stream', body },
          fields: UPLOADED_FIELDS,
          supportsAllDrives: true,
        },
        // rootUrl per call: the media URL ignores the API-level rootUrl (googleapis-common).
        this.methodOptions(),
      ),
    );
    return toUploadedFile(res.data);
  }

  private methodOptions(): { rootUrl: string; retry: false; timeout?: number } {
    return { rootUrl: this.apiRoot, retry: false, ...(this.timeoutMs ? { timeout: this.timeoutMs } : {}) };
  }

  private requestDefaults(): { retry: false; timeout?: number } {
    return { retry: false, ...(this.timeoutMs ? { timeout: this.timeoutMs } : {}) };
  }

  private async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw toDriveError(err, operation);
    }
  }
}

function chunkResult(status: number, headers: unknown, data: unknown): ChunkResult {
  if (status === 308) {
    const range = headerOf(headers, 'range');
    const match = range ? /^bytes=0-(\d+)$/.exec(range) : null;
    return { done: false, committed: match ? Number(match[1]) + 1 : 0 };
  }
  return { done: true, file: toUploadedFile(typeof data === 'string' ? JSON.parse(data) : data) };
}

function toUploadedFile(data: unknown): DriveUploadedFile {
  const file = (data ?? {}) as drive_v3.Schema$File;
  return {
    id: file.id as string,
    name: file.name ?? null,
    mimeType: file.mimeType ?? null,
    size: Number(file.size ?? 0),
    md5Checksum: file.md5Checksum ?? null,
  };
}

function toMetadata(file: drive_v3.Schema$File): DriveFileMetadata {
  return {
    id: file.id as string,
    name: file.name ?? '',
    mimeType: file.mimeType ?? 'application/octet-stream',
    size: file.size !== undefined && file.size !== null ? Number(file.size) : null,
    md5Checksum: file.md5Checksum ?? null,
    createdTime: file.createdTime ?? null,
    parents: file.parents ?? [],
    trashed: file.trashed ?? false,
  };
}

function escapeQuery(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}
