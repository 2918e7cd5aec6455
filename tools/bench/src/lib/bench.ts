import { repoRoot } from '@ddx/local-services';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

import { ApiClient } from './api-client';
import { DirectDrive } from './drive-direct';
import { sha256OfRange, SourceFile, writeRandomFile } from './files';
import { runLoad, LoadResult, sleep } from './load';
import { ApiCpu, cpuMeter, cpuMs, machineInfo, MachineInfo, machineLoadMeter, rssMiB, sampleRss } from './proc';
import { summarizeProfiles, ProfileSummary } from './profile';
import { call, keepAliveAgent } from './http';
import { BenchStack, FileRow, filesCollection } from './stack';
import { median, MiB, mibps, round, seededRandom } from './stats';
import { DirectWebdav } from './webdav-direct';

/** The figures that run again against a distant Drive (the emulator's network profile). */
export const DISTANT_BASES = ['upload-single', 'upload-concurrent', 'download', 'ranged'] as const;
export const DISTANT_IDS = DISTANT_BASES.map((id) => `distant-${id}` as const);
// Distant before backup: the worker that backup starts would otherwise compete for the cores.
export const FIGURE_IDS = ['rss', 'upload-single', 'upload-concurrent', 'download', 'ranged', 'meta', ...DISTANT_IDS, 'backup'] as const;
export type FigureId = (typeof FIGURE_IDS)[number];
type DistantBase = (typeof DISTANT_BASES)[number];

/**
 * A Drive 40 ms away (20 ms each way): what loopback hides. The baselines then use what a
 * well-written direct client would: PUTs of up to 64 MiB (the round trip is paid once per
 * PUT), plain alt=media reads.
 */
export const DISTANT_LATENCY_MS = 20;
export const DISTANT_PUT_BYTES = 64 * MiB;

export interface BenchOptions {
  /** Small sizes, one repeat: proves the harness and checks the bytes (npm test). */
  quick: boolean;
  /** Interleaved baseline/subject repeats per figure (median taken). Default 3, quick 1. */
  repeats?: number;
  /** Only these figures. */
  only?: FigureId[];
  /** Run the api with `--cpu-prof` and summarise where it spent its time. */
  profile?: boolean;
  /** Keep the temp dir (data, logs, profiles) instead of deleting it. */
  keep?: boolean;
  say?: (line: string) => void;
}

export interface Sizes {
  single: number;
  concurrentCount: number;
  concurrent: number;
  download: number;
  ranges: number;
  rangeSize: number;
  backup: number;
  rssCount: number;
  rss: number;
  loadConnections: number;
  loadMs: number;
}

export const FULL_SIZES: Sizes = {
  single: 512 * MiB,
  concurrentCount: 8,
  concurrent: 128 * MiB,
  download: 512 * MiB,
  ranges: 100,
  rangeSize: MiB,
  backup: 512 * MiB,
  rssCount: 16,
  rss: 256 * MiB,
  loadConnections: 64,
  loadMs: 10_000,
};

/** Odd sizes on purpose: a short last frame/chunk on every path. */
export const QUICK_SIZES: Sizes = {
  single: 9 * MiB + 12_345,
  concurrentCount: 8,
  concurrent: MiB + 7,
  download: 6 * MiB + 1,
  ranges: 12,
  rangeSize: 256 * 1024,
  backup: 3 * MiB + 5,
  rssCount: 16,
  rss: 512 * 1024 + 3,
  loadConnections: 8,
  loadMs: 1000,
};

export interface Side {
  label: string;
  unit: string;
  runs: number[];
  median: number;
}

export interface Check {
  what: string;
  expected: string;
  actual: string;
  ok: boolean;
}

export interface Figure {
  id: FigureId;
  title: string;
  subject: Side;
  baseline: Side;
  /** median(subject)/median(baseline) (throughputs) — or, for RSS, the growth in MiB. */
  ratio: number | null;
  /**
   * subject/baseline of each back-to-back pair, and their median: less moved
   * by load that changes between repeats (other work on the same cores).
   */
  pairedRatios?: { runs: number[]; median: number };
  target: { text: string; limit: number; higherIsBetter: boolean };
  /** Whether the target was met; null in quick mode (sizes too small for timings to mean anything). */
  targetMet: boolean | null;
  /** Every byte check matched. */
  bytesOk: boolean;
  /** bytesOk and (in full mode) targetMet. */
  pass: boolean;
  /** Byte-for-byte checks (SHA-256 of what came back against what was sent). */
  checks: Check[];
  details: Record<string, unknown>;
}

