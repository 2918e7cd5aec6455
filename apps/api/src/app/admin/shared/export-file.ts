import { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A download an admin export produces: streamed, never held whole in memory. */
export interface ExportFile {
  filename: string;
  contentType: string;
  chunks: AsyncIterable<string>;
}

/** Streams an export to the response as an attachment. */
export async function sendExport(res: Response, out: ExportFile): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', out.contentType);
  res.setHeader('Content-Disposition', `attachment; filename="${out.filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  await pipeline(Readable.from(out.chunks), res);
}
