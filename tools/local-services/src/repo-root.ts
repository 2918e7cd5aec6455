import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The monorepo root: the nearest folder up whose package.json is ours. */
export function repoRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'directdrivex') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('could not find the directdrivex repository root');
    dir = parent;
  }
}
