import { BackupStoreModule } from '@ddx/server-backup';
import { ConfigModule } from '@ddx/server-config';
import { DatabaseModule } from '@ddx/server-database';
import { DrivePoolModule } from '@ddx/server-drive';
import { QueueModule, RedisModule } from '@ddx/server-queue';
import { UploadsDataModule } from '@ddx/server-uploads';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';

import { ActivityModule } from './activity/activity.module';
import { AdminModule } from './admin/admin.module';
import { AdminAuthModule } from './admin/auth/admin-auth.module';
import { AdminConfigModule } from './admin/config/admin-config.module';
import { AdminLiveModule } from './admin/live/admin-live.module';
import { AuthModule } from './auth/auth.module';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { ContractValidationInterceptor } from './common/contract-validation.interceptor';
import { MaintenanceGuard } from './common/maintenance.guard';
import { MetricsModule } from './metrics/metrics.module';
import { NotificationsModule } from './notifications/notifications.module';
import { DownloadModule } from './download/download.module';
import { HealthModule } from './health/health.module';
import { OpenApiModule } from './openapi/openapi.module';
import { SettingsModule } from './settings/settings.module';
import { UploadModule } from './upload/upload.module';
import { UsersModule } from './users/users.module';
import { WsTicketsModule } from './ws-tickets/ws-tickets.module';

@Module({})
export class AppModule {
  static register(config: ConfigModule | DynamicModule = ConfigModule.forRoot()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        config as DynamicModule,
        DatabaseModule,
        RedisModule,
        QueueModule,
        HealthModule,
        MetricsModule,
        OpenApiModule,
        SettingsModule,
        ActivityModule,
        UsersModule,
        AuthModule,
        WsTicketsModule,
        AdminAuthModule,
        DrivePoolModule,
        UploadsDataModule,
        UploadModule,
        BackupStoreModule,
        DownloadModule,
        AdminModule,
        NotificationsModule,
        AdminLiveModule,
        AdminConfigModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_INTERCEPTOR, useClass: ContractValidationInterceptor },
        { provide: APP_GUARD, useClass: MaintenanceGuard },
      ],
    };
  }
}