export interface BenchReport {
  mode: 'full' | 'quick';
  startedAt: string;
  finishedAt: string;
  repeats: number;
  sizes: Sizes;
  machine: MachineInfo;
  loadavgAtEnd: number[];
  figures: Figure[];
  profile?: ProfileSummary;
  /** Temp dir of the run (deleted at the end unless kept). */
  workDir: string;
  workDirKept: boolean;
  /** Processes the run started (all stopped before runBench returns). */
  processes: Array<{ name: string; pid: number }>;
}

/** Runs the harness: starts the stack, measures each figure, stops every process. */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const say = options.say ?? (() => undefined);
  const sizes = options.quick ? QUICK_SIZES : FULL_SIZES;
  const repeats = options.repeats ?? (options.quick ? 1 : 3);
  const wanted = new Set<FigureId>(options.only?.length ? options.only : FIGURE_IDS);
  const root = repoRoot(__dirname);
  const machine = machineInfo(root);
  const startedAt = new Date().toISOString();

  const workDir = mkdtempSync(join(tmpdir(), 'ddx-bench-'));
  // Apache's workers (www-data when root) must be able to pass through it.
  chmodSync(workDir, 0o711);
  const srcDir = join(workDir, 'sources');
  const profileDir = join(workDir, 'profiles');
  mkdirSync(srcDir);
  if (options.profile) mkdirSync(profileDir);

  let stack: BenchStack | undefined;
  const clients: Array<{ close(): void }> = [];
  const figures: Figure[] = [];
  let profile: ProfileSummary | undefined;
  let processes: Array<{ name: string; pid: number }> = [];
  try {
    stack = await BenchStack.start({
      dataDir: join(workDir, 'data'),
      logDir: join(workDir, 'logs'),
      apiEnv: options.profile ? { NODE_OPTIONS: `--require ${join(__dirname, '..', 'cpu-profile-preload.js')}`, BENCH_CPU_PROF_DIR: profileDir } : undefined,
      say,
    });
    const ctx = new Context(stack, sizes, repeats, srcDir, say, options.quick);
    clients.push(ctx.api, ctx.webdav, ...ctx.drives);
    await ctx.warmUp();
    for (const id of FIGURE_IDS) {
      if (!wanted.has(id)) continue;
      say(`— ${id}`);
      const figure = await FIGURES[id](ctx);
      figures.push(figure);
      say(`  ${describe(figure)}`);
    }
  } finally {
    processes = stack?.pids() ?? [];
    for (const c of clients) c.close();
    await stack?.stop();
    if (options.profile) profile = summarizeProfiles(readdirSync(profileDir).map((f) => join(profileDir, f)));
    if (!options.keep) rmSync(workDir, { recursive: true, force: true });
  }
  return {
    mode: options.quick ? 'quick' : 'full',
    startedAt,
    finishedAt: new Date().toISOString(),
    repeats,
    sizes,
    machine,
    loadavgAtEnd: (await import('node:os')).loadavg().map((x) => round(x)),
    figures,
    profile,
    workDir,
    workDirKept: !!options.keep,
    processes,
  };
}

export function describe(f: Figure): string {
  const ratio = f.ratio === null ? '—' : f.id === 'rss' ? `+${round(f.ratio, 1)} MiB` : round(f.ratio, 3).toFixed(3);
  const bad = f.checks.filter((c) => !c.ok).length;
  const verdictText = f.targetMet === null ? 'target not judged (quick)' : f.targetMet ? 'target met' : 'target MISSED';
  return `${f.id}: subject ${round(f.subject.median, 1)} ${f.subject.unit}, baseline ${round(f.baseline.median, 1)} ${f.baseline.unit}, ratio ${ratio} (${f.target.text}): ${verdictText}; ${bad ? `${bad} byte check(s) FAILED` : `${f.checks.length} byte checks ok`}`;
}

/** What every figure needs: the stack, clients, and the source files (made once, on demand). */
class Context {
  readonly api: ApiClient;
  /** Baselines' client (account 1); `driveFor` gives the one of the account holding a file. */
  readonly drive: DirectDrive;
  readonly drives: DirectDrive[];
  readonly webdav: DirectWebdav;
  private readonly sources = new Map<string, Promise<SourceFile>>();
  private download?: Promise<DownloadFile>;
  private readonly accountDrives = new Map<string, DirectDrive>();
  private readonly emulatorNetwork: string;
  /** Set while a distant-Drive figure runs: its id prefix and baselines change. */
  distant = false;

  figureId(base: DistantBase): FigureId {
    return this.distant ? `distant-${base}` : base;
  }

