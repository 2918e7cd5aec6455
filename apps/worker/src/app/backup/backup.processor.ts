import { BACKUP_STORE, BackupStore, parentPath } from '@ddx/server-backup';
import { AppConfig } from '@ddx/server-config';
import { FileDoc, FileRepository } from '@ddx/server-database';
import { DriveAccountPool } from '@ddx/server-drive';
import { BackupCopyJobData, LiveEventsPublisher, QueueName } from '@ddx/server-queue';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnModuleInit } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';

export interface BackupResult {
  status: 'copied' | 'already_there' | 'skipped';
  path?: string;
}

/**
 * Copies a completed file from Drive to the WebDAV store, streaming (never
 * the whole file in memory) and verifying size and MD5 on the way. Retries
 * with exponential backoff come from the job options; the copy only counts
 * when the store has it whole under its final name.
 */
// A dead worker's job is taken over once its lock lapses (lockDuration) and the stall check runs.
// autorun: false: BackupConcurrency starts the worker once the admin setting `backupConcurrency` is applied.
@Processor(QueueName.backup, { lockDuration: 15_000, stalledInterval: 5_000, maxStalledCount: 5, autorun: false })
export class BackupProcessor extends WorkerHost implements OnModuleInit {
  private readonly logger = new Logger(BackupProcessor.name);

  constructor(
    private readonly files: FileRepository,
    private readonly pool: DriveAccountPool,
    private readonly config: AppConfig,
    private readonly events: LiveEventsPublisher,
    @Inject(BACKUP_STORE) private readonly store: BackupStore | null,
  ) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.BACKUP_CONCURRENCY;
  }

  async process(job: Job<BackupCopyJobData>): Promise<BackupResult> {
    try {
      return await this.copy(job);
    } catch (e) {
      // This worker's BACKUP_MAX_ATTEMPTS is authoritative, whatever the producer set on the job.
      if (!(e instanceof UnrecoverableError) && job.attemptsMade + 1 >= this.config.BACKUP_MAX_ATTEMPTS) {
        throw new UnrecoverableError(e instanceof Error ? e.message : String(e));
      }
      throw e;
    }
  }

  private async copy(job: Job<BackupCopyJobData>): Promise<BackupResult> {
    const file = await this.files.findById(job.data.fileId);
    if (!file || file.status !== 'completed' || !file.driveFileId || !file.driveAccountId) return { status: 'skipped' };
    if (!this.store) throw new UnrecoverableError('Backups are disabled: WEBDAV_URL is not set.');
    const path = this.store.backupPathFor(file._id, file.filename);
    await this.files.setBackup(file._id, { backupStatus: 'in_progress', backupError: null }, true);

    if (await this.alreadyThere(file, path)) {
      if (!(await this.record(file, path, this.store))) return { status: 'skipped' };
      return { status: 'already_there', path };
    }
    const client = await this.pool.client(file.driveAccountId);
    const download = await client.download(file.driveFileId);
    const md5 = createHash('md5');
    const hashing = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        md5.update(chunk);
        cb(null, chunk);
      },
    });
    const source = download.stream.pipe(hashing);
    download.stream.once('error', (e) => hashing.destroy(e));
    await this.store.put(path, source, { size: file.sizeBytes });
    const digest = md5.digest('hex');
    if (file.md5 && digest !== file.md5) {
      await this.store.deleteDir(parentPath(path)).catch(() => undefined);
      throw new Error(`copy has MD5 ${digest}, expected ${file.md5}`);
    }
    if (!(await this.record(file, path, this.store))) return { status: 'skipped' };
    this.logger.log({ msg: 'file backed up', fileId: file._id, bytes: file.sizeBytes });
    this.events.publish({ type: 'backup.completed', fileId: file._id, size: file.sizeBytes });
    return { status: 'copied', path };
  }

  /**
   * Records the copy if the file is still live. A file deleted while it was
   * being copied may already have been purged, and nothing else would ever
   * remove this copy: it is removed here, and false is returned.
   */
  private async record(file: FileDoc, path: string, store: BackupStore): Promise<boolean> {
    if (await this.files.recordBackupCopy(file._id, { backupStatus: 'completed', backupPath: path, backupError: null, backedUpAt: new Date() })) return true;
    await store.deleteDir(parentPath(path));
    this.logger.log({ msg: 'file deleted during its backup; copy removed', fileId: file._id });
    return false;
  }

  /** An earlier attempt may have finished the copy before the worker died: check it rather than upload twice. */
  private async alreadyThere(file: FileDoc, path: string): Promise<boolean> {
    const stat = await this.store!.stat(path);
    if (!stat || stat.size !== file.sizeBytes) return false;
    const md5 = createHash('md5');
    for await (const chunk of (await this.store!.createReadStream(path)) as Readable) md5.update(chunk as Buffer);
    return md5.digest('hex') === file.md5;
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job<BackupCopyJobData> | undefined, error: Error): Promise<void> {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError;
    await this.files.setBackup(job.data.fileId, { backupStatus: final ? 'failed' : 'queued', backupError: error.message.slice(0, 500) });
    this.events.publish({ type: 'backup.failed', fileId: job.data.fileId, reason: error.message.slice(0, 300), final });
    this.logger.warn({ msg: final ? 'backup failed for good' : 'backup attempt failed; will retry', fileId: job.data.fileId, attempt: job.attemptsMade, err: error.message });
  }
}
