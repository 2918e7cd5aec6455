import { ConfigModule } from '@ddx/server-config';
import { DatabaseModule } from '@ddx/server-database';
import { QueueModule, RedisModule } from '@ddx/server-queue';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';

import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { ContractValidationInterceptor } from './common/contract-validation.interceptor';
import { HealthModule } from './health/health.module';
import { OpenApiModule } from './openapi/openapi.module';
import { SystemModule } from './system/system.module';

@Module({})
export class AppModule {
  static register(config: ConfigModule | DynamicModule = ConfigModule.forRoot()): DynamicModule {
    return {
      module: AppModule,
      imports: [config as DynamicModule, DatabaseModule, RedisModule, QueueModule, HealthModule, SystemModule, OpenApiModule],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_INTERCEPTOR, useClass: ContractValidationInterceptor },
      ],
    };
  }
}
