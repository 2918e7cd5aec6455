import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Full path of an executable on PATH (or in extra dirs), or undefined. */
export function findBinary(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), ...extraDirs];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

export class MissingBinaryError extends Error {
  constructor(binary: string, howToInstall: string) {
    super(`'${binary}' was not found on PATH. Install it with: ${howToInstall}`);
    this.name = 'MissingBinaryError';
  }
}

export function requireBinary(name: string, howToInstall: string, extraDirs: string[] = []): string {
  const found = findBinary(name, extraDirs);
  if (!found) throw new MissingBinaryError(name, howToInstall);
  return found;
}

export function run(command: string, args: string[], cwd: string): void {
  execFileSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
}
