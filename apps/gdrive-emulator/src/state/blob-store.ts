import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomToken } from '../core/ids';

/**
 * File bytes on disk: `blobs/<fileId>` for stored files, `uploads/<uploadId>.part` for
 * resumable sessions in progress, `uploads/tmp-*` for multipart/media bodies being received.
 * Finalising is a rename inside one directory tree, so it is atomic and copies nothing.
 */
export class BlobStore {
  constructor(readonly dataDir: string) {}

  async init(): Promise<void> {
    await mkdir(join(this.dataDir, 'blobs'), { recursive: true });
    await mkdir(join(this.dataDir, 'uploads'), { recursive: true });
  }

  blobPath(fileId: string): string {
    return join(this.dataDir, 'blobs', fileId);
  }

  partPath(uploadId: string): string {
    return join(this.dataDir, 'uploads', `${uploadId}.part`);
  }

  tempPath(): string {
    return join(this.dataDir, 'uploads', `tmp-${randomToken(12)}`);
  }

  get stateFile(): string {
    return join(this.dataDir, 'state.json');
  }

  async sizeOf(path: string): Promise<number | null> {
    try {
      return (await stat(path)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /** Hashes a file by streaming it: used when an upload's running hash could not be kept. */
  async md5Of(path: string): Promise<string> {
    const hash = createHash('md5');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  async remove(path: string): Promise<void> {
    await rm(path, { force: true });
  }

  async wipe(): Promise<void> {
    await rm(join(this.dataDir, 'blobs'), { recursive: true, force: true });
    await rm(join(this.dataDir, 'uploads'), { recursive: true, force: true });
    await this.init();
  }
}
