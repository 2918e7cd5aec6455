import { DynamicModule, Global, Module } from '@nestjs/common';

import { AppConfig } from './app-config';
import { Env } from './env.schema';
import { loadConfig } from './load-config';

@Global()
@Module({})
export class ConfigModule {
  /** `env` lets tests pass a ready config; processes read `process.env`. */
  static forRoot(env: Env = loadConfig()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: env }],
      exports: [AppConfig],
    };
  }
}
