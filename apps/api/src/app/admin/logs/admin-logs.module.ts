import { Module } from '@nestjs/common';

import { AdminSharedModule } from '../shared/admin-shared.module';
import { AdminLogsController } from './admin-logs.controller';
import { AdminLogsService } from './admin-logs.service';
import { AppErrorsModule } from './app-errors/app-errors.module';

/** Admin logs: activity, access, application errors; AppErrorsModule feeds the error log. */
@Module({
  imports: [AdminSharedModule, AppErrorsModule],
  controllers: [AdminLogsController],
  providers: [AdminLogsService],
})
export class AdminLogsModule {}
