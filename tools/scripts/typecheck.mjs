// Type-checks every project (app, lib and spec tsconfigs) with tsc --noEmit.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const wanted = new Set(['tsconfig.app.json', 'tsconfig.lib.json', 'tsconfig.spec.json']);

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (wanted.has(name)) out.push(p);
  }
  return out;
}

const configs = ['apps', 'libs', 'tools'].flatMap((d) => find(join(root, d)));
const tsc = join(root, 'node_modules/typescript/bin/tsc');
let failed = 0;

async function check(config) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, '--noEmit', '-p', config], { cwd: root });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      const name = relative(root, config);
      if (code === 0) process.stdout.write(`typecheck ok   ${name}\n`);
      else {
        failed++;
        process.stdout.write(`typecheck FAIL ${name}\n${out}\n`);
      }
      resolve();
    });
  });
}

const queue = [...configs];
await Promise.all(
  Array.from({ length: 2 }, async () => {
    while (queue.length) await check(queue.shift());
  }),
);
if (failed) {
  process.stdout.write(`${failed} project config(s) failed to type-check\n`);
  process.exit(1);
}
