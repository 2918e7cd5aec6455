import { ConfigModule } from '@ddx/server-config';
import { DatabaseModule } from '@ddx/server-database';
import { DrivePoolModule } from '@ddx/server-drive';
import { QueueModule, RedisModule } from '@ddx/server-queue';
import { BackupStoreModule, UploadsDataModule } from '@ddx/server-uploads';
import { DynamicModule, Module } from '@nestjs/common';

import { BackupProcessor } from './backup/backup.processor';
import { CleanupProcessor } from './cleanup/cleanup.processor';
import { MaintenanceProcessor } from './maintenance/maintenance.processor';
import { WorkerHeartbeat } from './heartbeat';
import { RedisWatchdog } from './redis-watchdog';
import { SystemProcessor } from './system/system.processor';

@Module({})
export class WorkerModule {
  static register(config: DynamicModule = ConfigModule.forRoot()): DynamicModule {
    return {
      module: WorkerModule,
      imports: [config, DatabaseModule, RedisModule, QueueModule, DrivePoolModule, UploadsDataModule, BackupStoreModule],
      providers: [SystemProcessor, MaintenanceProcessor, BackupProcessor, CleanupProcessor, RedisWatchdog, WorkerHeartbeat],
    };
  }
}
