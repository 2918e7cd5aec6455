import { CliUsageError, USAGE, parseCliOptions } from './cli/cli-options';
import { startEmulator } from './emulator';

async function main(): Promise<void> {
  let options;
  try {
    options = parseCliOptions(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof CliUsageError) {
      process.stderr.write(`gdrive-emulator: ${err.message}\n${USAGE}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  const emulator = await startEmulator(options);
  // Launchers wait for exactly this line (and read the port from it).
  process.stdout.write(`gdrive-emulator listening on ${emulator.url.replace(/\/$/, '')}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`gdrive-emulator: error while stopping on ${signal}: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`gdrive-emulator: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(1);
});
