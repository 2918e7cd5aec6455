import type { EmulatorOptions } from '../emulator';

export class CliUsageError extends Error {}

export const USAGE = `Usage: gdrive-emulator [--port N] [--host H] [--data-dir DIR] [--config FILE]
                      [--token-lifetime SECONDS] [--verbose]
Environment: GDRIVE_EMULATOR_PORT, GDRIVE_EMULATOR_HOST, GDRIVE_EMULATOR_DATA_DIR, GDRIVE_EMULATOR_CONFIG
Flags win over environment variables. --port 0 picks a free port.`;

/** Turns argv (without node and script) plus the environment into emulator options. */
export function parseCliOptions(argv: string[], env: NodeJS.ProcessEnv): EmulatorOptions & { help?: boolean } {
  const options: EmulatorOptions & { help?: boolean } = {};
  if (env['GDRIVE_EMULATOR_PORT']) options.port = parsePort(env['GDRIVE_EMULATOR_PORT']);
  if (env['GDRIVE_EMULATOR_HOST']) options.host = env['GDRIVE_EMULATOR_HOST'];
  if (env['GDRIVE_EMULATOR_DATA_DIR']) options.dataDir = env['GDRIVE_EMULATOR_DATA_DIR'];
  if (env['GDRIVE_EMULATOR_CONFIG']) options.config = env['GDRIVE_EMULATOR_CONFIG'];

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const takeValue = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new CliUsageError(`${name} needs a value`);
      return value;
    };
    switch (name) {
      case '--port':
        options.port = parsePort(takeValue());
        break;
      case '--host':
        options.host = takeValue();
        break;
      case '--data-dir':
        options.dataDir = takeValue();
        break;
      case '--config':
        options.config = takeValue();
        break;
      case '--token-lifetime': {
        const seconds = Number(takeValue());
        if (!(seconds > 0)) throw new CliUsageError('--token-lifetime must be a positive number of seconds');
        options.tokenLifetimeSeconds = seconds;
        break;
      }
      case '--verbose':
        options.verbose = true;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new CliUsageError(`unknown argument ${arg}`);
    }
  }
  return options;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliUsageError(`invalid port ${value}`);
  return port;
}
