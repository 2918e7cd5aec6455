export * from './lib/queue-names';
export * from './lib/queue.module';
export * from './lib/redis-options';
export * from './lib/redis.module';
export * from './lib/live-events.publisher';
export * from './lib/notification-jobs';