  /** Runs `measure` with the emulator 2 × `latencyMs` away, and back to loopback after (even on failure). */
  async atDistance<T>(latencyMs: number, measure: () => Promise<T>): Promise<T> {
    const json = (body: object) => {
      const text = JSON.stringify(body);
      return { method: 'PUT', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }, body: text };
    };
    await call(this.emulatorNetwork, json({ latencyMs }));
    this.distant = true;
    try {
      return await measure();
    } finally {
      this.distant = false;
      await call(this.emulatorNetwork, { method: 'DELETE' });
    }
  }

  constructor(
    readonly stack: BenchStack,
    readonly sizes: Sizes,
    readonly repeats: number,
    private readonly srcDir: string,
    readonly say: (line: string) => void,
    readonly quick: boolean,
  ) {
    this.api = new ApiClient(stack.apiUrl);
    this.emulatorNetwork = `${stack.emulator.apiRoot}__emulator/network`;
    const agent = keepAliveAgent(64);
    this.drives = stack.credentials.map((c) => new DirectDrive(stack.emulator.apiRoot, c, agent));
    const first = this.drives[0];
    if (!first) throw new Error('the stack has no Drive account');
    this.drive = first;
    const w = stack.webdav;
    this.webdav = new DirectWebdav(w.url, w.username, w.password);
  }

  source(name: string, size: number): Promise<SourceFile> {
    let s = this.sources.get(name);
    if (!s) {
      s = writeRandomFile(join(this.srcDir, name), size);
      this.sources.set(name, s);
    }
    return s;
  }

  /** First requests load code paths and open connections; none of it is measured. */
  async warmUp(): Promise<void> {
    const src = await this.source('warmup.bin', 8 * MiB + 1);
    const up = await this.api.upload(src.path, src.size, 'warmup.bin');
    await this.api.download(up.fileId);
    await this.api.download(up.fileId, { range: [0, 1023] });
    const direct = await this.drive.uploadFile(src.path, src.size, 'warmup-direct.bin', 4 * MiB);
    await this.drive.download(direct.id);
    await this.retireApiFile(up.fileId);
    await this.drive.deleteFile(direct.id);
  }

  downloadSource(): Promise<SourceFile> {
    return this.source(this.sizes.download === this.sizes.single ? 'single.bin' : 'download.bin', this.sizes.download);
  }

  async retireDownloadFile(): Promise<void> {
    const f = await this.download;
    if (f) await this.retireApiFile(f.fileId);
    this.download = undefined;
  }

  /** The file the download, ranged and meta figures read: uploaded through the api once. */
  downloadFile(src: SourceFile): Promise<DownloadFile> {
    this.download ??= (async () => {
      const up = await this.api.upload(src.path, src.size, 'download.bin');
      const row = await this.fileRow(up.fileId);
      return { fileId: up.fileId, driveFileId: row.driveFileId as string, drive: await this.driveFor(row.driveAccountId) };
    })();
    return this.download;
  }

  /** The direct client of the emulator account behind an api pool account (the emulator scopes files to the token's account). */
  async driveFor(driveAccountId: string | null | undefined): Promise<DirectDrive> {
    if (!driveAccountId) throw new Error('the file has no Drive account');
    let d = this.accountDrives.get(driveAccountId);
    if (!d) {
      const account = await this.stack.mongo.collection<{ _id: string; email: string }>('drive_accounts').findOne({ _id: driveAccountId });
      const n = Number(/^bench-(\d+)@/.exec(account?.email ?? '')?.[1]);
      d = this.drives[n - 1];
      if (!d) throw new Error(`unknown Drive account ${driveAccountId} (${account?.email})`);
      this.accountDrives.set(driveAccountId, d);
    }
    return d;
  }

  async fileRow(fileId: string) {
    const row = await filesCollection(this.stack.mongo).findOne({ _id: fileId });
    if (!row) throw new Error(`file ${fileId} is not in MongoDB`);
    return row;
  }

  /** SHA-256 of what Drive holds for an upload done through the api. */
  async driveSha(row: FileRow): Promise<string> {
    return (await (await this.driveFor(row.driveAccountId)).download(row.driveFileId as string, { hash: true })).sha256 as string;
  }

  /**
   * Frees disk and keeps the worker from backing it up later: deletes the
   * Drive file and marks the upload deleted in MongoDB.
   */
  async retireApiFile(fileId: string): Promise<void> {
    const row = await this.fileRow(fileId);
    if (row.driveFileId) await (await this.driveFor(row.driveAccountId)).deleteFile(row.driveFileId);
    await filesCollection(this.stack.mongo).updateOne({ _id: fileId }, { $set: { status: 'deleted', deletedAt: new Date() } });
  }
}

interface DownloadFile {
  fileId: string;
  driveFileId: string;
  /** Direct client of the account that holds it. */
  drive: DirectDrive;
}

function check(what: string, expected: string, actual: string | undefined): Check {
  return { what, expected, actual: actual ?? '(nothing)', ok: expected === actual };
}

