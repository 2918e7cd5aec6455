import { NotificationsDataModule } from '@ddx/server-database';
import { Module } from '@nestjs/common';

import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

/** The user side of notifications (the bell). Admins compose them in ../admin/notifications; the worker delivers. */
@Module({
  imports: [NotificationsDataModule],
  controllers: [NotificationsController],
  providers: [NotificationsService],
})
export class NotificationsModule {}
