import { AppConfig } from '@ddx/server-config';
import { BackupQueue } from '@ddx/server-queue';
import { UploadLedger } from '@ddx/server-uploads';
import { Module, OnModuleInit } from '@nestjs/common';

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
    private readonly config: AppConfig,
    private readonly backups: BackupQueue,
  ) {}

  onModuleInit(): void {
    if (!this.config.WEBDAV_URL) return; // backups disabled
    this.ledger.onFileCompleted(async ({ fileId }) => {
      await this.backups.enqueue(fileId);
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
      inject: [UploadLedger, AppConfig, BackupQueue],
      useFactory: (l: UploadLedger, c: AppConfig, q: BackupQueue) => new BackupOnCompletion(l, c, q),
    },
  ],
})
export class UploadModule {}
