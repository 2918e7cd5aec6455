import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { resolveByteRange } from '../core/content-range';
import { googleErrors } from '../core/google-error';
import { requireAccount, type ApiContext } from '../http/api-context';
import { pacedResponse } from '../http/network-profile';

/** `GET /drive/v3/files/:id?alt=media`: streams from disk; honours `Range` (206/416). */
export async function downloadFile(ctx: ApiContext): Promise<void> {
  const account = requireAccount(ctx);
  const { ex, services } = ctx;
  const file = services.files.get(account, ctx.route.fileId as string);
  if (file.size === null) throw googleErrors.fileNotDownloadable();

  const range = resolveByteRange(ex.header('range'), file.size);
  if (range.kind === 'unsatisfiable') {
    const err = googleErrors.rangeNotSatisfiable();
    ex.sendJson(416, err.toBody(), { 'Content-Range': `bytes */${file.size}` });
    return;
  }
  const start = range.kind === 'partial' ? range.start : 0;
  const end = range.kind === 'partial' ? range.end : file.size - 1;
  const headers: Record<string, string> = {
    'Content-Type': file.mimeType,
    'Content-Length': String(end - start + 1),
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'private, max-age=0',
  };
  if (range.kind === 'partial') headers['Content-Range'] = `bytes ${start}-${end}/${file.size}`;
  ex.res.writeHead(range.kind === 'partial' ? 206 : 200, headers);
  if (file.size === 0) {
    ex.res.end();
    return;
  }
  try {
    const source = createReadStream(services.blobs.blobPath(file.id), { start, end });
    // The pacing stage only exists under a cap, so the loopback path stays as lean as it was.
    if (services.network.bandwidthBytesPerSecond === null) await pipeline(source, ex.res);
    else await pipeline(source, pacedResponse(() => services.network, ex.req.socket), ex.res);
  } catch (err) {
    // A client that hangs up (or a drop fault) ends the stream early; nothing to answer.
    if (ex.dropped || ex.res.destroyed) return;
    throw err;
  }
}
