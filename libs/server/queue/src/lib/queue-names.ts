/** Every BullMQ queue of the product. Producers and processors import these. */
export const QueueName = {
  system: 'system',
  /** Copies completed files to the WebDAV backup store. */
  backup: 'backup',
  /** Periodic upkeep: Drive account refresh, expiring stale uploads. */
  maintenance: 'maintenance',
  /** Removes the stored copies of deleted files and gives their bytes back. */
  cleanup: 'cleanup',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const SystemJob = {
  /** Round trip used by tests and health tooling: the worker echoes the payload. */
  ping: 'ping',
} as const;

export interface PingJobData {
  nonce: string;
}
export interface PingJobResult {
  nonce: string;
  pid: number;
}

export const BackupJob = {
  /** Copy one file; jobId = file id, so a file is never queued twice. */
  copy: 'copy',
} as const;

export interface BackupCopyJobData {
  fileId: string;
}

export const MaintenanceJob = {
  refreshDriveAccounts: 'refresh-drive-accounts',
  expireUploads: 'expire-uploads',
  /** Completed files without a backup copy or job are queued again. */
  sweepBackups: 'sweep-backups',
} as const;

export const CleanupJob = {
  /** Purge one deleted file; jobId = the file id. */
  purge: 'purge',
} as const;

export interface CleanupPurgeJobData {
  fileId: string;
}
