import { AdminFile } from '@ddx/contracts';
import { FileDoc } from '@ddx/server-database';

const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** A file as admins see it: everything but upload secrets (token hash, sealed session, hash state) and the uploader IP. */
export function toAdminFile(f: FileDoc, ownerEmail: string | null): AdminFile {
  return {
    file_id: f._id,
    filename: f.filename,
    size: f.sizeBytes,
    content_type: f.contentType,
    status: f.status,
    failure_reason: f.failureReason ?? null,
    owner_id: f.ownerId ?? null,
    owner_email: ownerEmail,
    batch_id: f.batchId ?? null,
    created_at: new Date(f.createdAt).toISOString(),
    completed_at: iso(f.completedAt),
    deleted_at: iso(f.deletedAt),
    storage_account_id: f.driveAccountId ?? null,
    drive_file_id: f.driveFileId ?? null,
    md5: f.md5 ?? null,
    backup_status: f.backupStatus ?? 'none',
    backup_path: f.backupPath ?? null,
    backup_error: f.backupError ?? null,
    backup_attempts: f.backupAttempts ?? 0,
    backed_up_at: iso(f.backedUpAt),
    quarantined: Boolean(f.quarantined),
    download_count: f.downloadCount ?? 0,
  };
}
