export * from './audience';
export * from './delivery.repository';
export * from './notification.repository';
export * from './notification.schema';
export * from './notifications-data.module';
