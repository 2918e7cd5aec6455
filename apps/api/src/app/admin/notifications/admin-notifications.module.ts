import { NotificationsDataModule } from '@ddx/server-database';
import { Module } from '@nestjs/common';

import { AdminSharedModule } from '../shared/admin-shared.module';
import { AdminNotificationTemplatesController } from './admin-notification-templates.controller';
import { AdminNotificationsController } from './admin-notifications.controller';
import { AdminNotificationsService } from './admin-notifications.service';

@Module({
  imports: [AdminSharedModule, NotificationsDataModule],
  controllers: [AdminNotificationsController, AdminNotificationTemplatesController],
  providers: [AdminNotificationsService],
})
export class AdminNotificationsModule {}
