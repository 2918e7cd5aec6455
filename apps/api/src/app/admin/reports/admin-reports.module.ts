import { Module } from '@nestjs/common';

import { AdminSharedModule } from '../shared/admin-shared.module';
import { AdminReportsController } from './admin-reports.controller';
import { AdminReportsService } from './admin-reports.service';
import { ReportRepository } from './report.repository';

@Module({
  imports: [AdminSharedModule],
  controllers: [AdminReportsController],
  providers: [AdminReportsService, ReportRepository],
})
export class AdminReportsModule {}
