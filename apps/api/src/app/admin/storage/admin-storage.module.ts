import { Module } from '@nestjs/common';

import { AdminFilesModule } from '../files/admin-files.module';
import { AdminSharedModule } from '../shared/admin-shared.module';
import { AdminStorageController } from './admin-storage.controller';
import { AdminStorageService } from './admin-storage.service';

@Module({
  imports: [AdminSharedModule, AdminFilesModule],
  controllers: [AdminStorageController],
  providers: [AdminStorageService],
})
export class AdminStorageModule {}
