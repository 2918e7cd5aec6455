import { AppConfig } from '@ddx/server-config';
import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';

import { QueueName } from './queue-names';
import { redisOptionsFromUrl } from './redis-options';

const queues = Object.values(QueueName).map((name) => ({ name }));

/** BullMQ connection plus registration of every queue (producers and processors share it). */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        prefix: `${config.REDIS_PREFIX}:bull`,
        // BullMQ requires maxRetriesPerRequest=null on its blocking connections.
        connection: { ...redisOptionsFromUrl(config.REDIS_URL), maxRetriesPerRequest: null },
        defaultJobOptions: { removeOnComplete: 1000, removeOnFail: 5000 },
      }),
    }),
    BullModule.registerQueue(...queues),
  ],
  exports: [BullModule],
})
export class QueueModule {}
