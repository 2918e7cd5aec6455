import { Module } from '@nestjs/common';

import { AdminBackupsModule } from './backups/admin-backups.module';
import { AdminFilesModule } from './files/admin-files.module';
import { AdminLogsModule } from './logs/admin-logs.module';
import { AdminMonitoringModule } from './monitoring/admin-monitoring.module';
import { AdminNotificationsModule } from './notifications/admin-notifications.module';
import { AdminReportsModule } from './reports/admin-reports.module';
import { AdminStorageModule } from './storage/admin-storage.module';
import { AdminUsersModule } from './users/admin-users.module';

/** The admin API: users, files, storage accounts, backups, logs, monitoring, notifications and reports (admin sign-in lives in ./auth). See README.md for every route and its permission. */
@Module({
  imports: [AdminUsersModule, AdminFilesModule, AdminStorageModule, AdminBackupsModule, AdminLogsModule, AdminMonitoringModule, AdminNotificationsModule, AdminReportsModule],
})
export class AdminModule {}
