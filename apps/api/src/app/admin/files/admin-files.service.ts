import {
  AdminErrorCode,
  AdminFile,
  AdminFileDetail,
  AdminFileList,
  AdminFileListQuery,
  BackupQueued,
  BulkResult,
  ErrorCode,
  FileBulkRequest,
  FileDeletion,
  hasPermissions,
  IntegrityCheck,
  OrphanCleanup,
  OrphanCleanupRequest,
  OrphanReport,
  Permission,
} from '@ddx/contracts';
import { FileDoc, FileRepository, FileSearch } from '@ddx/server-database';
import { Injectable } from '@nestjs/common';

import { ActivityAction } from '../../activity/activity-action';
import { AppException } from '../../common/app-exception';
import { AdminActor } from '../shared/admin-actor.decorator';
import { AdminAudit } from '../shared/admin-audit.service';
import { toAdminFile } from '../shared/admin-file.mapper';
import { BackupJobs } from '../shared/backup-jobs.service';
import { FileRemoval } from '../shared/file-removal.service';
import { fileSort } from '../shared/file-sort';
import { pageOf } from '../shared/page';
import { AdminUserRepository } from '../users/admin-user.repository';
import { FileInsights } from './file-insights.service';
import { OrphanScanner } from './orphan-scanner.service';

/** `type` filter → content types (prefixes, or exact types). */
const TYPE_FILTERS: Record<NonNullable<AdminFileListQuery['type']>, { prefixes?: string[]; exact?: string[] }> = {
  images: { prefixes: ['image/'] },
  videos: { prefixes: ['video/'] },
  audio: { prefixes: ['audio/'] },
  documents: {
    prefixes: ['text/', 'application/vnd.openxmlformats-officedocument.', 'application/vnd.oasis.opendocument.', 'application/vnd.ms-'],
    exact: ['application/pdf', 'application/msword', 'application/rtf', 'application/epub+zip', 'application/json', 'application/xml'],
  },
  archives: {
    exact: [
      'application/zip',
      'application/x-zip-compressed',
      'application/x-7z-compressed',
      'application/x-rar-compressed',
      'application/vnd.rar',
      'application/x-tar',
      'application/gzip',
      'application/x-gzip',
      'application/x-bzip2',
      'application/x-xz',
      'application/zstd',
    ],
  },
};

const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The admin file browser and per-file operations. */
@Injectable()
export class AdminFilesService {
  constructor(
    private readonly files: FileRepository,
    private readonly owners: AdminUserRepository,
    private readonly removal: FileRemoval,
    private readonly backups: BackupJobs,
    private readonly insights: FileInsights,
    private readonly orphans: OrphanScanner,
    private readonly audit: AdminAudit,
  ) {}

  async list(q: AdminFileListQuery): Promise<AdminFileList> {
    const empty = { items: [], ...pageOf(0, q.page, q.limit) };
    let ownerId: string | null | undefined;
    if (q.owner !== undefined) {
      ownerId = await this.resolveOwner(q.owner);
      if (ownerId === undefined) return empty; // an e-mail nobody has
    }
    const type = q.type ? TYPE_FILTERS[q.type] : undefined;
    const search: FileSearch = {
      nameContains: q.name,
      contentTypePrefixes: type?.prefixes,
      contentTypes: type?.exact,
      sizeMin: q.size_min,
      sizeMax: q.size_max,
      createdFrom: q.date_from ? new Date(q.date_from) : undefined,
      // A day as upper bound includes that whole day.
      createdTo: q.date_to ? new Date(DAY_ONLY.test(q.date_to) ? `${q.date_to}T23:59:59.999Z` : q.date_to) : undefined,
      ownerId,
      statuses: q.status ? [q.status] : undefined,
      backupStatus: q.backup_status,
      driveAccountId: q.account,
      quarantined: q.quarantined,
      sort: fileSort(q.sort_by, q.sort_order),
      skip: (q.page - 1) * q.limit,
      limit: q.limit,
    };
    const { items, total } = await this.files.search(search);
    return { items: await this.withOwners(items), ...pageOf(total, q.page, q.limit) };
  }

  async detail(id: string): Promise<AdminFileDetail> {
    const file = await this.target(id);
    const [view] = await this.withOwners([file]);
    return { file: view as AdminFile, storage: await this.insights.inspect(file) };
  }

  async remove(actor: AdminActor, id: string, reason: string | null): Promise<FileDeletion> {
    const file = await this.target(id);
    if (file.status === 'deleted') throw new AppException(409, AdminErrorCode.FILE_STATE, 'This file is already deleted.');
    const r = await this.removal.remove(file);
    if (!r.removed) throw new AppException(409, AdminErrorCode.FILE_STATE, 'This file changed while it was being deleted; try again.');
    await this.audit.record(actor, ActivityAction.adminFileDelete, id, {
      filename: file.filename,
      ownerId: file.ownerId,
      from: file.status,
      reason,
      purgeQueued: r.purgeQueued,
    });
    return { file_id: id, status: 'deleted', purge_queued: r.purgeQueued };
  }

