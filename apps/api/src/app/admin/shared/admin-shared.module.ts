import { Module } from '@nestjs/common';

import { AdminAudit } from './admin-audit.service';
import { BackupJobs } from './backup-jobs.service';
import { FileRemoval } from './file-removal.service';

/** What several admin features share: the audit log writer, file removal, the backup queue. */
@Module({
  providers: [AdminAudit, FileRemoval, BackupJobs],
  exports: [AdminAudit, FileRemoval, BackupJobs],
})
export class AdminSharedModule {}
