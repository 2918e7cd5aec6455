import { Module } from '@nestjs/common';

import { AdminSharedModule } from '../shared/admin-shared.module';
import { AdminBackupsController } from './admin-backups.controller';
import { AdminBackupsService } from './admin-backups.service';

@Module({
  imports: [AdminSharedModule],
  controllers: [AdminBackupsController],
  providers: [AdminBackupsService],
})
export class AdminBackupsModule {}
