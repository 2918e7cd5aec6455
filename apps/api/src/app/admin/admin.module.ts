import { Module } from '@nestjs/common';

import { AdminBackupsModule } from './backups/admin-backups.module';
import { AdminFilesModule } from './files/admin-files.module';
import { AdminStorageModule } from './storage/admin-storage.module';
import { AdminUsersModule } from './users/admin-users.module';

/** The admin API of issue 9 (admin sign-in lives in ./auth). See README.md for every route and its permission. */
@Module({
  imports: [AdminUsersModule, AdminFilesModule, AdminStorageModule, AdminBackupsModule],
})
export class AdminModule {}
