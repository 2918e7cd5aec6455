import { Module } from '@nestjs/common';

import { AdminMonitoringController } from './admin-monitoring.controller';
import { AlertsService } from './alerts.service';
import { BackupFailuresRepository } from './backup-failures.repository';
import { SystemProbes } from './system-probes.service';

@Module({
  controllers: [AdminMonitoringController],
  providers: [SystemProbes, AlertsService, BackupFailuresRepository],
})
export class AdminMonitoringModule {}
