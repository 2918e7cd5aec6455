import type { EmulatorOptions } from '../emulator';
import { MBPS, checkBandwidth, checkLatency } from '../http/network-profile';

export class CliUsageError extends Error {}

export const USAGE = `Usage: gdrive-emulator [--port N] [--host H] [--data-dir DIR] [--config FILE]
                      [--token-lifetime SECONDS] [--latency-ms MS] [--bandwidth-mbps MBIT/S] [--verbose]
  --latency-ms MS          a distant Drive: MS each way, so every answer starts 2 × MS later
  --bandwidth-mbps MBIT/S  cap each connection's request and response bodies (megabits/s)
Environment: GDRIVE_EMULATOR_PORT, GDRIVE_EMULATOR_HOST, GDRIVE_EMULATOR_DATA_DIR, GDRIVE_EMULATOR_CONFIG,
             GDRIVE_EMULATOR_LATENCY_MS, GDRIVE_EMULATOR_BANDWIDTH_MBPS
Flags win over environment variables. --port 0 picks a free port.`;

/** Turns argv (without node and script) plus the environment into emulator options. */
export function parseCliOptions(argv: string[], env: NodeJS.ProcessEnv): EmulatorOptions & { help?: boolean } {
  const options: EmulatorOptions & { help?: boolean } = {};
  if (env['GDRIVE_EMULATOR_PORT']) options.port = parsePort(env['GDRIVE_EMULATOR_PORT']);
  if (env['GDRIVE_EMULATOR_HOST']) options.host = env['GDRIVE_EMULATOR_HOST'];
  if (env['GDRIVE_EMULATOR_DATA_DIR']) options.dataDir = env['GDRIVE_EMULATOR_DATA_DIR'];
  if (env['GDRIVE_EMULATOR_CONFIG']) options.config = env['GDRIVE_EMULATOR_CONFIG'];
  if (env['GDRIVE_EMULATOR_LATENCY_MS']) options.latencyMs = parseLatency(env['GDRIVE_EMULATOR_LATENCY_MS'], 'GDRIVE_EMULATOR_LATENCY_MS');
  if (env['GDRIVE_EMULATOR_BANDWIDTH_MBPS']) {
    options.bandwidthBytesPerSecond = parseBandwidth(env['GDRIVE_EMULATOR_BANDWIDTH_MBPS'], 'GDRIVE_EMULATOR_BANDWIDTH_MBPS');
  }

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
      case '--latency-ms':
        options.latencyMs = parseLatency(takeValue(), name);
        break;
      case '--bandwidth-mbps':
        options.bandwidthBytesPerSecond = parseBandwidth(takeValue(), name);
        break;
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

function parseLatency(value: string, name: string): number {
  return checkLatency(value.trim() === '' ? NaN : Number(value), CliUsageError, name);
}

function parseBandwidth(value: string, name: string): number | null {
  return checkBandwidth(value.trim() === '' ? NaN : Number(value), MBPS, CliUsageError, name);
}
