import { AdminFileDetail, IntegrityCheck } from '@ddx/contracts';
import { BACKUP_STORE, BackupStore } from '@ddx/server-backup';
import { FileDoc } from '@ddx/server-database';
import { DriveAccountPool, DriveError } from '@ddx/server-drive';
import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

type Insights = AdminFileDetail['storage'];
type CopyCheck = IntegrityCheck['drive'];

/**
 * Files up to this size are re-read byte by byte (streamed, constant memory)
 * inside the request; bigger ones are checked against what each store
 * reports (Drive's MD5, WebDAV's size) so a request never runs for minutes.
 */
export const INLINE_READ_MAX_BYTES = 512 * 1024 * 1024;

const NOT_CHECKED: CopyCheck = { checked: false, method: null, size: null, md5: null, ok: null, error: null };

/** Asks Drive and WebDAV what they hold of one file. */
@Injectable()
export class FileInsights {
  constructor(
    private readonly pool: DriveAccountPool,
    @Inject(BACKUP_STORE) private readonly store: BackupStore | null,
  ) {}

  async inspect(file: FileDoc): Promise<Insights> {
    const [drive, backup] = await Promise.all([this.driveInsight(file), this.backupInsight(file)]);
    let served: Insights['served_from'] = 'none';
    if (file.status === 'completed' && !file.quarantined) {
      if (drive.exists && drive.account_usable) served = 'drive';
      else if (backup.exists && file.backupStatus === 'completed') served = 'backup';
    }
    return { drive, backup, served_from: served };
  }

  /** Re-reads both copies and compares size and MD5 with the record (see INLINE_READ_MAX_BYTES). */
  async verify(file: FileDoc): Promise<IntegrityCheck> {
    const [drive, backup] = await Promise.all([this.verifyDrive(file), this.verifyBackup(file)]);
    const checked = [drive, backup].filter((c) => c.checked);
    return {
      file_id: file._id,
      mode: 'inline',
      expected_size: file.sizeBytes,
      expected_md5: file.md5 ?? null,
      drive,
      backup,
      ok: checked.length > 0 && checked.every((c) => c.ok === true),
      checked_at: new Date().toISOString(),
    };
  }

  private async driveInsight(file: FileDoc): Promise<Insights['drive']> {
    const out: Insights['drive'] = {
      account_id: file.driveAccountId ?? null,
      account_label: null,
      account_usable: false,
      exists: false,
      size: null,
      md5: null,
      size_matches: null,
      md5_matches: null,
      error: null,
    };
    if (!file.driveAccountId || !file.driveFileId) return out;
    const account = await this.pool.get(file.driveAccountId);
    if (!account) return { ...out, exists: null, error: 'The storage account was removed from the pool.' };
    out.account_label = account.label;
    out.account_usable = account.enabled && account.health !== 'unhealthy';
    try {
      const meta = await (await this.pool.client(account._id)).getMetadata(file.driveFileId);
      out.exists = !meta.trashed;
      out.size = meta.size;
      out.md5 = meta.md5Checksum;
      out.size_matches = meta.size === file.sizeBytes;
      out.md5_matches = file.md5 && meta.md5Checksum ? meta.md5Checksum === file.md5 : null;
    } catch (e) {
      if (e instanceof DriveError && e.kind === 'not_found') out.exists = false;
      else {
        out.exists = null;
        out.error = errorText(e);
      }
    }
    return out;
  }

  private async backupInsight(file: FileDoc): Promise<Insights['backup']> {
    const path = this.backupPath(file);
    const out: Insights['backup'] = { enabled: this.store !== null, path, exists: false, size: null, size_matches: null, error: null };
    if (!this.store || !path) return out;
    try {
      const stat = await this.store.stat(path);
      out.exists = stat !== null && !stat.isDirectory;
      out.size = stat?.size ?? null;
      out.size_matches = stat ? stat.size === file.sizeBytes : null;
    } catch (e) {
      out.exists = null;
      out.error = errorText(e);
    }
    return out;
  }

  private async verifyDrive(file: FileDoc): Promise<CopyCheck> {
    if (!file.driveAccountId || !file.driveFileId) return NOT_CHECKED;
    try {
      const client = await this.pool.client(file.driveAccountId);
      if (file.sizeBytes > INLINE_READ_MAX_BYTES) {
        const meta = await client.getMetadata(file.driveFileId);
        return this.judge('metadata', meta.size, meta.md5Checksum, file);
      }
      const download = await client.download(file.driveFileId);
      const { size, md5 } = await digest(download.stream);
      return this.judge('read', size, md5, file);
    } catch (e) {
      return { ...NOT_CHECKED, checked: true, ok: false, error: e instanceof DriveError && e.kind === 'not_found' ? 'The Drive file does not exist.' : errorText(e) };
    }
  }

  private async verifyBackup(file: FileDoc): Promise<CopyCheck> {
    // Only a copy the record says is complete is expected to be there.
    if (!this.store || !file.backupPath || file.backupStatus !== 'completed') return NOT_CHECKED;
    try {
      if (file.sizeBytes > INLINE_READ_MAX_BYTES) {
        const stat = await this.store.stat(file.backupPath);
        if (!stat) return { ...NOT_CHECKED, checked: true, ok: false, error: 'The WebDAV copy does not exist.' };
        return this.judge('metadata', stat.size, null, file);
      }
      const { size, md5 } = await digest(await this.store.createReadStream(file.backupPath));
      return this.judge('read', size, md5, file);
    } catch (e) {
      const missing = (e as { kind?: string }).kind === 'not_found';
      return { ...NOT_CHECKED, checked: true, ok: false, error: missing ? 'The WebDAV copy does not exist.' : errorText(e) };
    }
  }

  private judge(method: 'read' | 'metadata', size: number | null, md5: string | null, file: FileDoc): CopyCheck {
    const sizeOk = size === file.sizeBytes;
    const md5Ok = md5 === null || !file.md5 ? null : md5 === file.md5;
    const ok = sizeOk && md5Ok !== false;
    const problems = [!sizeOk ? `size ${size ?? 'unknown'} instead of ${file.sizeBytes}` : null, md5Ok === false ? `MD5 ${md5} instead of ${file.md5}` : null].filter(Boolean);
    return { checked: true, method, size, md5, ok, error: problems.length ? `Mismatch: ${problems.join(', ')}.` : null };
  }

  private backupPath(file: FileDoc): string | null {
    if (file.backupPath) return file.backupPath;
    // A copy may be there before the record says so (a copy in progress, or one that finished as the worker died).
    if (this.store && file.status === 'completed') return this.store.backupPathFor(file._id, file.filename);
    return null;
  }
}

async function digest(stream: Readable): Promise<{ size: number; md5: string }> {
  const hash = createHash('md5');
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { size, md5: hash.digest('hex') };
}

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).slice(0, 300);
}
