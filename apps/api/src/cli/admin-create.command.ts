import { ConfigModule, Env } from '@ddx/server-config';
import { createRootLogger, JsonLogger } from '@ddx/server-logging';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

import { SuperadminProvisioner } from '../app/admin/auth/superadmin-provisioner';
import { CliModule } from './cli.module';

export const ADMIN_CREATE_USAGE = `Usage: node dist/apps/api/main.js admin:create --email <address> [--password <password>]

Creates a superadmin account in the database of MONGO_URL and exits.
Without --password a strong random password is generated and printed once.
Exit codes: 0 created, 1 error, 2 bad usage, 3 refused (weak password), 4 the e-mail already exists.`;

interface Output {
  out(line: string): void;
  err(line: string): void;
}

const stdio: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** `admin:create`: returns the process exit code. */
export async function runAdminCreate(argv: string[], env: Env, io: Output = stdio): Promise<number> {
  let email: string | undefined;
  let password: string | undefined;
  try {
    const { values } = parseArgs({ args: argv, options: { email: { type: 'string' }, password: { type: 'string' }, help: { type: 'boolean' } } });
    if (values.help) {
      io.out(ADMIN_CREATE_USAGE);
      return 0;
    }
    email = values.email;
    password = values.password;
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${ADMIN_CREATE_USAGE}`);
    return 2;
  }
  if (!email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
    io.err(`--email <address> is required.\n\n${ADMIN_CREATE_USAGE}`);
    return 2;
  }
  const generated = password === undefined;
  const secret = password ?? randomBytes(18).toString('base64url');

  const app = await NestFactory.createApplicationContext(CliModule.register(ConfigModule.forRoot(env)), {
    logger: new JsonLogger(createRootLogger('api-cli', env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL)),
  });
  try {
    const result = await app.get(SuperadminProvisioner).createChecked(email, secret);
    switch (result.outcome) {
      case 'created':
        io.out(`Superadmin created: ${result.email} (id ${result.id})`);
        if (generated) io.out(`Generated password (shown once): ${secret}`);
        return 0;
      case 'exists':
        io.err(`An account with the e-mail ${result.email} already exists; nothing changed.`);
        return 4;
      case 'refused':
        io.err(`Refused: ${result.reason}`);
        return 3;
    }
  } catch (e) {
    io.err(`admin:create failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    await app.close();
  }
}
