import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The two ways a bug reaches a process (docs/architecture.md, "Unexpected
 * errors"), planted by a module preloaded with `--require`: SIGUSR2 throws,
 * SIGWINCH rejects a promise nobody awaits.
 */
export const PLANTED_BUGS = [
  ['a thrown exception', 'SIGUSR2', 'uncaughtException', 'planted bug: thrown'],
  ['an unhandled rejection', 'SIGWINCH', 'unhandledRejection', 'planted bug: rejected'],
] as const;

/** Writes the preload module into `dir` and returns its path. */
export function writePlantedBugPreload(dir: string): string {
  const preload = join(dir, 'plant-bug.js');
  writeFileSync(
    preload,
    `process.on('SIGUSR2', () => { throw new Error('planted bug: thrown'); });
process.on('SIGWINCH', () => { Promise.reject(new Error('planted bug: rejected')); });
`,
  );
  return preload;
}

export interface FatalLine {
  msg: string;
  origin: string;
  err: { message: string; stack: string };
}

/** The `fatal` JSON log lines in a process's output. */
export function fatalLines(output: string): FatalLine[] {
  return output
    .split('\n')
    .filter((l) => l.includes('"level":"fatal"'))
    .map((l) => JSON.parse(l) as FatalLine);
}
