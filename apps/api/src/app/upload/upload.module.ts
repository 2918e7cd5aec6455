import { AppConfig } from '@ddx/server-config';
import { FileRepository } from '@ddx/server-database';
import { BackupCopyJobData, QueueName } from '@ddx/server-queue';
import { enqueueBackup, UploadLedger } from '@ddx/server-uploads';
import { InjectQueue } from '@nestjs/bullmq';
import { Module, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';

import { Md5Thread } from './md5-thread';
import { UploadAdmission } from './upload-admission';
import { UploadPolicy } from './upload-policy';
import { FileHistoryController, UploadController } from './upload.controller';
import { UploadGateway } from './upload.gateway';
import { UploadService } from './upload.service';

/** FileCompleted → backup job. The only place uploads meet backups. */
class BackupOnCompletion implements OnModuleInit {
  constructor(
    private readonly ledger: UploadLedger,
    private readonly files: FileRepository,
    private readonly config: AppConfig,
    @InjectQueue(QueueName.backup) private readonly backups: Queue<BackupCopyJobData>,
  ) {}

  onModuleInit(): void {
    if (!this.config.WEBDAV_URL) return; // backups disabled
    this.ledger.onFileCompleted(async ({ fileId }) => {
      await enqueueBackup(this.backups, this.files, fileId, this.config.BACKUP_MAX_ATTEMPTS);
    });
  }
}

@Module({
  controllers: [UploadController, FileHistoryController],
  providers: [
    UploadPolicy,
    UploadAdmission,
    UploadService,
    UploadGateway,
    Md5Thread,
    {
      provide: BackupOnCompletion,
      inject: [UploadLedger, FileRepository, AppConfig, `BullQueue_${QueueName.backup}`],
      useFactory: (l: UploadLedger, f: FileRepository, c: AppConfig, q: Queue<BackupCopyJobData>) => new BackupOnCompletion(l, f, c, q),
    },
  ],
})
export class UploadModule {}
