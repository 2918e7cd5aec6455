import { BackupCopyJobData, BackupJob, QueueName } from '@ddx/server-queue';
import { UploadLedger } from '@ddx/server-uploads';
import { InjectQueue } from '@nestjs/bullmq';
import { Module, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';

import { UploadPolicy } from './upload-policy';
import { FileHistoryController, UploadController } from './upload.controller';
import { UploadGateway } from './upload.gateway';
import { UploadService } from './upload.service';

/** FileCompleted → backup job. The only place uploads meet backups. */
class BackupOnCompletion implements OnModuleInit {
  constructor(
    private readonly ledger: UploadLedger,
    @InjectQueue(QueueName.backup) private readonly backups: Queue<BackupCopyJobData>,
  ) {}

  onModuleInit(): void {
    this.ledger.onFileCompleted(async ({ fileId }) => {
      await this.backups.add(BackupJob.copy, { fileId }, { jobId: fileId });
    });
  }
}

@Module({
  controllers: [UploadController, FileHistoryController],
  providers: [
    UploadPolicy,
    UploadService,
    UploadGateway,
    { provide: BackupOnCompletion, inject: [UploadLedger, `BullQueue_${QueueName.backup}`], useFactory: (l: UploadLedger, q: Queue<BackupCopyJobData>) => new BackupOnCompletion(l, q) },
  ],
})
export class UploadModule {}