  async setQuarantine(actor: AdminActor, id: string, quarantined: boolean, reason: string | null): Promise<AdminFile> {
    const file = await this.target(id);
    const updated = await this.files.setQuarantined(id, quarantined);
    if (!updated) throw notFound();
    await this.audit.record(actor, quarantined ? ActivityAction.adminFileQuarantine : ActivityAction.adminFileRelease, id, {
      filename: file.filename,
      ownerId: file.ownerId,
      reason,
    });
    return (await this.withOwners([updated]))[0] as AdminFile;
  }

  /** Queues a (re-)copy; the worker verifies an existing copy instead of uploading it twice. */
  async forceBackup(actor: AdminActor, id: string): Promise<BackupQueued> {
    this.backups.assertEnabled();
    const file = await this.target(id);
    if (file.status !== 'completed') throw new AppException(409, AdminErrorCode.FILE_STATE, 'Only stored (completed) files can be backed up.');
    const outcome = await this.backups.requeue(id);
    await this.audit.record(actor, ActivityAction.adminFileBackup, id, { filename: file.filename, from: file.backupStatus, outcome });
    return {
      file_id: id,
      queued: outcome === 'queued',
      message: outcome === 'queued' ? 'The backup copy is queued.' : 'A backup of this file is already queued or running.',
    };
  }

  async integrityCheck(actor: AdminActor, id: string): Promise<IntegrityCheck> {
    const file = await this.target(id);
    if (file.status !== 'completed' && file.status !== 'deleted') {
      throw new AppException(409, AdminErrorCode.FILE_STATE, 'This file has no stored copy to check yet.');
    }
    const result = await this.insights.verify(file);
    await this.audit.record(actor, ActivityAction.adminFileIntegrityCheck, id, {
      ok: result.ok,
      drive: { ok: result.drive.ok, error: result.drive.error },
      backup: { ok: result.backup.ok, error: result.backup.error },
    });
    return result;
  }

  async bulk(actor: AdminActor, body: FileBulkRequest): Promise<BulkResult> {
    if (body.action === 'backup' && !hasPermissions(actor.admin.role, [Permission.manageBackups])) {
      throw await this.audit.refuse(actor, 'files/bulk', 'bulk_backup', 'Your administrator role cannot trigger backups.');
    }
    const result: BulkResult = { action: body.action, succeeded: [], failed: [] };
    for (const id of [...new Set(body.ids)]) {
      try {
        switch (body.action) {
          case 'delete':
            await this.remove(actor, id, body.reason ?? null);
            break;
          case 'quarantine':
            await this.setQuarantine(actor, id, true, body.reason ?? null);
            break;
          case 'release':
            await this.setQuarantine(actor, id, false, body.reason ?? null);
            break;
          case 'backup': {
            const r = await this.forceBackup(actor, id);
            if (!r.queued) throw new AppException(409, AdminErrorCode.FILE_STATE, r.message);
            break;
          }
        }
        result.succeeded.push(id);
      } catch (e) {
        if (!(e instanceof AppException)) throw e;
        result.failed.push({ id, error: String(e.code), message: e.message });
      }
    }
    await this.audit.record(actor, ActivityAction.adminFilesBulk, null, {
      action: body.action,
      reason: body.reason ?? null,
      succeeded: result.succeeded.length,
      failed: result.failed.length,
    });
    return result;
  }

  orphanReport(graceMinutes: number): Promise<OrphanReport> {
    return this.orphans.report(graceMinutes);
  }

  async cleanupOrphans(actor: AdminActor, body: OrphanCleanupRequest): Promise<OrphanCleanup> {
    const options = { deleteUntracked: body.delete_untracked ?? true, closeMissing: body.close_missing ?? true, graceMinutes: body.grace_minutes ?? 60 };
    const result = await this.orphans.cleanup(options);
    await this.audit.record(actor, ActivityAction.adminOrphansCleanup, null, {
      ...options,
      untrackedDeleted: result.untracked_deleted,
      missingClosed: result.missing_closed,
      missingKept: result.missing_kept.length,
      errors: result.errors.length,
    });
    return result;
  }

  /** A user id, an e-mail, or `anonymous` → the ownerId to match; undefined when the e-mail is unknown. */
  private async resolveOwner(owner: string): Promise<string | null | undefined> {
    if (owner.toLowerCase() === 'anonymous') return null;
    if (/^[0-9a-fA-F]{24}$/.test(owner)) return owner.toLowerCase();
    return (await this.owners.findIdByEmail(owner)) ?? undefined;
  }

  private async withOwners(files: FileDoc[]): Promise<AdminFile[]> {
    const emails = await this.owners.emailsByIds(files.map((f) => f.ownerId).filter((id): id is string => !!id));
    return files.map((f) => toAdminFile(f, f.ownerId ? (emails.get(f.ownerId) ?? null) : null));
  }

  private async target(id: string): Promise<FileDoc> {
    const file = await this.files.findById(id);
    if (!file) throw notFound();
    return file;
  }
}

function notFound(): AppException {
  return new AppException(404, ErrorCode.NOT_FOUND, 'This file does not exist.');
}
