import { ConfigError, ConfigModule, loadConfig } from '@ddx/server-config';
import { createRootLogger, exitOnUnexpectedErrors, JsonLogger } from '@ddx/server-logging';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { WorkerModule } from './app/worker.module';

async function main(): Promise<void> {
  let env;
  try {
    env = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
  exitOnUnexpectedErrors('worker', env.LOG_LEVEL);
  const app = await NestFactory.createApplicationContext(WorkerModule.register(ConfigModule.forRoot(env)), {
    logger: new JsonLogger(createRootLogger('worker', env.LOG_LEVEL)),
  });
  app.enableShutdownHooks();
  await app.init();
  Logger.log({ msg: 'worker ready', pid: process.pid }, 'Bootstrap');
}

main().catch((e: unknown) => {
  process.stderr.write(`worker failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
