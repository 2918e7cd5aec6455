import { FileDoc, FileRepository } from '@ddx/server-database';
import { CleanupQueue } from '@ddx/server-queue';
import { UploadLedger } from '@ddx/server-uploads';
import { Injectable } from '@nestjs/common';

export interface Removal {
  /** The record is now `deleted` (false: it already was, or it vanished). */
  removed: boolean;
  /** A purge job will remove the Drive and WebDAV copies and give the bytes back. */
  purgeQueued: boolean;
  /** It was an upload in flight, now cancelled. */
  cancelledUpload: boolean;
}

/**
 * Deleting a file the way owners do (download.service deleteOwn): an upload
 * in flight is cancelled (its reservations released), the record turns
 * `deleted` at once so nothing serves it, and a stored file gets a cleanup
 * job (jobId = file id) that purges both copies and gives its bytes back.
 */
@Injectable()
export class FileRemoval {
  constructor(
    private readonly files: FileRepository,
    private readonly ledger: UploadLedger,
    private readonly cleanup: CleanupQueue,
  ) {}

  async remove(file: FileDoc): Promise<Removal> {
    const result: Removal = { removed: false, purgeQueued: false, cancelledUpload: false };
    if (file.status === 'deleted') return result;
    if (file.status === 'pending' || file.status === 'uploading') {
      result.cancelledUpload = await this.ledger.end(file._id, 'cancelled', 'CANCELLED');
    }
    const before = await this.files.markDeleted(file._id, new Date());
    if (!before) return result;
    result.removed = true;
    if (before.status === 'completed') {
      await this.cleanup.purgeFile(file._id);
      result.purgeQueued = true;
    }
    return result;
  }
}
