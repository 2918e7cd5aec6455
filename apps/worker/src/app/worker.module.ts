import { ConfigModule } from '@ddx/server-config';
import { DatabaseModule } from '@ddx/server-database';
import { QueueModule, RedisModule } from '@ddx/server-queue';
import { DynamicModule, Module } from '@nestjs/common';

import { RedisWatchdog } from './redis-watchdog';
import { SystemProcessor } from './system/system.processor';

@Module({})
export class WorkerModule {
  static register(config: DynamicModule = ConfigModule.forRoot()): DynamicModule {
    return {
      module: WorkerModule,
      imports: [config, DatabaseModule, RedisModule, QueueModule],
      providers: [SystemProcessor, RedisWatchdog],
    };
  }
}
