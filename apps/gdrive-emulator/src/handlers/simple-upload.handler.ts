import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { GoogleApiError, googleErrors } from '../core/google-error';
import { applyContentFaults } from '../faults/content-faults';
import {
  MalformedMultipartError,
  MultipartRelatedParser,
  boundaryFromContentType,
  type PartSink,
} from '../core/multipart-related-parser';
import {
  checkFields,
  optionalParents,
  optionalString,
  requireAccount,
  sendFile,
  type ApiContext,
} from '../http/api-context';
import type { NewFileMetadata } from '../services/file-service';
import type { AccountRecord } from '../state/types';

const METADATA_PART_LIMIT = 1024 * 1024;

/**
 * Streams media bytes to a temp file with a running MD5 and a quota check per chunk.
 * Past the quota it stops writing but keeps accepting, so the client can read the 403.
 */
class MediaReceiver {
  size = 0;
  private readonly hash = createHash('md5');

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    private readonly available: number,
  ) {}

  static async open(path: string, available: number): Promise<MediaReceiver> {
    return new MediaReceiver(await open(path, 'w'), path, available);
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.size + chunk.length > this.available) throw googleErrors.storageQuotaExceeded();
    await this.handle.write(chunk, 0, chunk.length, this.size);
    this.hash.update(chunk);
    this.size += chunk.length;
  }

  async close(): Promise<string> {
    await this.handle.close();
    return this.hash.digest('hex');
  }
}

function availableBytes(ctx: ApiContext, account: AccountRecord): number {
  const replaced = ctx.route.fileId ? (ctx.services.files.get(account, ctx.route.fileId).size ?? 0) : 0;
  return ctx.services.accounts.freeBytes(account) + replaced;
}

async function store(ctx: ApiContext, account: AccountRecord, media: MediaReceiver, sentMd5: string, meta: NewFileMetadata): Promise<void> {
  const { services, route } = ctx;
  const parents = route.fileId ? [] : services.files.resolveParents(account, meta.parents);
  const md5Checksum = await applyContentFaults(services.blobs, media.path, media.size, sentMd5, ctx.contentFaults);
  const file = await services.files.commitContent(account, media.path, { size: media.size, md5Checksum }, {
    fileId: route.fileId,
    meta,
    parents,
  });
  sendFile(ctx, file, ctx.ex.query('fields'));
}

/** `uploadType=multipart`: a JSON metadata part, then the media part (what files.create sends). */
export async function multipartUpload(ctx: ApiContext): Promise<void> {
  const account = requireAccount(ctx);
  const { ex, services } = ctx;
  checkFields(ex.query('fields'));
  const boundary = boundaryFromContentType(ex.header('content-type'));
  if (!boundary) throw googleErrors.badRequest("Bad content type. Please use multipart/related.");
  if (ctx.route.fileId) services.files.get(account, ctx.route.fileId);

  const metadataChunks: Buffer[] = [];
  let metadataSize = 0;
  const received: { meta: NewFileMetadata; mediaType: string | null; media: MediaReceiver | null } = {
    meta: {},
    mediaType: null,
    media: null,
  };
  const tempPath = services.blobs.tempPath();

  const parser = new MultipartRelatedParser(boundary, async (headers, index): Promise<PartSink> => {
    if (index === 0) {
      return {
        write: (chunk) => {
          metadataSize += chunk.length;
          if (metadataSize > METADATA_PART_LIMIT) throw googleErrors.badRequest('Metadata part is too large.');
          metadataChunks.push(chunk);
        },
        end: () => {
          received.meta = parseMetadataPart(Buffer.concat(metadataChunks));
          // Parents are checked before the media arrives, so a bad folder costs no upload.
          if (!ctx.route.fileId) services.files.resolveParents(account, received.meta.parents);
        },
      };
    }
    if (index === 1) {
      received.mediaType = headers['content-type'] ?? null;
      const media = await MediaReceiver.open(tempPath, availableBytes(ctx, account));
      received.media = media;
      return { write: (chunk) => media.write(chunk), end: () => undefined };
    }
    throw googleErrors.badRequest('Multipart upload must have exactly two parts: metadata and media.');
  });

  try {
    let md5Checksum = '';
    try {
      await ex.pumpBody((chunk) => parser.push(chunk));
      const parts = await parser.finish();
      if (parts !== 2) throw googleErrors.badRequest('Multipart upload must have exactly two parts: metadata and media.');
    } catch (err) {
      if (err instanceof MalformedMultipartError) throw googleErrors.badRequest(err.message);
      throw err;
    } finally {
      if (received.media) md5Checksum = await received.media.close();
    }
    if (!received.media) throw googleErrors.badRequest('Multipart upload must have exactly two parts: metadata and media.');
    await store(ctx, account, received.media, md5Checksum, {
      ...received.meta,
      mimeType: received.meta.mimeType || received.mediaType || 'application/octet-stream',
    });
  } catch (err) {
    await services.blobs.remove(tempPath);
    throw err;
  }
}

/** `uploadType=media`: the raw bytes only; the file gets Drive's default name "Untitled". */
export async function mediaUpload(ctx: ApiContext): Promise<void> {
  const account = requireAccount(ctx);
  const { ex, services } = ctx;
  checkFields(ex.query('fields'));
  const tempPath = services.blobs.tempPath();
  const media = await MediaReceiver.open(tempPath, availableBytes(ctx, account));
  try {
    let md5Checksum: string;
    try {
      await ex.pumpBody((chunk) => media.write(chunk));
    } finally {
      md5Checksum = await media.close();
    }
    const contentType = ex.header('content-type');
    await store(ctx, account, media, md5Checksum, {
      name: ctx.route.fileId ? null : 'Untitled',
      mimeType: ctx.route.fileId ? null : contentType || 'application/octet-stream',
    });
  } catch (err) {
    await services.blobs.remove(tempPath);
    throw err;
  }
}

/** `uploadType` missing or unknown on the upload URL. */
export async function invalidUploadType(ctx: ApiContext): Promise<void> {
  await ctx.ex.drain();
  throw googleErrors.invalidParameter('uploadType', `Invalid value for uploadType: ${ctx.ex.query('uploadType') ?? '(missing)'}. Use media, multipart or resumable.`);
}

function parseMetadataPart(raw: Buffer): NewFileMetadata {
  if (raw.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new GoogleApiError(400, 'Parse Error', [{ domain: 'global', reason: 'parseError', message: 'Parse Error' }]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw googleErrors.badRequest('Invalid JSON payload received. Expected an object.');
  }
  const record = parsed as Record<string, unknown>;
  return {
    name: optionalString(record['name'], 'name'),
    mimeType: optionalString(record['mimeType'], 'mimeType'),
    parents: optionalParents(record['parents']),
  };
}
