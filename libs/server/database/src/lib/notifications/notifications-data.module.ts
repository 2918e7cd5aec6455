import { Module, OnModuleInit } from '@nestjs/common';
import { getConnectionToken, getModelToken, MongooseModule } from '@nestjs/mongoose';
import { Connection, Model } from 'mongoose';

import { NotificationAudienceResolver } from './audience';
import { DeliveryRepository } from './delivery.repository';
import { NotificationRepository } from './notification.repository';
import {
  NOTIFICATION_DELIVERIES_COLLECTION,
  NOTIFICATION_TEMPLATES_COLLECTION,
  NotificationDeliveryDoc,
  notificationDeliverySchema,
  NotificationDoc,
  NOTIFICATIONS_COLLECTION,
  notificationSchema,
  NotificationTemplateDoc,
  notificationTemplateSchema,
} from './notification.schema';

export const NOTIFICATION_MODEL = 'Notification';
export const NOTIFICATION_DELIVERY_MODEL = 'NotificationDelivery';
export const NOTIFICATION_TEMPLATE_MODEL = 'NotificationTemplate';

/** Notifications, their deliveries and templates, plus the audience resolver: shared by api and worker. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: NOTIFICATION_MODEL, schema: notificationSchema, collection: NOTIFICATIONS_COLLECTION },
      { name: NOTIFICATION_DELIVERY_MODEL, schema: notificationDeliverySchema, collection: NOTIFICATION_DELIVERIES_COLLECTION },
      { name: NOTIFICATION_TEMPLATE_MODEL, schema: notificationTemplateSchema, collection: NOTIFICATION_TEMPLATES_COLLECTION },
    ]),
  ],
  providers: [
    {
      provide: NotificationRepository,
      inject: [getModelToken(NOTIFICATION_MODEL), getModelToken(NOTIFICATION_TEMPLATE_MODEL)],
      useFactory: (m: Model<NotificationDoc>, t: Model<NotificationTemplateDoc>) => new NotificationRepository(m, t),
    },
    {
      provide: DeliveryRepository,
      inject: [getModelToken(NOTIFICATION_DELIVERY_MODEL)],
      useFactory: (m: Model<NotificationDeliveryDoc>) => new DeliveryRepository(m),
    },
    { provide: NotificationAudienceResolver, inject: [getConnectionToken()], useFactory: (c: Connection) => new NotificationAudienceResolver(c) },
  ],
  exports: [NotificationRepository, DeliveryRepository, NotificationAudienceResolver],
})
export class NotificationsDataModule implements OnModuleInit {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly deliveries: DeliveryRepository,
  ) {}

  /** The unique indexes (one delivery per recipient, one template per name) exist before the first write. */
  async onModuleInit(): Promise<void> {
    await Promise.all([this.notifications.init(), this.deliveries.init()]);
  }
}
