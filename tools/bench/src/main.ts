/**
 * `npm run bench`: builds the api, worker and Drive emulator, then measures
 * the figures of issue #12 against baselines taken in the same run and
 * prints a table; the JSON goes to tools/bench/results/.
 *
 *   npm run bench                      full sizes, 5 interleaved repeats, verdicts on the median of paired ratios
 *   npm run bench -- --quick           small sizes, 1 repeat, every figure (what the jest spec runs)
 *   npm run bench -- --only upload-single,download --repeats 3
 *   npm run bench -- --distant         only the distant-Drive figures (emulator 40 ms away; with --quick, small sizes)
 *   npm run bench -- --only browser --browser-trace --keep   one more browser upload under a Chromium trace (temp dir's traces/)
 *   npm run bench -- --profile --only upload-single   api under --cpu-prof; prints where it spent its time
 *   npm run bench -- --no-build --keep  skip the build; keep the temp dir (logs, data, profiles)
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { repoRoot } from '@ddx/local-services';

import { DISTANT_IDS, FIGURE_IDS, FigureId, runBench } from './lib/bench';
import { formatReport, writeReport } from './lib/report';
import { runningStacks } from './lib/stack';

function parseArgs(argv: string[]) {
  const opts = { quick: false, build: true, profile: false, keep: false, browserTrace: false, repeats: undefined as number | undefined, only: [] as FigureId[], out: undefined as string | undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') opts.quick = true;
    else if (a === '--no-build') opts.build = false;
    else if (a === '--profile') opts.profile = true;
    else if (a === '--keep') opts.keep = true;
    else if (a === '--browser-trace') opts.browserTrace = true;
    else if (a === '--distant') opts.only.push(...DISTANT_IDS);
    else if (a === '--repeats') {
      opts.repeats = Number(value());
      if (!Number.isInteger(opts.repeats) || opts.repeats < 1) throw new Error('--repeats needs a whole number ≥ 1');
    }
    else if (a === '--out') opts.out = value();
    else if (a === '--only') {
      for (const id of value().split(',')) {
        if (!(FIGURE_IDS as readonly string[]).includes(id)) throw new Error(`unknown figure ${id}; figures: ${FIGURE_IDS.join(', ')}`);
        opts.only.push(id as FigureId);
      }
    } else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const root = repoRoot(__dirname);
  const say = (line: string) => process.stderr.write(`\x1b[36m[bench]\x1b[0m ${line}\n`);
  if (opts.build) {
    say('building api, worker and the Drive emulator (cached when unchanged)…');
    execFileSync(process.execPath, [join(root, 'node_modules/nx/bin/nx.js'), 'run-many', '-t', 'build', '-p', 'api', 'worker', 'gdrive-emulator', '--output-style=static'], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      // Without ts-node's settings: TS_NODE_PROJECT (set by `npm run bench`) would make
      // webpack's tsconfig-paths plugin load the bench's tsconfig for the apps.
      env: { ...withoutTsNode(process.env), NX_DAEMON: 'false' },
    });
  }
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      say(`${signal}: stopping every process…`);
      void Promise.all([...runningStacks].map((s) => s.stop())).finally(() => process.exit(130));
    });
  }
  const report = await runBench({ quick: opts.quick, repeats: opts.repeats, only: opts.only, profile: opts.profile, keep: opts.keep, browserTrace: opts.browserTrace, say });
  process.stdout.write(`\n${formatReport(report)}\n`);
  const complete = opts.only.length === 0;
  const file = writeReport(report, opts.out ?? join(root, 'tools/bench/results'), { latest: complete && !opts.quick && !opts.profile });
  say(`results written to ${file}${report.workDirKept ? `; temp dir kept at ${report.workDir}` : ''}`);
  const ok = report.figures.every((f) => f.pass);
  process.exitCode = report.figures.some((f) => f.checks.some((c) => !c.ok)) ? 2 : ok ? 0 : 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`\nbench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(3);
});

function withoutTsNode(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('TS_NODE_')));
}
