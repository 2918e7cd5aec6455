import { Module } from '@nestjs/common';

import { AdminConfigController, SystemStatusController } from './admin-config.controller';

@Module({ controllers: [AdminConfigController, SystemStatusController] })
export class AdminConfigModule {}
