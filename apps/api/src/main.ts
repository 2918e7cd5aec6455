import { AppConfig, assertApiServerConfig, ConfigError, loadConfig } from '@ddx/server-config';
import { exitOnUnexpectedErrors } from '@ddx/server-logging';
import { Logger } from '@nestjs/common';

import { createApp } from './app/bootstrap';
import { runAdminCreate } from './cli/admin-create.command';

/** One-shot commands: `node dist/apps/api/main.js <command> [args]`. */
const COMMANDS: Record<string, typeof runAdminCreate> = {
  'admin:create': runAdminCreate,
};

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  let env;
  try {
    env = loadConfig();
    if (!command) assertApiServerConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  if (command) {
    const run = COMMANDS[command];
    if (!run) {
      process.stderr.write(`Unknown command "${command}". Commands: ${Object.keys(COMMANDS).join(', ')}\n`);
      process.exit(2);
    }
    process.exit(await run(args, env));
  }
  exitOnUnexpectedErrors('api', env.LOG_LEVEL);
  const app = await createApp(env);
  const config = app.get(AppConfig);
  await app.listen(config.PORT, config.HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  Logger.log({ msg: 'api listening', url: `http://${config.HOST}:${port}`, port }, 'Bootstrap');
}

main().catch((e: unknown) => {
  process.stderr.write(`api failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
