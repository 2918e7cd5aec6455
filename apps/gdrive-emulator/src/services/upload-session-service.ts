import type { Hash } from 'node:crypto';
import { createHash } from 'node:crypto';
import { truncate, writeFile } from 'node:fs/promises';
import { newUploadId } from '../core/ids';
import type { BlobStore } from '../state/blob-store';
import type { EmulatorState } from '../state/emulator-state';
import type { AccountRecord, UploadSession } from '../state/types';
import type { EmulatorSettings } from './settings';

/** Per-session state that only matters while this process runs. */
export interface SessionRuntime {
  /** A chunk is being received; a second data PUT must not interleave with it. */
  busy: boolean;
  /** MD5 over exactly `hashedBytes` committed bytes; null once it cannot be kept exact. */
  hash: Hash | null;
  hashedBytes: number;
}

export interface NewSession {
  account: AccountRecord;
  targetFileId: string | null;
  name: string | null;
  mimeType: string | null;
  parents: string[] | null;
  declaredSize: number | null;
  fields: string | null;
}

/** Resumable upload sessions: records in the state, bytes in `uploads/<id>.part`. */
export class UploadSessionService {
  private readonly runtime = new Map<string, SessionRuntime>();

  constructor(
    private readonly state: EmulatorState,
    private readonly settings: EmulatorSettings,
    private readonly blobs: BlobStore,
  ) {}

  async create(input: NewSession): Promise<UploadSession> {
    const now = Date.now();
    const session: UploadSession = {
      id: newUploadId(),
      accountId: input.account.id,
      targetFileId: input.targetFileId,
      name: input.name,
      mimeType: input.mimeType,
      parents: input.parents,
      declaredSize: input.declaredSize,
      totalSize: input.declaredSize,
      committed: 0,
      createdAt: now,
      expiresAt: now + this.settings.sessionLifetimeSeconds * 1000,
      state: 'active',
      fileId: null,
      fields: input.fields,
    };
    await writeFile(this.blobs.partPath(session.id), Buffer.alloc(0));
    this.state.sessions.set(session.id, session);
    this.runtime.set(session.id, { busy: false, hash: createHash('md5'), hashedBytes: 0 });
    this.state.changed();
    return session;
  }

  /** A live session, or null when unknown, expired, cancelled or lost (all answer 404). */
  find(id: string | null): UploadSession | null {
    if (!id) return null;
    const session = this.state.sessions.get(id);
    if (!session) return null;
    if (session.expiresAt <= Date.now()) {
      void this.forget(session.id);
      return null;
    }
    return session;
  }

  runtimeOf(session: UploadSession): SessionRuntime {
    let runtime = this.runtime.get(session.id);
    if (!runtime) {
      // Restored from disk after a restart: the running hash is gone, MD5 is recomputed at the end.
      runtime = { busy: false, hash: session.committed === 0 ? createHash('md5') : null, hashedBytes: 0 };
      this.runtime.set(session.id, runtime);
    }
    return runtime;
  }

  /** Commits `committed` bytes of the part file, dropping anything received beyond it. */
  async setCommitted(session: UploadSession, committed: number): Promise<void> {
    session.committed = committed;
    await truncate(this.blobs.partPath(session.id), committed);
    this.state.changed();
  }

  markFinished(session: UploadSession, fileId: string): void {
    session.state = 'finished';
    session.fileId = fileId;
    this.runtime.delete(session.id);
    this.state.changed();
  }

  async forget(id: string): Promise<void> {
    this.state.sessions.delete(id);
    this.runtime.delete(id);
    await this.blobs.remove(this.blobs.partPath(id));
    this.state.changed();
  }

  /** After a restart: part files may hold bytes of a chunk that never completed. */
  async reconcile(): Promise<void> {
    for (const session of [...this.state.sessions.values()]) {
      if (session.state !== 'active') continue;
      const size = await this.blobs.sizeOf(this.blobs.partPath(session.id));
      if (size === null) {
        await this.forget(session.id);
      } else if (size !== session.committed) {
        await this.setCommitted(session, Math.min(size, session.committed));
      }
    }
  }

  clearRuntime(): void {
    this.runtime.clear();
  }
}
