import { FileRepository } from '@ddx/server-database';
import { BackupCopyJobData, BackupJob } from '@ddx/server-queue';
import { Queue } from 'bullmq';

/**
 * Queues the backup of one file. The job id is the file id, so a file is
 * never queued twice; failed jobs are kept for admins to see and retry.
 */
export async function enqueueBackup(queue: Queue<BackupCopyJobData>, files: FileRepository, fileId: string, attempts: number): Promise<boolean> {
  if (await queue.getJob(fileId)) return false;
  await files.setBackup(fileId, { backupStatus: 'queued', backupError: null });
  await queue.add(BackupJob.copy, { fileId }, { jobId: fileId, attempts, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: true, removeOnFail: false });
  return true;
}

/** Completed files without a copy and without a job (e.g. Redis was lost) are queued again. */
export async function sweepBackups(queue: Queue<BackupCopyJobData>, files: FileRepository, attempts: number, limit = 200): Promise<number> {
  let queued = 0;
  for (const f of await files.findNeedingBackup(limit)) if (await enqueueBackup(queue, files, f._id, attempts)) queued++;
  return queued;
}