interface Runs {
  b: number[];
  s: number[];
  /** Share of the whole machine's CPU (all cores, all processes) busy during each run. */
  busy: { b: number[]; s: number[] };
  /** CPU ms each process of the stack (and the bench client) used during each run, and the run's wall ms. */
  byProcess: { b: Array<Record<string, number>>; s: Array<Record<string, number>>; wallMs: { b: number[]; s: number[] } };
}

function emptyRuns(): Runs {
  return { b: [], s: [], busy: { b: [], s: [] }, byProcess: { b: [], s: [], wallMs: { b: [], s: [] } } };
}

/** Starts measuring one run of one side (machine load, CPU per process, wall time); `done` records it with its rate. */
function startRun(ctx: Context, runs: Runs, side: 'b' | 's'): { done(rate: number): void } {
  const load = machineLoadMeter();
  const cpu = processCpuMeter([...ctx.stack.pids(), { name: 'bench client', pid: process.pid }]);
  const started = performance.now();
  return {
    done: (rate) => {
      runs[side].push(rate);
      runs.busy[side].push(load.stop());
      runs.byProcess[side].push(cpu.stop());
      runs.byProcess.wallMs[side].push(performance.now() - started);
    },
  };
}

/** CPU ms used by each named process between start and stop. */
function processCpuMeter(processes: Array<{ name: string; pid: number }>): { stop(): Record<string, number> } {
  const before = processes.map((p) => cpuMs(p.pid));
  return {
    stop: () => {
      const out: Record<string, number> = {};
      processes.forEach((p, k) => {
        const d = cpuMs(p.pid) - (before[k] as number);
        if (Number.isFinite(d)) out[p.name] = (out[p.name] ?? 0) + d;
      });
      return out;
    },
  };
}

/** Runs `baseline` and `subject` `repeats` times, alternating which goes first (ABBA). */
async function interleave(ctx: Context, baseline: (i: number) => Promise<number>, subject: (i: number) => Promise<number>): Promise<Runs> {
  const runs = emptyRuns();
  const measured = async (side: 'b' | 's', run: (i: number) => Promise<number>, i: number) => {
    const meter = startRun(ctx, runs, side);
    meter.done(await run(i));
  };
  for (let i = 0; i < ctx.repeats; i++) {
    if (i % 2 === 0) {
      await measured('b', baseline, i);
      await measured('s', subject, i);
    } else {
      await measured('s', subject, i);
      await measured('b', baseline, i);
    }
  }
  return runs;
}

/**
 * How busy the machine was on each side (medians), and what that means per
 * MiB moved: near 100% the cores, not waiting, bound the figure.
 */
function machineBusy(runs: Runs, cores: number) {
  const perMiB = (busy: number[], rates: number[]) => median(busy.map((u, k) => (u * cores * 1000) / (rates[k] as number)));
  // Per process: CPU ms per MiB moved (a run moved rate × wall seconds MiB).
  const byProcess = (side: 'b' | 's') => {
    const out: Record<string, number> = {};
    const all = runs.byProcess[side];
    for (const name of new Set(all.flatMap((r) => Object.keys(r)))) {
      const perRun = all.map((r, k) => (r[name] ?? 0) / (((runs[side][k] as number) * (runs.byProcess.wallMs[side][k] as number)) / 1000));
      const v = round(median(perRun), 1);
      if (v >= 0.1) out[name] = v;
    }
    return out;
  };
  return {
    subjectPct: round(median(runs.busy.s) * 100, 1),
    baselinePct: round(median(runs.busy.b) * 100, 1),
    subjectCpuMsPerMiB: round(perMiB(runs.busy.s, runs.s), 1),
    baselineCpuMsPerMiB: round(perMiB(runs.busy.b, runs.b), 1),
    subjectByProcess: byProcess('s'),
    baselineByProcess: byProcess('b'),
  };
}

function side(label: string, unit: string, runs: number[]): Side {
  return { label, unit, runs: runs.map((r) => round(r, 2)), median: round(median(runs), 2) };
}

function verdict(quick: boolean, met: boolean, checks: Check[]): Pick<Figure, 'targetMet' | 'bytesOk' | 'pass'> {
  const bytesOk = checks.length > 0 && checks.every((c) => c.ok);
  const targetMet = quick ? null : met;
  return { targetMet, bytesOk, pass: bytesOk && targetMet !== false };
}

function throughputFigure(
  quick: boolean,
  id: FigureId,
  title: string,
  labels: [string, string],
  runs: Runs,
  target: number,
  checks: Check[],
  details: Record<string, unknown>,
): Figure {
  const subject = side(labels[0], 'MiB/s', runs.s);
  const baseline = side(labels[1], 'MiB/s', runs.b);
  const ratio = round(median(runs.s) / median(runs.b), 3);
  const paired = runs.s.map((x, i) => round(x / (runs.b[i] as number), 3));
  return {
    id,
    title,
    subject,
    baseline,
    ratio,
    pairedRatios: { runs: paired, median: round(median(paired), 3) },
    target: { text: `≥ ${target.toFixed(2)}`, limit: target, higherIsBetter: true },
    ...verdict(quick, ratio >= target, checks),
    checks,
    details: { ...details, machineBusy: machineBusy(runs, cpus().length) },
  };
}

