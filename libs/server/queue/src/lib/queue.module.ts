import { AppConfig } from '@ddx/server-config';
import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';

import { AllQueues } from './all-queues';
import { BackupQueue } from './backup.queue';
import { CleanupQueue } from './cleanup.queue';
import { LogsQueue } from './logs.queue';
import { MaintenanceQueue } from './maintenance.queue';
import { NotificationQueue } from './notification.queue';
import { bullConnection, bullPrefix } from './queue-connection';
import { QueueName } from './queue-names';
import { SystemQueue } from './system.queue';

const queues = Object.values(QueueName).map((name) => ({ name }));
const producers = [SystemQueue, BackupQueue, MaintenanceQueue, CleanupQueue, LogsQueue, NotificationQueue, AllQueues];

/**
 * BullMQ connection, registration of every queue, and one producer per queue
 * (the only way api and worker code adds, schedules or counts jobs).
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        prefix: bullPrefix(config.REDIS_PREFIX),
        connection: bullConnection(config.REDIS_URL),
        defaultJobOptions: { removeOnComplete: 1000, removeOnFail: 5000 },
      }),
    }),
    BullModule.registerQueue(...queues),
  ],
  providers: producers,
  exports: [BullModule, ...producers],
})
export class QueueModule {}
