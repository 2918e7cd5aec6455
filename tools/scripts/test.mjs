// `npm test`: build, type-check, lint, a mutation smoke run, then every jest project (unit and
// integration tests against real local services). Ends with one line
// "N passed, N failed" for the whole run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const nx = join(root, 'node_modules/nx/bin/nx.js');
const summaryDir = mkdtempSync(join(tmpdir(), 'ddx-summary-'));
const env = { ...process.env, NX_DAEMON: 'false', DDX_TEST_SUMMARY_DIR: summaryDir, FORCE_COLOR: process.env.CI ? '0' : '1' };
const extra = process.argv.slice(2);

function step(title, args) {
  process.stdout.write(`\n=== ${title} ===\n`);
  const r = spawnSync(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
  return r.status === 0;
}

const results = {
  build: step('build', [nx, 'run-many', '-t', 'build', '--output-style=static']),
};
results.typecheck = step('typecheck', [join(root, 'tools/scripts/typecheck.mjs')]);
results.lint = step('lint', [nx, 'run-many', '-t', 'eslint:lint', '--output-style=static']);
// A mutation smoke run: byte-range.ts mutated one change at a time must be
// caught by its specs (README "Mutation testing"; `npm run mutation` runs
// every guarded module, too long for CI on two cores).
results.mutation = step('mutation smoke', [join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js'), 'run', 'stryker.smoke.config.mjs']);
// Every jest project runs after the one build above (running them through nx would
// rebuild through each project's dependsOn and could serve results from its cache).
function jestConfigs(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) jestConfigs(p, out);
    else if (name === 'project.json') {
      const config = JSON.parse(readFileSync(p, 'utf8')).targets?.test?.options?.jestConfig;
      if (config) out.push(config);
    }
  }
  return out;
}
const jest = join(root, 'node_modules/jest/bin/jest.js');
const only = extra.filter((a) => !a.startsWith('-'));
const configs = ['apps', 'libs', 'tools'].flatMap((d) => jestConfigs(join(root, d))).filter((c) => !only.length || only.some((o) => c.includes(o)));
results.test = results.build;
for (const config of configs) {
  if (!results.build) break;
  if (!step(`jest ${config}`, [jest, '-c', config, '--ci'])) results.test = false;
}

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(summaryDir)) {
  for (const f of readdirSync(summaryDir)) {
    const s = JSON.parse(readFileSync(join(summaryDir, f), 'utf8'));
    passed += s.passed;
    failed += s.failed;
    skipped += s.skipped;
  }
}
for (const [name, ok] of Object.entries(results)) if (!ok) process.stdout.write(`step failed: ${name}\n`);
const allOk = Object.values(results).every(Boolean) && failed === 0;
if (!allOk && failed === 0) failed = 1; // a failed build/typecheck/lint step counts as a failure
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(allOk ? 0 : 1);