/** The baselines' upload: 4 MiB PUTs on loopback (like the api's frames), long streamed PUTs against a distant Drive. */
function directUpload(ctx: Context, src: SourceFile, name: string) {
  return ctx.distant ? ctx.drive.uploadFileStreaming(src.path, src.size, name, DISTANT_PUT_BYTES) : ctx.drive.uploadFile(src.path, src.size, name, 4 * MiB);
}

function directUploadLabel(ctx: Context): string {
  return ctx.distant ? `resumable straight to the emulator, ${fmtSize(DISTANT_PUT_BYTES)} streamed PUTs` : 'resumable PUTs straight to the emulator';
}

function distantSuffix(ctx: Context): string {
  return ctx.distant ? `, Drive ${2 * DISTANT_LATENCY_MS} ms away` : '';
}

function distantFigure(base: DistantBase): (ctx: Context) => Promise<Figure> {
  return (ctx) =>
    ctx.atDistance(DISTANT_LATENCY_MS, async () => {
      const figure = await FIGURES[base](ctx);
      figure.details['driveRoundTripMs'] = 2 * DISTANT_LATENCY_MS;
      return figure;
    });
}

const FIGURES: Record<FigureId, (ctx: Context) => Promise<Figure>> = {
  'distant-upload-single': distantFigure('upload-single'),
  'distant-upload-concurrent': distantFigure('upload-concurrent'),
  'distant-download': distantFigure('download'),
  'distant-ranged': distantFigure('ranged'),
  /** 1. One big file through WS /ws_api/upload vs the resumable protocol straight to Drive. */
  async 'upload-single'(ctx) {
    const src = await ctx.source('single.bin', ctx.sizes.single);
    const checks: Check[] = [];
    const apiCpu: ApiCpu[] = [];
    const runs = await interleave(
      ctx,
      async (i) => {
        const started = performance.now();
        const stored = await directUpload(ctx, src, `direct-single-${i}.bin`);
        const ms = performance.now() - started;
        checks.push(check(`direct upload #${i + 1}: SHA-256 read back from Drive`, src.sha256, (await ctx.drive.download(stored.id, { hash: true })).sha256));
        await ctx.drive.deleteFile(stored.id);
        return mibps(src.size, ms);
      },
      async (i) => {
        const meter = cpuMeter(ctx.stack.apiPid);
        const up = await ctx.api.upload(src.path, src.size, `api-single-${i}.bin`);
        apiCpu.push(meter.stop(src.size));
        const row = await ctx.fileRow(up.fileId);
        checks.push(check(`api upload #${i + 1}: SHA-256 read back from Drive`, src.sha256, await ctx.driveSha(row)));
        checks.push(check(`api upload #${i + 1}: MD5 recorded by the api`, src.md5, row.md5 ?? undefined));
        await ctx.retireApiFile(up.fileId);
        return mibps(src.size, up.ms);
      },
    );
    return throughputFigure(
      ctx.quick,
      ctx.figureId('upload-single'),
      `upload MiB/s, one ${fmtSize(src.size)} file, 4 MiB frames${distantSuffix(ctx)}`,
      ['WS /ws_api/upload via the api', directUploadLabel(ctx)],
      runs,
      ctx.distant ? 0.9 : 0.85,
      checks,
      { bytes: src.size, apiCpu },
    );
  },

  /** 2. Aggregate throughput of N concurrent uploads. */
  async 'upload-concurrent'(ctx) {
    const n = ctx.sizes.concurrentCount;
    const srcs = await Promise.all(Array.from({ length: n }, (_, k) => ctx.source(`concurrent-${k}.bin`, ctx.sizes.concurrent)));
    const total = srcs.reduce((s, f) => s + f.size, 0);
    const checks: Check[] = [];
    const apiCpu: ApiCpu[] = [];
    const runs = await interleave(
      ctx,
      async (i) => {
        const started = performance.now();
        const stored = await Promise.all(srcs.map((s, k) => directUpload(ctx, s, `direct-conc-${i}-${k}.bin`)));
        const ms = performance.now() - started;
        for (const [k, f] of stored.entries()) {
          checks.push(check(`direct upload #${i + 1}/${k}: SHA-256 from Drive`, (srcs[k] as SourceFile).sha256, (await ctx.drive.download(f.id, { hash: true })).sha256));
          await ctx.drive.deleteFile(f.id);
        }
        return mibps(total, ms);
      },
      async (i) => {
        const started = performance.now();
        const meter = cpuMeter(ctx.stack.apiPid);
        const ups = await Promise.all(srcs.map((s, k) => ctx.api.upload(s.path, s.size, `api-conc-${i}-${k}.bin`)));
        const ms = performance.now() - started;
        apiCpu.push(meter.stop(total));
        for (const [k, up] of ups.entries()) {
          const row = await ctx.fileRow(up.fileId);
          checks.push(check(`api upload #${i + 1}/${k}: SHA-256 from Drive`, (srcs[k] as SourceFile).sha256, await ctx.driveSha(row)));
          await ctx.retireApiFile(up.fileId);
        }
        return mibps(total, ms);
      },
    );
    return throughputFigure(
      ctx.quick,
      ctx.figureId('upload-concurrent'),
      `upload MiB/s aggregate, ${n} concurrent ${fmtSize(ctx.sizes.concurrent)} uploads${distantSuffix(ctx)}`,
      [`${n} × WS upload via the api`, `${n} × ${directUploadLabel(ctx)}`],
      runs,
      ctx.distant ? 0.9 : 0.8,
      checks,
      { files: n, bytesEach: ctx.sizes.concurrent, apiCpu },
    );
  },

  /** 3. Whole-file download through the api vs alt=media from the emulator. */
  async download(ctx) {
    const src = await ctx.downloadSource();
    const file = await ctx.downloadFile(src);
    const checks: Check[] = [];
    const apiCpu: ApiCpu[] = [];
    const runs = await interleave(
      ctx,
      async () => {
        const started = performance.now();
        const got = await file.drive.download(file.driveFileId, { hash: ctx.quick });
        const ms = performance.now() - started;
        if (ctx.quick) checks.push(check('direct alt=media: SHA-256', src.sha256, got.sha256));
        if (got.bytes !== src.size) throw new Error(`direct download gave ${got.bytes} bytes`);
        return mibps(got.bytes, ms);
      },
      async () => {
        const started = performance.now();
        const meter = cpuMeter(ctx.stack.apiPid);
        const got = await ctx.api.download(file.fileId, { hash: ctx.quick });
        const ms = performance.now() - started;
        apiCpu.push(meter.stop(got.bytes));
        if (ctx.quick) checks.push(check('GET /api/v1/download/stream: SHA-256', src.sha256, got.sha256));
        if (got.bytes !== src.size) throw new Error(`api download gave ${got.bytes} bytes`);
        return mibps(got.bytes, ms);
      },
    );
    if (!ctx.quick) {
      // Timed runs only count bytes (hashing would compete for the same cores); one hashed pass each after.
      checks.push(check('direct alt=media: SHA-256 (verification pass)', src.sha256, (await file.drive.download(file.driveFileId, { hash: true })).sha256));
      checks.push(check('GET /api/v1/download/stream: SHA-256 (verification pass)', src.sha256, (await ctx.api.download(file.fileId, { hash: true })).sha256));
    }
    return throughputFigure(
      ctx.quick,
      ctx.figureId('download'),
      `download MiB/s, GET /api/v1/download/stream/:id of ${fmtSize(src.size)}${distantSuffix(ctx)}`,
      ['api download stream', 'alt=media straight from the emulator'],
      runs,
      ctx.distant ? 0.95 : 0.9,
      checks,
      { bytes: src.size, apiCpu },
    );
  },

  /** 4. Random ranges, one request at a time: latency and throughput. */
  async ranged(ctx) {
    const src = await ctx.downloadSource();
    const file = await ctx.downloadFile(src);
    const rnd = seededRandom(12);
    const size = ctx.sizes.rangeSize;
    const ranges: Array<[number, number]> = Array.from({ length: ctx.sizes.ranges }, () => {
      const start = Math.floor(rnd() * (src.size - size));
      return [start, start + size - 1];
    });
    const latencies = { b: [] as number[][], s: [] as number[][] };
    // The api's Server-Timing: how much of each request's time went to the file lookup and opening Drive.
    const apiSplit = { lookup: [] as number[], source: [] as number[] };
    const runPass = async (get: (r: [number, number]) => Promise<{ bytes: number; status: number; serverTiming?: Record<string, number> }>, into: number[][]) => {
      const each: number[] = [];
      const started = performance.now();
      for (const r of ranges) {
        const t = performance.now();
        const got = await get(r);
        each.push(performance.now() - t);
        if (got.serverTiming?.['lookup'] !== undefined) apiSplit.lookup.push(got.serverTiming['lookup']);
        if (got.serverTiming?.['source'] !== undefined) apiSplit.source.push(got.serverTiming['source']);
        if (got.status !== 206 || got.bytes !== size) throw new Error(`range ${r[0]}-${r[1]} gave ${got.status} with ${got.bytes} bytes`);
      }
      into.push(each);
      return mibps(size * ranges.length, performance.now() - started);
    };
    const runs = await interleave(
      ctx,
      () => runPass((r) => file.drive.download(file.driveFileId, { range: r }), latencies.b),
      () => runPass((r) => ctx.api.download(file.fileId, { range: r }), latencies.s),
    );
    const checks: Check[] = [];
    const toCheck = ctx.quick ? ranges : ranges.slice(0, 10);
    for (const [k, r] of toCheck.entries()) {
      const expected = await sha256OfRange(src.path, r[0], r[1]);
      checks.push(check(`range #${k} ${r[0]}-${r[1]} direct: SHA-256`, expected, (await file.drive.download(file.driveFileId, { range: r, hash: true })).sha256));
      checks.push(check(`range #${k} ${r[0]}-${r[1]} api: SHA-256`, expected, (await ctx.api.download(file.fileId, { range: r, hash: true })).sha256));
    }
    const lat = (all: number[][]) => {
      const flat = all.flat().sort((a, b) => a - b);
      return { p50: round(flat[Math.floor(flat.length * 0.5)] ?? NaN), p99: round(flat[Math.min(flat.length - 1, Math.floor(flat.length * 0.99))] ?? NaN) };
    };
    return throughputFigure(
      ctx.quick,
      ctx.figureId('ranged'),
      `ranged download, ${ranges.length} random ${fmtSize(size)} ranges (ratio of throughputs)${distantSuffix(ctx)}`,
      ['api Range requests', 'ranged alt=media straight from the emulator'],
      runs,
      ctx.distant ? 0.9 : 0.8,
      checks,
      {
        ranges: ranges.length,
        rangeBytes: size,
        latencyMsApi: lat(latencies.s),
        latencyMsDirect: lat(latencies.b),
        // Medians of the api's own split of its time to first byte (Server-Timing).
        apiTimeToFirstByteMs: { lookup: median(apiSplit.lookup), openDrive: median(apiSplit.source) },
      },
    );
  },

  /** 5. Drive → WebDAV backup by the worker vs a plain GET|PUT pipe between the two servers. */
  async backup(ctx) {
    const src = await ctx.source(ctx.sizes.backup === ctx.sizes.single ? 'single.bin' : 'backup.bin', ctx.sizes.backup);
    // Nothing else may be waiting for a copy when the worker starts.
    await ctx.retireDownloadFile();
    await ctx.stack.startWorker();
    const files = filesCollection(ctx.stack.mongo);
    const checks: Check[] = [];
    const runs = emptyRuns();
    // The worker starts copying as soon as an upload completes, so each repeat is
    // upload → (subject) worker copy → (baseline) pipe copy of the same Drive file.
    for (let i = 0; i < ctx.repeats; i++) {
      const up = await ctx.api.upload(src.path, src.size, `backup-${i}.bin`);
      const subject = startRun(ctx, runs, 's');
      let row = await ctx.fileRow(up.fileId);
      for (;;) {
        if (row.backupStatus === 'completed') break;
        if (row.backupStatus === 'failed') throw new Error(`backup of ${up.fileId} failed`);
        if (performance.now() - up.successAt > 600_000) throw new Error('backup did not complete within 10 minutes');
        await sleep(20);
        row = await ctx.fileRow(up.fileId);
      }
      subject.done(mibps(src.size, performance.now() - up.successAt));
      checks.push(check(`worker backup #${i + 1}: SHA-256 of the WebDAV copy`, src.sha256, (await ctx.webdav.get(row.backupPath as string, true)).sha256));

      const target = `/bench-baseline/copy-${i}-${randomBytes(4).toString('hex')}.bin`;
      await ctx.webdav.mkcol('/bench-baseline');
      const started = performance.now();
      const baseline = startRun(ctx, runs, 'b');
      const dl = await (await ctx.driveFor(row.driveAccountId)).openDownload(row.driveFileId as string);
      await ctx.webdav.put(target, dl.stream, dl.length);
      baseline.done(mibps(src.size, performance.now() - started));
      checks.push(check(`pipe copy #${i + 1}: SHA-256 of the WebDAV copy`, src.sha256, (await ctx.webdav.get(target, true)).sha256));
      await ctx.webdav.delete(target);
      await ctx.webdav.delete(`${(row.backupPath as string).split('/').slice(0, -1).join('/')}/`);
      await ctx.retireApiFile(up.fileId);
      await files.updateOne({ _id: up.fileId }, { $set: { backupStatus: 'none' } });
    }
    return throughputFigure(
      ctx.quick,
      'backup',
      `backup MiB/s, Drive → WebDAV copy of ${fmtSize(src.size)} (upload success → backupStatus completed)`,
      ['worker backup job', 'GET alt=media piped into a WebDAV PUT'],
      runs,
      0.85,
      checks,
      { bytes: src.size, note: 'each repeat: subject first (the worker starts on completion), then the baseline on the same Drive file' },
    );
  },

  /** 6. api RSS growth during N concurrent uploads, against its RSS at rest. */
  async rss(ctx) {
    const n = ctx.sizes.rssCount;
    const srcs = await Promise.all(Array.from({ length: n }, (_, k) => ctx.source(`rss-${k}.bin`, ctx.sizes.rss)));
    const pid = ctx.stack.apiPid;
    await sleep(1000);
    const rest = rssMiB(pid).rss;
    const sampler = sampleRss(pid, 20);
    const started = performance.now();
    const ups = await Promise.all(srcs.map((s, k) => ctx.api.upload(s.path, s.size, `rss-${k}.bin`)));
    const ms = performance.now() - started;
    const { peak, samples } = sampler.stop();
    const checks: Check[] = [];
    for (const [k, up] of ups.entries()) {
      const row = await ctx.fileRow(up.fileId);
      checks.push(check(`upload ${k}: SHA-256 from Drive`, (srcs[k] as SourceFile).sha256, await ctx.driveSha(row)));
      await ctx.retireApiFile(up.fileId);
    }
    const growth = round(peak - rest, 1);
    const limit = n * 3 * 4 + 64;
    return {
      id: 'rss',
      title: `api peak RSS during ${n} concurrent ${fmtSize(ctx.sizes.rss)} uploads`,
      subject: side('peak RSS during the uploads', 'MiB', [peak]),
      baseline: side('RSS at rest', 'MiB', [rest]),
      ratio: growth,
      target: { text: `growth ≤ ${limit} MiB (${n} × 3 × 4 MiB + 64 MiB)`, limit, higherIsBetter: false },
      ...verdict(ctx.quick, growth <= limit, checks),
      checks,
      details: { uploads: n, bytesEach: ctx.sizes.rss, samples, aggregateMiBps: round(mibps(n * ctx.sizes.rss, ms), 1) },
    };
  },

  /** 7. Requests/s and p99 of GET /files/:id/meta at N connections vs /health on the same process. */
  async meta(ctx) {
    const src = await ctx.downloadSource();
    const file = await ctx.downloadFile(src);
    const conns = ctx.sizes.loadConnections;
    const health = `${ctx.stack.apiUrl}/api/v1/health`;
    const meta = `${ctx.stack.apiUrl}/api/v1/files/${file.fileId}/meta`;
    const results: { b: LoadResult[]; s: LoadResult[] } = { b: [], s: [] };
    const load = { connections: conns, durationMs: ctx.sizes.loadMs, warmupMs: ctx.quick ? 300 : 1000 };
    const runs = await interleave(
      ctx,
      async () => {
        const r = await runLoad(health, load);
        results.b.push(r);
        return r.rps;
      },
      async () => {
        const r = await runLoad(meta, load);
        results.s.push(r);
        return r.rps;
      },
    );
    const checks: Check[] = [];
    const metaBody = JSON.parse(results.s[0]?.sampleBody ?? '{}') as { file_id?: string; size?: number };
    checks.push(check('meta answer names the file', file.fileId, metaBody.file_id));
    checks.push(check('meta answer has its size', String(src.size), String(metaBody.size)));
    checks.push(check('health answer', 'ok', (JSON.parse(results.b[0]?.sampleBody ?? '{}') as { status?: string }).status));
    const failures = [...results.b, ...results.s].reduce((n, r) => n + r.errors + r.badStatus, 0);
    checks.push(check('failed or non-2xx answers', '0', String(failures)));
    const p99s = results.s.map((r) => r.latencyMs.p99);
    const p99 = median(p99s);
    const subject = side('GET /api/v1/files/:id/meta', 'req/s', runs.s);
    const baseline = side('GET /api/v1/health', 'req/s', runs.b);
    return {
      id: 'meta',
      title: `GET /api/v1/files/:id/meta requests/s at ${conns} connections (p99 latency)`,
      subject,
      baseline,
      ratio: round(median(runs.s) / median(runs.b), 3),
      target: { text: 'report; meta p99 ≤ 25 ms', limit: 25, higherIsBetter: false },
      ...verdict(ctx.quick, p99 <= 25, checks),
      checks,
      details: {
        connections: conns,
        durationMs: ctx.sizes.loadMs,
        metaP99Ms: round(p99),
        metaLatencyMs: results.s.map((r) => r.latencyMs),
        healthLatencyMs: results.b.map((r) => r.latencyMs),
      },
    };
  },
};

function fmtSize(bytes: number): string {
  if (bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes > MiB) return `${round(bytes / MiB, 2)} MiB`;
  return `${round(bytes / 1024, 1)} KiB`;
}
