import { open } from 'node:fs/promises';
import { parseUploadContentRange, type UploadContentRange } from '../core/content-range';
import { googleErrors } from '../core/google-error';
import { applyContentFaults } from '../faults/content-faults';
import {
  checkFields,
  optionalParents,
  optionalString,
  readJsonObject,
  requireAccount,
  sendFile,
  type ApiContext,
} from '../http/api-context';
import type { AccountRecord, UploadSession } from '../state/types';

/** Drive's chunk granularity: every chunk but the last is a multiple of 256 KiB. */
export const CHUNK_ALIGNMENT = 256 * 1024;

/** `POST /upload/drive/v3/files?uploadType=resumable` (or PATCH …/files/:id): opens a session. */
export async function initiateResumableUpload(ctx: ApiContext): Promise<void> {
  const account = requireAccount(ctx);
  const { ex, services } = ctx;
  const meta = await readJsonObject(ex);
  const fields = ex.query('fields');
  checkFields(fields);

  const declaredHeader = ex.header('x-upload-content-length');
  let declaredSize: number | null = null;
  if (declaredHeader !== undefined && declaredHeader !== '') {
    if (!/^\d+$/.test(declaredHeader.trim())) throw googleErrors.badRequest('Invalid X-Upload-Content-Length header.');
    declaredSize = Number(declaredHeader.trim());
  }

  const targetFileId = ctx.route.fileId;
  let parents: string[] | null = null;
  let replacedBytes = 0;
  if (targetFileId) {
    replacedBytes = services.files.get(account, targetFileId).size ?? 0;
  } else {
    parents = services.files.resolveParents(account, optionalParents(meta['parents']));
  }
  if (declaredSize !== null && declaredSize > services.accounts.freeBytes(account) + replacedBytes) {
    throw googleErrors.storageQuotaExceeded();
  }

  const session = await services.sessions.create({
    account,
    targetFileId,
    name: optionalString(meta['name'], 'name'),
    mimeType: optionalString(meta['mimeType'], 'mimeType') ?? ex.header('x-upload-content-type') ?? null,
    parents,
    declaredSize,
    fields,
  });
  const path = targetFileId ? `upload/drive/v3/files/${encodeURIComponent(targetFileId)}` : 'upload/drive/v3/files';
  ex.sendEmpty(200, {
    Location: `${ex.baseUrl}${path}?uploadType=resumable&upload_id=${session.id}`,
    'X-GUploader-UploadID': session.id,
  });
}

/** `DELETE <session>`: Drive answers a cancelled upload with 499. */
export async function cancelResumableUpload(ctx: ApiContext): Promise<void> {
  const { ex, services, session } = ctx;
  if (!session || session.state !== 'active') throw googleErrors.sessionNotFound();
  await services.sessions.forget(session.id);
  ex.res.statusMessage = 'Client Closed Request';
  ex.sendEmpty(499);
}

