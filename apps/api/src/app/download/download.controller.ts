import { batchViewSchema, DownloadErrorCode, errorBodySchema, fileMetaSchema, previewMetaSchema } from '@ddx/contracts';
import { FileDoc } from '@ddx/server-database';
import { Controller, Delete, Get, Head, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import archiver from 'archiver';
import { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';

import { AuthenticatedUser, clientIp, CurrentUser, UserAuthGuard } from '../auth';
import { AppException } from '../common/app-exception';
import { Contract } from '../common/contract.decorator';
import { contentDisposition, parseRange } from './byte-range';
import { DownloadService, unavailable } from './download.service';
import { FileSourceService } from './file-source.service';
import { downloadTypeFor, previewFor } from './preview-type';
import { ZipStreamSlots } from './zip-stream-slots';

const idParams = z.object({ id: z.string().min(1).max(64) });

@Controller()
export class DownloadController {
  constructor(
    private readonly downloads: DownloadService,
    private readonly sources: FileSourceService,
    private readonly zipSlots: ZipStreamSlots,
  ) {}

  @Get('download/stream/:id')
  @Contract({ summary: 'Download a shared file (Range, If-None-Match); bytes from Drive or the backup copy', tags: ['download'], params: idParams, responses: { 200: null, 206: null, 304: null, 416: null } })
  download(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve(id, req, res, 'attachment');
  }

  @Head('download/stream/:id')
  head(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve(id, req, res, 'attachment');
  }

  @Get('preview/stream/:id')
  @Contract({ summary: 'Inline preview for safe types (images, audio, video, PDF, text); sandboxed', tags: ['download'], params: idParams, responses: { 200: null, 206: null } })
  preview(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve(id, req, res, 'inline');
  }

  @Get('preview/meta/:id')
  @Contract({ summary: 'What kind of preview a file has', tags: ['download'], params: idParams, responses: { 200: previewMetaSchema } })
  previewMeta(@Param('id') id: string) {
    return this.downloads.previewMeta(id);
  }

  @Get('files/:id/meta')
  @Contract({ summary: 'Public metadata of a shared file', tags: ['download'], params: idParams, responses: { 200: fileMetaSchema } })
  meta(@Param('id') id: string) {
    return this.downloads.meta(id);
  }

  @Get('files/:id')
  @Contract({ summary: 'Public metadata of a shared file (original path)', tags: ['download'], params: idParams, responses: { 200: fileMetaSchema } })
  metaLegacy(@Param('id') id: string) {
    return this.downloads.meta(id);
  }

  @Delete('files/:id')
  @HttpCode(204)
  @UseGuards(UserAuthGuard)
  @Contract({ summary: 'Delete one of your files; the link stops working at once', tags: ['files'], params: idParams, responses: { 204: null }, auth: ['user'] })
  async remove(@Param('id') id: string, @CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.downloads.deleteOwn(id, user.id);
  }

  @Get('batch/:id')
  @Contract({ summary: 'The files of a shared batch', tags: ['download'], params: idParams, responses: { 200: batchViewSchema } })
  async batch(@Param('id') id: string) {
    return (await this.downloads.batch(id)).view;
  }

  @Post('batch/cancel/:id')
  @UseGuards(UserAuthGuard)
  @Contract({ summary: 'Cancel the unfinished uploads of your batch', tags: ['upload'], params: idParams, responses: { 201: z.object({ cancelled: z.number().int() }) }, auth: ['user'] })
  async cancelBatch(@Param('id') id: string, @CurrentUser() user: AuthenticatedUser) {
    return { cancelled: await this.downloads.cancelBatch(id, user.id) };
  }

  @Get('batch/download-zip/:id')
  @Contract({ summary: 'All files of a batch as one ZIP (entries stored), streamed; 429 past the concurrent ZIP streams per client or in all', tags: ['download'], params: idParams, responses: { 200: null, 429: errorBodySchema } })
  async zip(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { files } = await this.downloads.batch(id);
    for (const f of files) if (!(await this.sources.available(f))) throw unavailable();
    const slot = await this.zipSlots.acquire(clientIp(req));
    // 'close' comes after the last byte and after a client abort alike.
    res.once('close', () => void slot.release());
    res.status(200);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', contentDisposition('attachment', `batch-${id.slice(0, 8)}.zip`));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, no-store');
    // Stored, not deflated: compressing other people's files costs this server CPU per download.
    const zip = archiver('zip', { store: true });
    const names = new Set<string>();
    for (const f of files) {
      zip.append(Readable.from(this.lazyBytes(f)), { name: uniqueName(f.filename, names), store: true, date: new Date(f.completedAt ?? f.createdAt) });
    }
    void zip.finalize();
    try {
      await pipeline(zip, res);
      for (const f of files) await this.downloads.countDownload(f._id);
    } catch {
      res.destroy();
    } finally {
      await slot.release();
    }
  }

  /** A file's bytes opened only when the archiver reaches it (one source open at a time). */
  private async *lazyBytes(file: FileDoc): AsyncGenerator<Buffer> {
    const opened = await this.sources.open(file, 0, Math.max(0, file.sizeBytes - 1));
    if (!opened) throw new Error(`no source for ${file._id}`);
    if (file.sizeBytes === 0) return;
    for await (const chunk of opened.stream as AsyncIterable<Buffer>) yield chunk;
  }

  private async serve(id: string, req: Request, res: Response, disposition: 'attachment' | 'inline'): Promise<void> {
    const started = performance.now();
    const { file, ownerAllowed } = await this.downloads.servableFile(id);
    const found = performance.now();
    const etag = `"${file.md5}"`;
    const inm = req.headers['if-none-match'];
    const notModified = !!inm && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*');
    const range = parseRange(req.headers.range, file.sizeBytes);
    const start = range.kind === 'partial' ? range.start : 0;
    const end = range.kind === 'partial' ? range.end : file.sizeBytes - 1;
    // The owner check (a second read, for files with an owner) runs while the source
    // opens; nothing about the file is sent before it has passed.
    const opening = req.method === 'GET' && !notModified && range.kind !== 'unsatisfiable' ? this.sources.open(file, start, end) : null;
    // Awaited below; until then a failure must not count as unhandled.
    opening?.catch(() => undefined);
    try {
      await ownerAllowed;
    } catch (e) {
      void opening?.then((o) => o?.stream.destroy(), () => undefined);
      throw e;
    }
    const preview = previewFor(file.contentType, file.filename);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('ETag', etag);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, max-age=0, must-revalidate');
    if (disposition === 'inline') {
      res.setHeader('Content-Security-Policy', 'sandbox');
      res.setHeader('Content-Type', preview.contentType);
      res.setHeader('Content-Disposition', contentDisposition(preview.type === 'none' ? 'attachment' : 'inline', file.filename));
    } else {
      res.setHeader('Content-Type', downloadTypeFor(file.contentType, file.filename));
      res.setHeader('Content-Disposition', contentDisposition('attachment', file.filename));
    }
    if (notModified) {
      res.status(304).end();
      return;
    }
    if (range.kind === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${file.sizeBytes}`);
      throw new AppException(416, DownloadErrorCode.RANGE_NOT_SATISFIABLE, `The requested range is outside this ${file.sizeBytes}-byte file.`, undefined, {
        'Content-Range': `bytes */${file.sizeBytes}`,
      });
    }
    const length = file.sizeBytes === 0 ? 0 : end - start + 1;

    if (!opening) {
      if (!(await this.sources.available(file))) throw unavailable();
      this.writeHead(res, range.kind === 'partial', start, end, length, file.sizeBytes);
      res.end();
      return;
    }
    const opened = await opening;
    if (!opened) throw unavailable();
    this.writeHead(res, range.kind === 'partial', start, end, length, file.sizeBytes);
    res.setHeader('X-Served-From', opened.origin);
    // Where the time to first byte went: the file lookup, then opening the source (and the owner check alongside).
    res.setHeader('Server-Timing', `lookup;dur=${(found - started).toFixed(1)}, source;dur=${(performance.now() - found).toFixed(1)};desc="${opened.origin}"`);
    if (start === 0) void this.downloads.countDownload(file._id).catch(() => undefined);
    try {
      await pipeline(opened.stream, res);
    } catch {
      // Headers are gone: cut the connection so the client sees an incomplete body, never a wrong one.
      res.destroy();
    }
  }

  private writeHead(res: Response, partial: boolean, start: number, end: number, length: number, size: number): void {
    res.status(partial ? 206 : 200);
    res.setHeader('Content-Length', String(length));
    if (partial) res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
  }
}

/** "a.txt", "a (1).txt", "a (2).txt"… — case-insensitively unique inside one ZIP. */
function uniqueName(filename: string, seen: Set<string>): string {
  const dot = filename.lastIndexOf('.');
  const base = dot > 0 ? filename.slice(0, dot) : filename;
  const ext = dot > 0 ? filename.slice(dot) : '';
  let candidate = filename;
  for (let n = 1; seen.has(candidate.toLowerCase()); n++) candidate = `${base} (${n})${ext}`;
  seen.add(candidate.toLowerCase());
  return candidate;
}
