import type { DriveClient } from './drive-client';
import type { ChunkResult } from './drive-types';
import type { StreamedPut } from './streamed-put';

/**
 * One resumable upload on one Drive account: the session URI (a secret) and the
 * requests that go with it. Drive allows one request per session at a time;
 * the caller keeps to that.
 */
export class DriveUploadSession {
  constructor(
    readonly accountId: string,
    readonly client: DriveClient,
    readonly uri: string,
    readonly size: number,
  ) {}

  /** What Drive holds: the committed offset, or the finished file. */
  status(): Promise<ChunkResult> {
    return this.client.queryCommitted(this.uri, this.size);
  }

  /** A streamed PUT of `length` bytes from `start`. */
  put(start: number, length: number): Promise<StreamedPut> {
    return this.client.openPut(this.uri, start, length, this.size);
  }

  cancel(): Promise<void> {
    return this.client.cancelSession(this.uri);
  }
}
