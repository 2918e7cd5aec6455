import { BACKUP_STORE, BackupStore } from '@ddx/server-backup';
import { FileDoc } from '@ddx/server-database';
import { DriveAccountPool, DriveClient } from '@ddx/server-drive';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Readable } from 'node:stream';

import { ContinuingStream } from './continuing-stream';

export type Origin = 'drive' | 'backup';

interface Opened {
  origin: Origin;
  stream: Readable;
}

/**
 * Where a stored file's bytes come from: Drive first, the verified WebDAV
 * copy otherwise. The source is chosen before any header is sent, and a
 * source that breaks mid-stream is continued from the exact next byte on the
 * other one — the client gets one correct stream or a clean abort.
 */
@Injectable()
export class FileSourceService {
  private readonly logger = new Logger(FileSourceService.name);

  constructor(
    private readonly pool: DriveAccountPool,
    @Inject(BACKUP_STORE) private readonly backup: BackupStore | null,
  ) {}

  /** Bytes `start`…`end` (inclusive), or null when no source can serve them. */
  async open(file: FileDoc, start: number, end: number): Promise<{ origin: Origin; stream: Readable } | null> {
    // Stryker disable next-line ArrayDeclaration: an entry that is not an origin excludes nothing
    const first = await this.openFrom(file, start, end, []);
    if (!first) return null;
    const stream = new ContinuingStream<Origin>(
      first,
      start,
      end,
      (position, failed) => this.openFrom(file, position, end, failed),
      // Stryker disable next-line StringLiteral: log text
      (origin, position, e) => this.logger.warn({ msg: 'download source failed mid-stream; switching', fileId: file._id, origin, position, err: String(e) }),
      (position) => new Error(`no source can continue file ${file._id} from byte ${position}`),
    );
    return { origin: first.origin, stream };
  }

  /** Whether some source holds the file (for HEAD), without reading it. */
  async available(file: FileDoc): Promise<boolean> {
    const client = await this.usableDriveClient(file);
    // Stryker disable next-line ConditionalExpression: without a client the call throws into the catch below, which falls through the same way
    if (client) {
      try {
        await client.getMetadata(file.driveFileId as string);
        return true;
      } catch {
        // fall through to the backup
      }
    }
    if (this.backupUsable(file)) return (await this.backupIsWhole(file)) === null;
    return false;
  }

  private async openFrom(file: FileDoc, start: number, end: number, exclude: Origin[]): Promise<Opened | null> {
    // One MongoDB read of the account gives both its state and its client.
    const drive = exclude.includes('drive') ? null : await this.usableDriveClient(file);
    if (drive) {
      try {
        const res = await drive.download(file.driveFileId as string, file.sizeBytes === 0 ? undefined : { start, end });
        return { origin: 'drive', stream: res.stream };
      } catch (e) {
        // Stryker disable next-line StringLiteral: log text
        this.logger.warn({ msg: 'Drive cannot serve file; trying the backup', fileId: file._id, err: String(e) });
      }
    }
    if (!exclude.includes('backup') && this.backupUsable(file)) {
      try {
        const problem = await this.backupIsWhole(file);
        if (problem) {
          // Stryker disable next-line StringLiteral: log text
          this.logger.error({ msg: 'backup copy no longer matches the file; not serving it', fileId: file._id, problem });
          return null;
        }
        return { origin: 'backup', stream: await this.backup!.createReadStream(file.backupPath as string, file.sizeBytes === 0 ? {} : { start, end }) };
      } catch (e) {
        // Stryker disable next-line StringLiteral: log text
        this.logger.warn({ msg: 'backup cannot serve file', fileId: file._id, err: String(e) });
      }
    }
    return null;
  }

  /** The Drive client for the file's account, or null when the account cannot serve it now. */
  private async usableDriveClient(file: FileDoc): Promise<DriveClient | null> {
    if (!file.driveFileId || !file.driveAccountId) return null;
    try {
      return await this.pool.readerClient(file.driveAccountId);
    } catch (e) {
      // Stryker disable next-line StringLiteral: log text
      this.logger.warn({ msg: 'Drive cannot serve file; trying the backup', fileId: file._id, err: String(e) });
      return null;
    }
  }

  /**
   * Null when the verified copy still has the file's size, else what is wrong. Hashing it
   * would mean reading it all before the first byte; the size catches a copy that was cut
   * short or replaced, and a mid-stream shortfall is caught again while streaming.
   */
  private async backupIsWhole(file: FileDoc): Promise<string | null> {
    // Stryker disable next-line ArrowFunction: undefined and null both mean no copy
    const stat = this.backup ? await this.backup.stat(file.backupPath as string).catch(() => null) : null;
    if (!stat) return 'missing';
    return stat.size === file.sizeBytes ? null : `size ${stat.size}, expected ${file.sizeBytes}`;
  }

  private backupUsable(file: FileDoc): boolean {
    return !!this.backup && file.backupStatus === 'completed' && !!file.backupPath;
  }
}