/** `PUT <session>`: a chunk (`bytes a-b/N`), a status query (`bytes *\/N`) or the whole body. */
export async function receiveResumableChunk(ctx: ApiContext): Promise<void> {
  const { ex, services, session } = ctx;
  if (!session) throw googleErrors.sessionNotFound();
  const account = requireAccount(ctx);

  const range = contentRangeOf(ctx, session);
  if (session.state === 'finished') {
    // Replaying the final answer lets a client that lost it learn the file id.
    await ex.drain();
    return replayFinished(ctx, account, session);
  }
  const knownTotal = session.totalSize;
  if (range.total !== null && knownTotal !== null && range.total !== knownTotal) {
    throw googleErrors.badRequest(
      `Invalid request. The total size ${range.total} in Content-Range does not match the size ${knownTotal} declared for this upload.`,
    );
  }

  if (range.kind === 'status') {
    await ex.drain();
    if (range.total !== null) session.totalSize = range.total;
    // Google documents a status query as asking, never as finishing: an unfinished session
    // answers 308 even when it holds every byte (an empty file goes as a multipart upload).
    return sendIncomplete(ctx, session);
  }

  const length = range.end - range.start + 1;
  const isFinal = range.total !== null && range.end + 1 === range.total;
  const lengthHeader = ex.header('content-length');
  if (lengthHeader !== undefined && Number(lengthHeader) !== length) {
    throw googleErrors.badRequest(`Invalid request. Content-Length ${lengthHeader} does not match Content-Range (${length} bytes).`);
  }
  if (range.start !== session.committed) {
    throw googleErrors.badRequest(
      `Invalid request. According to Content-Range header, the upload offset is ${range.start} byte(s), which does not match the already uploaded size of ${session.committed} byte(s).`,
    );
  }
  if (!isFinal && length % CHUNK_ALIGNMENT !== 0) {
    throw googleErrors.badRequest(
      `Invalid request. The number of bytes uploaded is required to be a multiple of ${CHUNK_ALIGNMENT}, except for the final request. The received request contained ${length} bytes, which does not meet this requirement.`,
    );
  }
  const runtime = services.sessions.runtimeOf(session);
  if (runtime.busy) throw googleErrors.serverError(503);

  const replaced = session.targetFileId ? (services.files.get(account, session.targetFileId).size ?? 0) : 0;
  if (range.end + 1 > services.accounts.freeBytes(account) + replaced) {
    throw googleErrors.storageQuotaExceeded();
  }
  if (range.total !== null) session.totalSize = range.total;

  const handle = await open(services.blobs.partPath(session.id), 'r+');
  runtime.busy = true;
  const chunkHash = runtime.hash && runtime.hashedBytes === session.committed ? runtime.hash.copy() : null;
  let received = 0;
  let overrun = false;
  try {
    await ex.pumpBody(async (chunk) => {
      if (received + chunk.length > length) {
        overrun = true;
        throw googleErrors.badRequest('Invalid request. The request body is longer than Content-Range states.');
      }
      await handle.write(chunk, 0, chunk.length, range.start + received);
      chunkHash?.update(chunk);
      received += chunk.length;
    });
  } catch (err) {
    await handle.close();
    runtime.busy = false;
    if (overrun) {
      await services.sessions.setCommitted(session, session.committed);
      throw err;
    }
    // The connection broke mid-chunk: like Drive, keep the 256 KiB-aligned prefix that
    // arrived; the client learns the real offset from a status query.
    const kept = Math.floor(received / CHUNK_ALIGNMENT) * CHUNK_ALIGNMENT;
    if (kept > 0) runtime.hash = null;
    await services.sessions.setCommitted(session, session.committed + kept);
    throw err;
  }
  await handle.close();
  runtime.busy = false;

  if (received !== length) {
    await services.sessions.setCommitted(session, session.committed);
    throw googleErrors.badRequest(`Invalid request. Received ${received} bytes, but Content-Range announced ${length}.`);
  }
  if (ctx.shortCommit !== undefined && length > CHUNK_ALIGNMENT) {
    const wanted = ctx.shortCommit < 0 ? length / 2 : Math.min(ctx.shortCommit, length - 1);
    const kept = Math.floor(wanted / CHUNK_ALIGNMENT) * CHUNK_ALIGNMENT;
    runtime.hash = kept > 0 ? null : runtime.hash;
    await services.sessions.setCommitted(session, session.committed + kept);
    return sendIncomplete(ctx, session);
  }
  runtime.hash = chunkHash;
  runtime.hashedBytes = chunkHash ? range.end + 1 : 0;
  session.committed = range.end + 1;
  services.state.changed();

  if (isFinal) return finalize(ctx, account, session);
  return sendIncomplete(ctx, session);
}

/** A PUT without Content-Range carries the whole file in one request. */
function contentRangeOf(ctx: ApiContext, session: UploadSession): UploadContentRange {
  const header = ctx.ex.header('content-range');
  if (header === undefined) {
    const length = ctx.ex.header('content-length');
    const size = length !== undefined ? Number(length) : session.totalSize;
    if (size === null || !Number.isSafeInteger(size)) {
      throw googleErrors.badRequest('Invalid request. Content-Range or Content-Length is required.');
    }
    return size === 0 ? { kind: 'status', total: 0 } : { kind: 'data', start: 0, end: size - 1, total: size };
  }
  const range = parseUploadContentRange(header);
  if (!range) throw googleErrors.badRequest(`Failed to parse Content-Range header.`);
  return range;
}

function sendIncomplete(ctx: ApiContext, session: UploadSession): void {
  // 308 "Resume Incomplete": Range names the stored prefix; no Range = nothing stored.
  // Never a Location header, or fetch implementations would follow it as a redirect.
  ctx.ex.res.statusMessage = 'Resume Incomplete';
  ctx.ex.sendEmpty(308, session.committed > 0 ? { Range: `bytes=0-${session.committed - 1}` } : {});
}

async function finalize(ctx: ApiContext, account: AccountRecord, session: UploadSession): Promise<void> {
  const { services } = ctx;
  const runtime = services.sessions.runtimeOf(session);
  const partPath = services.blobs.partPath(session.id);
  const sentMd5 =
    runtime.hash && runtime.hashedBytes === session.committed
      ? runtime.hash.digest('hex')
      : await services.blobs.md5Of(partPath);
  runtime.hash = null;
  const md5Checksum = await applyContentFaults(services.blobs, partPath, session.committed, sentMd5, session.contentFaults);
  const parents = session.targetFileId ? [] : services.files.resolveParents(account, session.parents);
  const file = await services.files.commitContent(
    account,
    partPath,
    { size: session.committed, md5Checksum },
    { fileId: session.targetFileId, meta: { name: session.name, mimeType: session.mimeType }, parents },
  );
  services.sessions.markFinished(session, file.id);
  sendFile(ctx, file, session.fields);
}

function replayFinished(ctx: ApiContext, account: AccountRecord, session: UploadSession): void {
  const file = ctx.services.files.get(account, session.fileId as string);
  sendFile(ctx, file, session.fields);
}
