#!/usr/bin/env node
// Copies packages and their production dependency closure, as package-lock.json resolves
// them, from ./node_modules into <dest>/node_modules:
//   node docker/dev/copy-package-closure.js <dest> <package>...
// Used by docker/webdav-dev.Dockerfile to ship webdav-server without the whole tree.
'use strict';

const { cpSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const [dest, ...wanted] = process.argv.slice(2);
if (!dest || !wanted.length) {
  process.stderr.write('usage: copy-package-closure.js <dest> <package>...\n');
  process.exit(2);
}
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const packages = lock.packages || {};

/** npm's lookup: <from>/node_modules/<name>, then each parent's, then the root's. */
function resolve(name, from) {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

const seen = new Set();
function visit(key) {
  if (seen.has(key)) return;
  seen.add(key);
  const entry = packages[key];
  for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
    const found = resolve(dep, key);
    if (found) visit(found);
    else if (!(entry.optionalDependencies || {})[dep]) throw new Error(`${key} needs ${dep}, which the lockfile does not have`);
  }
}
for (const name of wanted) {
  const key = resolve(name, '');
  if (!key) throw new Error(`${name} is not in package-lock.json`);
  visit(key);
}
for (const key of [...seen].sort()) cpSync(key, join(dest, key), { recursive: true });
process.stdout.write(`copied ${seen.size} packages: ${[...seen].map((k) => k.replace(/^.*node_modules\//, '')).join(', ')}\n`);
