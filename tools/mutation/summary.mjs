// Reads the JSON report of every area in reports/mutation and writes
// reports/mutation/summary.md: one row per mutated module (the table README
// "Mutation testing" shows). Exits 1 when any module scores below the break
// threshold of stryker.config.mjs, because Stryker itself only checks the
// score of all modules of a run together.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { default: config, AREAS } = await import(join(root, 'stryker.config.mjs'));
const threshold = config.thresholds.break;
const files = {};
for (const area of Object.keys(AREAS)) {
  const report = join(root, 'reports/mutation', area, 'mutation.json');
  if (existsSync(report)) Object.assign(files, JSON.parse(readFileSync(report, 'utf8')).files);
  else process.stdout.write(`no report yet for ${area} (npm run mutation ${area})\n`);
}

const rows = [];
for (const [path, file] of Object.entries(files)) {
  const count = (...statuses) => file.mutants.filter((m) => statuses.includes(m.status)).length;
  const killed = count('Killed', 'Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const valid = killed + survived + noCoverage;
  const score = valid ? (100 * killed) / valid : 100;
  rows.push({ module: relative(root, join(root, path)), score, killed, survived, noCoverage });
}
rows.sort((a, b) => a.module.localeCompare(b.module));
const total = rows.reduce((t, r) => ({ killed: t.killed + r.killed, survived: t.survived + r.survived, noCoverage: t.noCoverage + r.noCoverage }), {
  killed: 0,
  survived: 0,
  noCoverage: 0,
});
const totalScore = (100 * total.killed) / Math.max(1, total.killed + total.survived + total.noCoverage);
const line = (cells) => `| ${cells.join(' | ')} |`;
const md = [
  line(['module', 'score', 'killed', 'survived', 'no coverage']),
  line(['---', '---:', '---:', '---:', '---:']),
  ...rows.map((r) => line([`\`${r.module}\``, `${r.score.toFixed(1)} %`, r.killed, r.survived, r.noCoverage])),
  line(['**all**', `**${totalScore.toFixed(1)} %**`, total.killed, total.survived, total.noCoverage]),
].join('\n');
writeFileSync(join(root, 'reports/mutation/summary.md'), `${md}\n`);
process.stdout.write(`${md}\n`);
const below = rows.filter((r) => r.score < threshold);
for (const r of below) process.stdout.write(`below ${threshold} %: ${r.module} (${r.score.toFixed(1)} %)\n`);
process.exit(below.length ? 1 : 0);
