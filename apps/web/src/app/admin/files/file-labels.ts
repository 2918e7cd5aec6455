import { AdminFile, BackupStatus, FileStatus } from '@ddx/contracts';

type Tone = 'brand' | 'success' | 'warning' | 'danger' | 'neutral';

export const FILE_STATUS_TONE: Record<FileStatus, Tone> = {
  pending: 'neutral',
  uploading: 'brand',
  completed: 'success',
  failed: 'danger',
  cancelled: 'neutral',
  deleted: 'neutral',
};

export const BACKUP_STATUS_TONE: Record<BackupStatus, Tone> = {
  none: 'neutral',
  queued: 'brand',
  in_progress: 'brand',
  completed: 'success',
  failed: 'danger',
};

export const BACKUP_STATUS_LABEL: Record<BackupStatus, string> = {
  none: 'no backup',
  queued: 'backup queued',
  in_progress: 'backing up',
  completed: 'backed up',
  failed: 'backup failed',
};

/** Who uploaded it, in words. */
export function ownerLabel(f: Pick<AdminFile, 'owner_id' | 'owner_email'>): string {
  if (f.owner_email) return f.owner_email;
  return f.owner_id ? 'deleted user' : 'anonymous';
}
