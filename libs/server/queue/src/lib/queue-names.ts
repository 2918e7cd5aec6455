/** Every BullMQ queue of the product. Producers and processors import these. */
export const QueueName = {
  system: 'system',
  /** Copies completed files to the WebDAV backup store. */
  backup: 'backup',
  /** Periodic upkeep: Drive account refresh, expiring stale uploads. */
  maintenance: 'maintenance',
  /** Removes the stored copies of deleted files and gives their bytes back. */
  cleanup: 'cleanup',
  /** Daily log retention: deletes activity, access and error log entries past their retention setting. */
  logs: 'logs',
  /** Sends admin notifications (in-app deliveries and e-mails); one delayed job per notification. */
  notifications: 'notifications',
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
  /** Delete records of cancelled, failed and expired uploads past `uploadRecordRetentionDays` (scheduled daily). */
  purgeEndedUploads: 'purge-ended-uploads',
} as const;

export interface CleanupPurgeJobData {
  fileId: string;
}

export const LogsJob = {
  /** Delete log entries older than each log's retention setting (scheduled daily; may be added by hand). */
  purge: 'purge-old-logs',
} as const;

export const NotificationJob = {
  /** Send one notification; jobId = the notification id, delay = until its scheduled time. */
  send: 'send',
  /** Re-queues scheduled notifications whose job is missing (also run when a worker starts). */
  sweep: 'sweep',
} as const;

export interface NotificationSendJobData {
  notificationId: string;
}
