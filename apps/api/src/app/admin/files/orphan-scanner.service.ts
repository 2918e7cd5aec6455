import { OrphanCleanup, OrphanReport } from '@ddx/contracts';
import { DriveRecord, FileRepository } from '@ddx/server-database';
import { DriveAccountPool, DriveAccountView, DriveError, DriveFileMetadata, FOLDER_MIME_TYPE } from '@ddx/server-drive';
import { Injectable } from '@nestjs/common';

import { FileRemoval } from '../shared/file-removal.service';

type AccountReport = OrphanReport['accounts'][number];

interface AccountScan {
  report: AccountReport;
  missing: DriveRecord[];
}

const PAGE_SIZE = 1000;

/**
 * Compares each account's upload folder (DriveClient.listFolder) with the
 * records pointing to it: one listing per account and one query of
 * records, never a Drive call per file.
 */
@Injectable()
export class OrphanScanner {
  constructor(
    private readonly pool: DriveAccountPool,
    private readonly files: FileRepository,
    private readonly removal: FileRemoval,
  ) {}

  async report(graceMinutes: number): Promise<OrphanReport> {
    const scans = await this.scanAll(graceMinutes);
    const accounts = scans.map((s) => s.report);
    return {
      accounts,
      totals: {
        missing_on_drive: accounts.reduce((n, a) => n + a.missing_on_drive.length, 0),
        untracked_on_drive: accounts.reduce((n, a) => n + a.untracked_on_drive.length, 0),
      },
      generated_at: new Date().toISOString(),
    };
  }

  /**
   * Untracked Drive files are deleted. A record whose Drive file is gone is
   * kept while its backup copy serves it; without one nothing can serve it,
   * so it is deleted through the cleanup queue (which gives its bytes back).
   */
  async cleanup(options: { deleteUntracked: boolean; closeMissing: boolean; graceMinutes: number }): Promise<OrphanCleanup> {
    const out: OrphanCleanup = { untracked_deleted: 0, missing_closed: 0, missing_kept: [], errors: [] };
    for (const scan of await this.scanAll(options.graceMinutes)) {
      const accountId = scan.report.account_id;
      if (!scan.report.checked) {
        out.errors.push({ account_id: accountId, message: scan.report.error ?? 'not checked' });
        continue;
      }
      if (options.deleteUntracked && scan.report.untracked_on_drive.length) {
        const client = await this.pool.client(accountId);
        for (const f of scan.report.untracked_on_drive) {
          try {
            await client.deleteFile(f.drive_file_id);
            out.untracked_deleted++;
          } catch (e) {
            if (e instanceof DriveError && e.kind === 'not_found') continue;
            out.errors.push({ account_id: accountId, message: `could not delete Drive file ${f.drive_file_id}: ${(e as Error).message}` });
          }
        }
        await this.pool.refreshAccount(accountId);
      }
      if (options.closeMissing) {
        for (const r of scan.missing) {
          if (r.backupStatus === 'completed' && r.backupPath) {
            out.missing_kept.push(r._id);
            continue;
          }
          const file = await this.files.findById(r._id);
          if (file && (await this.removal.remove(file)).removed) out.missing_closed++;
        }
      }
    }
    return out;
  }

  /** Deletes the Drive files of one account that no record points to; returns how many. */
  async deleteUntracked(accountId: string, graceMinutes: number): Promise<number> {
    const account = await this.pool.get(accountId);
    if (!account) return 0;
    const scan = await this.scan(account, graceMinutes);
    if (!scan.report.checked) throw new Error(scan.report.error ?? 'the account could not be listed');
    const client = await this.pool.client(accountId);
    let deleted = 0;
    for (const f of scan.report.untracked_on_drive) {
      try {
        await client.deleteFile(f.drive_file_id);
        deleted++;
      } catch (e) {
        if (!(e instanceof DriveError && e.kind === 'not_found')) throw e;
      }
    }
    return deleted;
  }

  private async scanAll(graceMinutes: number): Promise<AccountScan[]> {
    const out: AccountScan[] = [];
    for (const account of await this.pool.list()) out.push(await this.scan(account, graceMinutes));
    return out;
  }

  private async scan(account: DriveAccountView, graceMinutes: number): Promise<AccountScan> {
    const report: AccountReport = { account_id: account._id, label: account.label, checked: false, error: null, missing_on_drive: [], untracked_on_drive: [] };
    if (!account.folderId) return { report: { ...report, error: 'The account has no upload folder yet.' }, missing: [] };
    let onDrive: DriveFileMetadata[];
    try {
      onDrive = await this.listAll(account._id, account.folderId);
    } catch (e) {
      return { report: { ...report, error: (e as Error).message }, missing: [] };
    }
    const records = await this.files.driveRecordsOfAccount(account._id);
    const tracked = new Set(records.map((r) => r.driveFileId));
    const present = new Set(onDrive.map((f) => f.id));
    const missing = records.filter((r) => r.status === 'completed' && !present.has(r.driveFileId as string));
    const cutoff = Date.now() - graceMinutes * 60_000;
    report.checked = true;
    report.missing_on_drive = missing.map((r) => ({
      file_id: r._id,
      filename: r.filename,
      drive_file_id: r.driveFileId as string,
      size: r.sizeBytes,
      backup_status: r.backupStatus,
    }));
    report.untracked_on_drive = onDrive
      .filter((f) => !tracked.has(f.id) && (!f.createdTime || Date.parse(f.createdTime) <= cutoff))
      .map((f) => ({ drive_file_id: f.id, name: f.name, size: f.size, created_time: f.createdTime }));
    return { report, missing };
  }

  private async listAll(accountId: string, folderId: string): Promise<DriveFileMetadata[]> {
    const client = await this.pool.client(accountId);
    const all: DriveFileMetadata[] = [];
    let pageToken: string | undefined;
    do {
      const page = await client.listFolder(folderId, { pageSize: PAGE_SIZE, pageToken });
      all.push(...page.files.filter((f) => f.mimeType !== FOLDER_MIME_TYPE));
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    return all;
  }
}
