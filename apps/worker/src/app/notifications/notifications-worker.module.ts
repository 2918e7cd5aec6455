import { NotificationsDataModule } from '@ddx/server-database';
import { Module } from '@nestjs/common';

import { NotificationMailer } from './notification-mailer';
import { NotificationsProcessor } from './notifications.processor';

/** The worker side of notifications: the send/sweep processor and its mailer. */
@Module({
  imports: [NotificationsDataModule],
  providers: [NotificationsProcessor, NotificationMailer],
})
export class NotificationsWorkerModule {}
