// `npm run mutation [area…]`: one Stryker run per area of stryker.config.mjs
// (all areas when none is named), then the per-module summary. Exits 1 when
// a run fails or a module scores below the threshold.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { AREAS } = await import(join(root, 'stryker.config.mjs'));
const args = process.argv.slice(2);
// A bare word right after a flag written without `=` is that flag's value
// (`--concurrency 1`); every other bare word names an area.
const flags = [];
const areas = [];
for (const [i, a] of args.entries()) {
  const prev = args[i - 1];
  if (a.startsWith('-') || (prev?.startsWith('-') && !prev.includes('=') && !AREAS[a])) flags.push(a);
  else areas.push(a);
}
for (const a of areas) if (!AREAS[a]) throw new Error(`unknown area ${a}; areas: ${Object.keys(AREAS).join(', ')}`);

const stryker = join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js');
let ok = true;
for (const area of areas.length ? areas : Object.keys(AREAS)) {
  process.stdout.write(`\n=== mutation: ${area} ===\n`);
  const r = spawnSync(process.execPath, [stryker, 'run', 'stryker.config.mjs', ...flags], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, MUTATION_AREA: area },
  });
  if (r.status !== 0) ok = false;
}
const summary = spawnSync(process.execPath, [join(root, 'tools/mutation/summary.mjs')], { cwd: root, stdio: 'inherit' });
process.exit(ok && summary.status === 0 ? 0 : 1);
