import { BackupStoreModule } from '@ddx/server-backup';
import { ConfigModule } from '@ddx/server-config';
import { DatabaseModule } from '@ddx/server-database';
import { DrivePoolModule } from '@ddx/server-drive';
import { QueueModule, RedisModule } from '@ddx/server-queue';
import { UploadsDataModule } from '@ddx/server-uploads';
import { DynamicModule, Module } from '@nestjs/common';

import { BackupConcurrency } from './backup/backup-concurrency';
import { BackupProcessor } from './backup/backup.processor';
import { CleanupProcessor } from './cleanup/cleanup.processor';
import { LogsRetentionProcessor } from './logs/logs-retention.processor';
import { MaintenanceProcessor } from './maintenance/maintenance.processor';
import { NotificationsWorkerModule } from './notifications/notifications-worker.module';
import { WorkerHeartbeat } from './heartbeat';
import { RedisWatchdog } from './redis-watchdog';
import { SystemProcessor } from './system/system.processor';

@Module({})
export class WorkerModule {
  static register(config: DynamicModule = ConfigModule.forRoot()): DynamicModule {
    return {
      module: WorkerModule,
      imports: [config, DatabaseModule, RedisModule, QueueModule, DrivePoolModule, UploadsDataModule, BackupStoreModule, NotificationsWorkerModule],
      providers: [SystemProcessor, MaintenanceProcessor, BackupProcessor, CleanupProcessor, RedisWatchdog, WorkerHeartbeat, BackupConcurrency, LogsRetentionProcessor],
    };
  }
}
