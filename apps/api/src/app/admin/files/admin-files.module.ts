import { Module } from '@nestjs/common';

import { AdminSharedModule } from '../shared/admin-shared.module';
import { AdminUsersModule } from '../users/admin-users.module';
import { AdminFilesController } from './admin-files.controller';
import { AdminFilesService } from './admin-files.service';
import { FileInsights } from './file-insights.service';
import { OrphanScanner } from './orphan-scanner.service';

@Module({
  imports: [AdminSharedModule, AdminUsersModule],
  controllers: [AdminFilesController],
  providers: [AdminFilesService, FileInsights, OrphanScanner],
  exports: [OrphanScanner],
})
export class AdminFilesModule {}
