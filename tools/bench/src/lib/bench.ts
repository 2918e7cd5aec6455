import { repoRoot } from '@ddx/local-services';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { ApiClient } from './api-client';
import { BrowserUploader, BrowserUploadResult } from './browser';
import { DirectDrive } from './drive-direct';
import { sha256OfRange, SourceFile, writeRandomFile } from './files';
import { call, keepAliveAgent } from './http';
import { LoadResult, runLoad, sleep } from './load';
import { cpuByThreadName, cpuMs, machineInfo, MachineInfo, machineLoadMeter, rssMiB, sampleRss } from './proc';
import { ProfileSummary, summarizeProfiles } from './profile';
import { BenchStack, FileRow, filesCollection } from './stack';
import { median, MiB, mibps, round, seededRandom } from './stats';
import { DirectWebdav } from './webdav-direct';

/** The figures that run again against a distant Drive (the emulator's network profile). */
export const DISTANT_BASES = ['upload-single', 'upload-concurrent', 'download', 'ranged'] as const;
export const DISTANT_IDS = DISTANT_BASES.map((id) => `distant-${id}` as const);
// Distant before backup: the worker that backup starts would otherwise compete for the cores.
export const FIGURE_IDS = ['rss', 'upload-single', 'upload-concurrent', 'browser', 'download', 'ranged', 'meta', ...DISTANT_IDS, 'backup'] as const;
export type FigureId = (typeof FIGURE_IDS)[number];
type DistantBase = (typeof DISTANT_BASES)[number];

/** A Drive 40 ms away (20 ms each way): what loopback hides. */
export const DISTANT_LATENCY_MS = 20;
/**
 * The direct path's uploads, on loopback and at a distance: what a well-written client of
 * Drive's resumable protocol does — PUTs of 64 MiB (or the remainder), each body streamed
 * from disk, so the round trip is paid once per 64 MiB.
 */
export const DIRECT_PUT_BYTES = 64 * MiB;
/** Distinct files the meta figure's requests go round (one id would let concurrent lookups share one read). */
export const META_FILE_IDS = 1000;

/**
 * The issue's targets. Throughputs are judged on the median of paired ratios (api path ÷
 * direct path, run back to back); `[loopback, distant]` where a figure runs at both.
 */
export const TARGETS = {
  'upload-single': [0.9, 0.9],
  'upload-concurrent': [0.85, 0.9],
  download: [0.95, 0.95],
  ranged: [0.8, 0.9],
  backup: 0.9,
  browser: 0.9,
  /** api event-loop CPU ms per uploaded MiB (one upload, loopback). */
  apiEventLoopMsPerMiB: 2,
  /** meta p99 at `loadConnections`, ms. */
  metaP99Ms: 25,
} as const;

export interface BenchOptions {
  /** Small sizes, one repeat: proves the harness and checks the bytes (npm test). */
  quick: boolean;
  /** Interleaved baseline/subject repeats per figure. Default 5, quick 1. */
  repeats?: number;
  /** Only these figures. */
  only?: FigureId[];
  /** Run the api with `--cpu-prof` and summarise where it spent its time. */
  profile?: boolean;
  /** Keep the temp dir (data, logs, profiles, traces) instead of deleting it. */
  keep?: boolean;
  /** After the browser figure's runs, one more browser upload under a Chromium performance trace (kept in the temp dir's traces/). */
  browserTrace?: boolean;
  say?: (line: string) => void;
}

export interface Sizes {
  single: number;
  concurrentCount: number;
  concurrent: number;
  browser: number;
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
  browser: 512 * MiB,
  download: 512 * MiB,
  ranges: 100,
  rangeSize: MiB,
  backup: 512 * MiB,
  rssCount: 16,
  rss: 256 * MiB,
  loadConnections: 32,
  loadMs: 10_000,
};

/** Odd sizes on purpose: a short last frame/chunk on every path. */
export const QUICK_SIZES: Sizes = {
  single: 9 * MiB + 12_345,
  concurrentCount: 8,
  concurrent: MiB + 7,
  browser: 9 * MiB + 12_345,
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

/** One target of the issue, as this run measured it. */
export interface TargetResult {
  what: string;
  unit: string;
  /** Median over the repeats (for throughputs: of the paired ratios). */
  value: number;
  min: number;
  max: number;
  limit: number;
  higherIsBetter: boolean;
  /** null in quick mode (sizes too small for timings to mean anything). */
  met: boolean | null;
}

export interface Figure {
  id: FigureId;
  title: string;
  /** The api path (for the browser figure: the SPA's client in Chromium). */
  subject: Side;
  /** The direct path (for the browser figure: the Node client, same stack). */
  baseline: Side;
  /** The figure's headline: median of paired ratios (throughputs), growth in MiB (RSS), p99 ms (meta). */
  ratio: number | null;
  /** subject/baseline of each back-to-back pair, their median, min and max. */
  pairedRatios?: { runs: number[]; median: number; min: number; max: number };
  targets: TargetResult[];
  /** Every target met; null in quick mode. */
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
  const repeats = options.repeats ?? (options.quick ? 1 : 5);
  const wanted = new Set<FigureId>(options.only?.length ? options.only : FIGURE_IDS);
  const root = repoRoot(__dirname);
  const machine = machineInfo(root);
  const startedAt = new Date().toISOString();

  const workDir = mkdtempSync(join(tmpdir(), 'ddx-bench-'));
  // Apache's workers (www-data when root) must be able to pass through it.
  chmodSync(workDir, 0o711);
  const srcDir = join(workDir, 'sources');
  const profileDir = join(workDir, 'profiles');
  const traceDir = join(workDir, 'traces');
  mkdirSync(srcDir);
  if (options.profile) mkdirSync(profileDir);
  if (options.browserTrace) mkdirSync(traceDir);

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
    const ctx = new Context(stack, sizes, repeats, srcDir, say, options.quick, options.browserTrace ? traceDir : undefined);
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
    loadavgAtEnd: loadavg().map((x) => round(x)),
    figures,
    profile,
    workDir,
    workDirKept: !!options.keep,
    processes,
  };
}

/** `0.873 (0.81–0.90)`: a median and the spread of the repeats. */
export function spread(value: number, min: number, max: number, digits = 3): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
  return min === max ? f(value) : `${f(value)} (${f(min)}–${f(max)})`;
}

export function targetText(t: Pick<TargetResult, 'limit' | 'higherIsBetter' | 'unit'>): string {
  return `${t.higherIsBetter ? '≥' : '≤'} ${t.unit === 'ratio' ? t.limit.toFixed(2) : t.limit}${t.unit === 'ratio' ? '' : ` ${t.unit}`}`;
}

export function verdictText(met: boolean | null): string {
  return met === null ? 'not judged (quick)' : met ? 'met' : 'MISSED';
}

export function describe(f: Figure): string {
  const bad = f.checks.filter((c) => !c.ok).length;
  const targets = f.targets.map((t) => `${t.what} ${spread(t.value, t.min, t.max, t.unit === 'ratio' ? 3 : 1)} (${targetText(t)}: ${verdictText(t.met)})`).join('; ');
  return `${f.id}: subject ${round(f.subject.median, 1)} ${f.subject.unit}, baseline ${round(f.baseline.median, 1)} ${f.baseline.unit}; ${targets}; ${bad ? `${bad} byte check(s) FAILED` : `${f.checks.length} byte checks ok`}`;
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
  /** Set while a distant-Drive figure runs: its id prefix and targets change. */
  distant = false;
  /** Processes besides the stack's and this one whose CPU a run counts (Chromium's, during the browser figure). */
  extraProcesses: () => Array<{ name: string; pid: number }> = () => [];

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
    /** Where the browser figure writes a Chromium trace of one extra upload (undefined: none). */
    readonly browserTraceDir?: string,
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
    const direct = await this.drive.uploadFileStreaming(src.path, src.size, 'warmup-direct.bin', DIRECT_PUT_BYTES);
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

/** One measured run of one side: only the transfer is inside its window (never the read-back that checks it). */
interface RunRecord {
  /** MiB/s (or requests/s for the meta figure). */
  rate: number;
  /** What the window moved: MiB, or (meta) thousands of requests. */
  amount: number;
  wallMs: number;
  /** Share of the whole machine's CPU (all cores, every process) busy in the window, 0…1. */
  busy: number;
  /** CPU ms of each process of the stack, the bench client (and Chromium's processes) in the window. */
  byProcess: Record<string, number>;
  /** CPU ms of each api thread, by name ('event loop', the MD5 thread, GC helpers, libuv…). */
  apiThreads: Record<string, number>;
}

interface Runs {
  b: RunRecord[];
  s: RunRecord[];
}

/**
 * Brackets the transfer of a run: meters start just before `transfer` and stop when it
 * settles. `amount` is what it moved (MiB, or thousands of requests), known before or from
 * its result. A run calls it exactly once.
 */
type Measure = <T>(amount: number | ((result: T) => number), transfer: () => Promise<T>) => Promise<T>;
/** One run: returns its rate, or nothing to take amount ÷ window time. */
type RunFn = (i: number, measure: Measure) => Promise<number | void>;

/** CPU ms each named process (same names summed) has used so far. */
function cpuByProcess(processes: Array<{ name: string; pid: number }>): Map<number, number> {
  return new Map(processes.map((p) => [p.pid, cpuMs(p.pid)]));
}

async function runSide(ctx: Context, runs: Runs, side: 'b' | 's', run: RunFn, i: number): Promise<void> {
  let record: Omit<RunRecord, 'rate'> | undefined;
  const measure: Measure = async (amount, transfer) => {
    if (record) throw new Error('a run measured twice');
    const processes = [...ctx.stack.pids(), { name: 'bench client', pid: process.pid }, ...ctx.extraProcesses()];
    const apiPid = ctx.stack.apiPid;
    const threads0 = cpuByThreadName(apiPid);
    const cpu0 = cpuByProcess(processes);
    const load = machineLoadMeter();
    const started = performance.now();
    const result = await transfer();
    const wallMs = performance.now() - started;
    const busy = load.stop();
    const byProcess: Record<string, number> = {};
    for (const p of processes) {
      const d = cpuMs(p.pid) - (cpu0.get(p.pid) as number);
      if (Number.isFinite(d)) byProcess[p.name] = (byProcess[p.name] ?? 0) + d;
    }
    const apiThreads: Record<string, number> = {};
    for (const [name, ms] of Object.entries(cpuByThreadName(apiPid))) {
      const d = ms - (threads0[name] ?? 0);
      if (d > 0) apiThreads[name] = d;
    }
    record = { amount: typeof amount === 'function' ? amount(result) : amount, wallMs, busy, byProcess, apiThreads };
    return result;
  };
  const rate = await run(i, measure);
  if (!record) throw new Error('a run did not measure its transfer');
  runs[side].push({ rate: typeof rate === 'number' ? rate : record.amount / (record.wallMs / 1000), ...record });
}

/** Runs `baseline` and `subject` `repeats` times back to back, alternating which goes first (ABBA). */
async function interleave(ctx: Context, baseline: RunFn, subject: RunFn): Promise<Runs> {
  const runs: Runs = { b: [], s: [] };
  for (let i = 0; i < ctx.repeats; i++) {
    if (i % 2 === 0) {
      await runSide(ctx, runs, 'b', baseline, i);
      await runSide(ctx, runs, 's', subject, i);
    } else {
      await runSide(ctx, runs, 's', subject, i);
      await runSide(ctx, runs, 'b', baseline, i);
    }
  }
  return runs;
}

function minMax(values: number[]): { min: number; max: number } {
  const v = values.filter((x) => Number.isFinite(x));
  return { min: v.length ? Math.min(...v) : NaN, max: v.length ? Math.max(...v) : NaN };
}

function paired(runs: Runs): { runs: number[]; median: number; min: number; max: number } {
  const ratios = runs.s.map((s, i) => round(s.rate / (runs.b[i] as RunRecord).rate, 3));
  return { runs: ratios, median: round(median(ratios), 3), ...minMax(ratios) };
}

export interface ApiCpu {
  /** api CPU ms per MiB (meta: per 1,000 requests) on its event-loop thread, and on all its threads. */
  mainMsPerMiB: number;
  totalMsPerMiB: number;
  byThread: Record<string, number>;
}

function apiCpuOf(r: RunRecord): ApiCpu {
  const byThread: Record<string, number> = {};
  for (const [name, ms] of Object.entries(r.apiThreads)) if (ms / r.amount >= 0.01) byThread[name] = round(ms / r.amount);
  const total = Object.values(r.apiThreads).reduce((s, x) => s + x, 0);
  return { mainMsPerMiB: round((r.apiThreads['event loop'] ?? 0) / r.amount), totalMsPerMiB: round(total / r.amount), byThread };
}

/**
 * Where the CPU went on each side, medians over the repeats: how busy the whole machine was,
 * CPU ms per unit moved (MiB; meta: 1,000 requests) for the machine and by process, and the
 * api's by thread.
 */
function cpuSplit(runs: Runs, cores: number, unit: string) {
  const sideSplit = (records: RunRecord[]) => {
    const byProcess: Record<string, number> = {};
    for (const name of new Set(records.flatMap((r) => Object.keys(r.byProcess)))) {
      const v = round(median(records.map((r) => (r.byProcess[name] ?? 0) / r.amount)), 2);
      if (v >= 0.05) byProcess[name] = v;
    }
    const api = records.map(apiCpuOf);
    const byThread: Record<string, number> = {};
    for (const name of new Set(api.flatMap((a) => Object.keys(a.byThread)))) byThread[name] = round(median(api.map((a) => a.byThread[name] ?? 0)));
    return {
      busyPct: round(median(records.map((r) => r.busy)) * 100, 1),
      machineMsPer: round(median(records.map((r) => (r.busy * cores * r.wallMs) / r.amount)), 2),
      byProcess,
      api: { eventLoop: round(median(api.map((a) => a.mainMsPerMiB))), allThreads: round(median(api.map((a) => a.totalMsPerMiB))), byThread },
    };
  };
  return { unit, subject: sideSplit(runs.s), baseline: sideSplit(runs.b) };
}
export type CpuSplit = ReturnType<typeof cpuSplit>;

function side(label: string, unit: string, runs: number[]): Side {
  return { label, unit, runs: runs.map((r) => round(r, 2)), median: round(median(runs), 2) };
}

function target(quick: boolean, what: string, unit: string, values: number[], limit: number, higherIsBetter: boolean): TargetResult {
  const value = median(values);
  const met = higherIsBetter ? value >= limit : value <= limit;
  return { what, unit, value: round(value, 3), ...minMax(values.map((v) => round(v, 3))), limit, higherIsBetter, met: quick ? null : met };
}

function verdict(targets: TargetResult[], checks: Check[]): Pick<Figure, 'targetMet' | 'bytesOk' | 'pass'> {
  const bytesOk = checks.length > 0 && checks.every((c) => c.ok);
  const judged = targets.map((t) => t.met);
  const targetMet = judged.some((m) => m === null) ? null : judged.every((m) => m === true);
  return { targetMet, bytesOk, pass: bytesOk && targetMet !== false };
}

/** A throughput figure judged on the median of its paired ratios (plus any `extra` targets). */
function throughputFigure(
  ctx: Context,
  id: FigureId,
  title: string,
  labels: [string, string],
  runs: Runs,
  limit: number,
  checks: Check[],
  details: Record<string, unknown>,
  extra: TargetResult[] = [],
): Figure {
  const subject = side(labels[0], 'MiB/s', runs.s.map((r) => r.rate));
  const baseline = side(labels[1], 'MiB/s', runs.b.map((r) => r.rate));
  const pairs = paired(runs);
  const targets = [target(ctx.quick, 'paired ratio', 'ratio', pairs.runs, limit, true), ...extra];
  return {
    id,
    title,
    subject,
    baseline,
    ratio: pairs.median,
    pairedRatios: pairs,
    targets,
    ...verdict(targets, checks),
    checks,
    details: { ...details, ratioOfMedians: round(subject.median / baseline.median, 3), cpu: cpuSplit(runs, cpus().length, 'MiB') },
  };
}

/** [loopback, distant] → the one for where Drive is now. */
function limitFor(ctx: Context, limits: readonly [number, number]): number {
  return ctx.distant ? limits[1] : limits[0];
}

/** The direct path's upload: the resumable protocol with 64 MiB streamed PUTs (or the remainder). */
function directUpload(ctx: Context, src: SourceFile, name: string) {
  return ctx.drive.uploadFileStreaming(src.path, src.size, name, DIRECT_PUT_BYTES);
}

const DIRECT_UPLOAD_LABEL = `resumable straight to the emulator, ${DIRECT_PUT_BYTES / MiB} MiB streamed PUTs`;

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

/** Medians, field by field, of the browser page's timing marks (and the renderer's counters). */
function medianFields(rows: Array<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of new Set(rows.flatMap((r) => Object.keys(r)))) out[key] = round(median(rows.map((r) => r[key] ?? NaN)), 2);
  return out;
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
    const runs = await interleave(
      ctx,
      async (i, measure) => {
        const stored = await measure(src.size / MiB, () => directUpload(ctx, src, `direct-single-${i}.bin`));
        checks.push(check(`direct upload #${i + 1}: SHA-256 read back from Drive`, src.sha256, (await ctx.drive.download(stored.id, { hash: true })).sha256));
        await ctx.drive.deleteFile(stored.id);
      },
      async (i, measure) => {
        const up = await measure(src.size / MiB, () => ctx.api.upload(src.path, src.size, `api-single-${i}.bin`));
        const row = await ctx.fileRow(up.fileId);
        checks.push(check(`api upload #${i + 1}: SHA-256 read back from Drive`, src.sha256, await ctx.driveSha(row)));
        checks.push(check(`api upload #${i + 1}: MD5 recorded by the api`, src.md5, row.md5 ?? undefined));
        await ctx.retireApiFile(up.fileId);
        return mibps(src.size, up.ms);
      },
    );
    // The api's own cost per uploaded MiB: its event loop is the target; every thread is reported.
    const eventLoop = target(ctx.quick, 'api event-loop CPU per MiB', 'ms', runs.s.map((r) => apiCpuOf(r).mainMsPerMiB), TARGETS.apiEventLoopMsPerMiB, false);
    return throughputFigure(
      ctx,
      ctx.figureId('upload-single'),
      `upload MiB/s, one ${fmtSize(src.size)} file${distantSuffix(ctx)}`,
      ['WS /ws_api/upload via the api (Node client)', DIRECT_UPLOAD_LABEL],
      runs,
      limitFor(ctx, TARGETS['upload-single']),
      checks,
      { bytes: src.size, apiCpu: runs.s.map(apiCpuOf) },
      ctx.distant ? [] : [eventLoop],
    );
  },

  /** 2. Aggregate throughput of N concurrent uploads. */
  async 'upload-concurrent'(ctx) {
    const n = ctx.sizes.concurrentCount;
    const srcs = await Promise.all(Array.from({ length: n }, (_, k) => ctx.source(`concurrent-${k}.bin`, ctx.sizes.concurrent)));
    const total = srcs.reduce((s, f) => s + f.size, 0);
    const checks: Check[] = [];
    const runs = await interleave(
      ctx,
      async (i, measure) => {
        const stored = await measure(total / MiB, () => Promise.all(srcs.map((s, k) => directUpload(ctx, s, `direct-conc-${i}-${k}.bin`))));
        for (const [k, f] of stored.entries()) {
          checks.push(check(`direct upload #${i + 1}/${k}: SHA-256 from Drive`, (srcs[k] as SourceFile).sha256, (await ctx.drive.download(f.id, { hash: true })).sha256));
          await ctx.drive.deleteFile(f.id);
        }
      },
      async (i, measure) => {
        const ups = await measure(total / MiB, () => Promise.all(srcs.map((s, k) => ctx.api.upload(s.path, s.size, `api-conc-${i}-${k}.bin`))));
        for (const [k, up] of ups.entries()) {
          const row = await ctx.fileRow(up.fileId);
          checks.push(check(`api upload #${i + 1}/${k}: SHA-256 from Drive`, (srcs[k] as SourceFile).sha256, await ctx.driveSha(row)));
          await ctx.retireApiFile(up.fileId);
        }
      },
    );
    return throughputFigure(
      ctx,
      ctx.figureId('upload-concurrent'),
      `upload MiB/s aggregate, ${n} concurrent ${fmtSize(ctx.sizes.concurrent)} uploads${distantSuffix(ctx)}`,
      [`${n} × WS upload via the api`, `${n} × ${DIRECT_UPLOAD_LABEL}`],
      runs,
      limitFor(ctx, TARGETS['upload-concurrent']),
      checks,
      { files: n, bytesEach: ctx.sizes.concurrent, apiCpu: runs.s.map(apiCpuOf) },
    );
  },

  /**
   * 3. The SPA's own upload client (ResumableUpload) in headless Chromium against the Node
   * client, same file, same stack, back to back. Besides the ratio, the page's timing marks
   * and the renderer's counters say where the browser's time went.
   */
  async browser(ctx) {
    const src = await ctx.source(ctx.sizes.browser === ctx.sizes.single ? 'single.bin' : 'browser.bin', ctx.sizes.browser);
    const checks: Check[] = [];
    const pages: BrowserUploadResult[] = [];
    const uploader = await BrowserUploader.launch(ctx.stack.apiUrl);
    ctx.extraProcesses = () => uploader.processes();
    let trace: string | undefined;
    let runs: Runs;
    try {
      // The browser's first upload loads code paths and opens its connections: not measured.
      await ctx.retireApiFile((await uploader.upload(src.path)).fileId);
      runs = await interleave(
        ctx,
        async (i, measure) => {
          const up = await measure(src.size / MiB, () => ctx.api.upload(src.path, src.size, `node-${i}.bin`));
          checks.push(check(`Node client upload #${i + 1}: SHA-256 from Drive`, src.sha256, await ctx.driveSha(await ctx.fileRow(up.fileId))));
          await ctx.retireApiFile(up.fileId);
          return mibps(src.size, up.ms);
        },
        async (i, measure) => {
          const up = await measure(src.size / MiB, () => uploader.upload(src.path));
          pages.push(up);
          const row = await ctx.fileRow(up.fileId);
          checks.push(check(`browser upload #${i + 1}: SHA-256 from Drive`, src.sha256, await ctx.driveSha(row)));
          checks.push(check(`browser upload #${i + 1}: MD5 recorded by the api`, src.md5, row.md5 ?? undefined));
          await ctx.retireApiFile(up.fileId);
          return mibps(src.size, up.ms);
        },
      );
      if (ctx.browserTraceDir) {
        trace = join(ctx.browserTraceDir, 'browser-upload.trace.json');
        const path = trace;
        await ctx.retireApiFile((await uploader.traced(path, () => uploader.upload(src.path))).fileId);
      }
    } finally {
      ctx.extraProcesses = () => [];
      await uploader.close();
    }
    const mib = src.size / MiB;
    // Per MiB, so that runs of any size compare.
    const perMiB = (p: BrowserUploadResult) => ({
      readMs: p.timings.readMs / mib,
      sendMs: p.timings.sendMs / mib,
      windowWaitMs: p.timings.windowWaitMs / mib,
      messageMs: p.timings.messageMs / mib,
      renderMs: p.timings.renderMs / mib,
      longTaskMs: p.timings.longTaskMs / mib,
      rendererTaskMs: (p.renderer['TaskDuration'] ?? 0) / mib,
      rendererScriptMs: (p.renderer['ScriptDuration'] ?? 0) / mib,
      uploadMs: p.ms / mib,
    });
    return throughputFigure(
      ctx,
      'browser',
      `browser upload MiB/s, one ${fmtSize(src.size)} file: the SPA's ResumableUpload in headless Chromium vs the Node client`,
      ['ResumableUpload in Chromium', 'Node client (tools/bench api-client)'],
      runs,
      TARGETS.browser,
      checks,
      {
        bytes: src.size,
        // Page timing marks, medians over the runs: totals per upload, then ms per MiB.
        pageTimings: medianFields(pages.map((p) => ({ ...p.timings }))),
        pageMsPerMiB: medianFields(pages.map(perMiB)),
        rendererMs: medianFields(pages.map((p) => p.renderer)),
        ...(trace ? { trace } : {}),
      },
    );
  },

  /** 4. Whole-file download through the api vs alt=media from the emulator. */
  async download(ctx) {
    const src = await ctx.downloadSource();
    const file = await ctx.downloadFile(src);
    const checks: Check[] = [];
    // Timed runs only count bytes (hashing would compete for the same cores); one hashed pass each after.
    const runs = await interleave(
      ctx,
      async (_i, measure) => {
        const got = await measure(src.size / MiB, () => file.drive.download(file.driveFileId));
        if (got.bytes !== src.size) throw new Error(`direct download gave ${got.bytes} bytes`);
      },
      async (_i, measure) => {
        const got = await measure(src.size / MiB, () => ctx.api.download(file.fileId));
        if (got.bytes !== src.size) throw new Error(`api download gave ${got.bytes} bytes`);
      },
    );
    checks.push(check('direct alt=media: SHA-256 (verification pass)', src.sha256, (await file.drive.download(file.driveFileId, { hash: true })).sha256));
    checks.push(check('GET /api/v1/download/stream: SHA-256 (verification pass)', src.sha256, (await ctx.api.download(file.fileId, { hash: true })).sha256));
    return throughputFigure(
      ctx,
      ctx.figureId('download'),
      `download MiB/s, GET /api/v1/download/stream/:id of ${fmtSize(src.size)}${distantSuffix(ctx)}`,
      ['api download stream', 'alt=media straight from the emulator'],
      runs,
      limitFor(ctx, TARGETS.download),
      checks,
      { bytes: src.size, apiCpu: runs.s.map(apiCpuOf) },
    );
  },

  /** 5. Random ranges, one request at a time: latency and throughput. */
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
      for (const r of ranges) {
        const t = performance.now();
        const got = await get(r);
        each.push(performance.now() - t);
        if (got.serverTiming?.['lookup'] !== undefined) apiSplit.lookup.push(got.serverTiming['lookup']);
        if (got.serverTiming?.['source'] !== undefined) apiSplit.source.push(got.serverTiming['source']);
        if (got.status !== 206 || got.bytes !== size) throw new Error(`range ${r[0]}-${r[1]} gave ${got.status} with ${got.bytes} bytes`);
      }
      into.push(each);
    };
    const mib = (size * ranges.length) / MiB;
    const runs = await interleave(
      ctx,
      (_i, measure) => measure(mib, () => runPass((r) => file.drive.download(file.driveFileId, { range: r }), latencies.b)),
      (_i, measure) => measure(mib, () => runPass((r) => ctx.api.download(file.fileId, { range: r }), latencies.s)),
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
      ctx,
      ctx.figureId('ranged'),
      `ranged download, ${ranges.length} random ${fmtSize(size)} ranges one at a time${distantSuffix(ctx)}`,
      ['api Range requests', 'ranged alt=media straight from the emulator'],
      runs,
      limitFor(ctx, TARGETS.ranged),
      checks,
      {
        ranges: ranges.length,
        rangeBytes: size,
        latencyMsApi: lat(latencies.s),
        latencyMsDirect: lat(latencies.b),
        // Medians of the api's own split of its time to first byte (Server-Timing).
        apiTimeToFirstByteMs: { lookup: median(apiSplit.lookup), openDrive: median(apiSplit.source) },
        apiCpu: runs.s.map(apiCpuOf),
      },
    );
  },

  /**
   * 6. Drive → WebDAV backup by the worker vs a plain GET|PUT pipe between the two servers,
   * interleaved like the others. The worker starts copying as soon as an upload completes, so
   * its window opens at the upload's `success` (the upload itself is outside it); the pipe
   * copies a Drive file of the same content uploaded straight to Drive, which the worker never sees.
   */
  async backup(ctx) {
    const src = await ctx.source(ctx.sizes.backup === ctx.sizes.single ? 'single.bin' : 'backup.bin', ctx.sizes.backup);
    // Nothing else may be waiting for a copy when the worker starts.
    await ctx.retireDownloadFile();
    const pipeSource = await directUpload(ctx, src, 'backup-pipe-source.bin');
    await ctx.webdav.mkcol('/bench-baseline');
    await ctx.stack.startWorker();
    // What it does right after start (connections, its first sweep) is not a copy.
    await sleep(ctx.quick ? 500 : 3000);
    const files = filesCollection(ctx.stack.mongo);
    const checks: Check[] = [];
    const runs = await interleave(
      ctx,
      async (i, measure) => {
        const target = `/bench-baseline/copy-${i}-${randomBytes(4).toString('hex')}.bin`;
        await measure(src.size / MiB, async () => {
          const dl = await ctx.drive.openDownload(pipeSource.id);
          await ctx.webdav.put(target, dl.stream, dl.length);
        });
        checks.push(check(`pipe copy #${i + 1}: SHA-256 of the WebDAV copy`, src.sha256, (await ctx.webdav.get(target, true)).sha256));
        await ctx.webdav.delete(target);
      },
      async (i, measure) => {
        const up = await ctx.api.upload(src.path, src.size, `backup-${i}.bin`);
        const row = await measure(src.size / MiB, async () => {
          for (;;) {
            const r = await ctx.fileRow(up.fileId);
            if (r.backupStatus === 'completed') return r;
            if (r.backupStatus === 'failed') throw new Error(`backup of ${up.fileId} failed`);
            if (performance.now() - up.successAt > 600_000) throw new Error('backup did not complete within 10 minutes');
            await sleep(20);
          }
        });
        const ms = performance.now() - up.successAt;
        checks.push(check(`worker backup #${i + 1}: SHA-256 of the WebDAV copy`, src.sha256, (await ctx.webdav.get(row.backupPath as string, true)).sha256));
        await ctx.webdav.delete(`${(row.backupPath as string).split('/').slice(0, -1).join('/')}/`);
        await ctx.retireApiFile(up.fileId);
        await files.updateOne({ _id: up.fileId }, { $set: { backupStatus: 'none' } });
        return mibps(src.size, ms);
      },
    );
    await ctx.drive.deleteFile(pipeSource.id);
    return throughputFigure(
      ctx,
      'backup',
      `backup MiB/s, Drive → WebDAV copy of ${fmtSize(src.size)} (upload success → backupStatus completed)`,
      ['worker backup job', 'GET alt=media piped into a WebDAV PUT'],
      runs,
      TARGETS.backup,
      checks,
      { bytes: src.size },
    );
  },

  /** 7. api RSS growth during N concurrent uploads, against its RSS at rest. */
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
    const targets = [target(ctx.quick, `RSS growth (${n} × 3 × 4 MiB + 64 MiB)`, 'MiB', [growth], limit, false)];
    return {
      id: 'rss',
      title: `api peak RSS during ${n} concurrent ${fmtSize(ctx.sizes.rss)} uploads`,
      subject: side('peak RSS during the uploads', 'MiB', [peak]),
      baseline: side('RSS at rest', 'MiB', [rest]),
      ratio: growth,
      targets,
      ...verdict(targets, checks),
      checks,
      details: { uploads: n, bytesEach: ctx.sizes.rss, samples, aggregateMiBps: round(mibps(n * ctx.sizes.rss, ms), 1) },
    };
  },

  /**
   * 8. GET /files/:id/meta at N connections, requests going round 1,000 distinct files (so
   * concurrent lookups of one id cannot share a read), vs /health on the same process.
   */
  async meta(ctx) {
    const src = await ctx.downloadSource();
    const file = await ctx.downloadFile(src);
    const conns = ctx.sizes.loadConnections;
    // Copies of the download file's record under new ids: each a distinct, servable file.
    const files = filesCollection(ctx.stack.mongo);
    const row = await ctx.fileRow(file.fileId);
    const ids: string[] = Array.from({ length: META_FILE_IDS }, () => randomUUID());
    await files.insertMany(ids.map((id) => ({ ...row, _id: id })));
    const health = `${ctx.stack.apiUrl}/api/v1/health`;
    const metas = ids.map((id) => `${ctx.stack.apiUrl}/api/v1/files/${id}/meta`);
    const results: { b: LoadResult[]; s: LoadResult[] } = { b: [], s: [] };
    const load = { connections: conns, durationMs: ctx.sizes.loadMs, warmupMs: ctx.quick ? 300 : 1000 };
    const idOf = (url: string) => url.split('/').slice(-2)[0];
    let runs: Runs;
    try {
      runs = await interleave(
        ctx,
        async (_i, measure) => {
          const r = await measure(
            (x) => x.allRequests / 1000,
            () => runLoad(health, { ...load, check: (_u, body) => body.includes('"status":"ok"') }),
          );
          results.b.push(r);
          return r.rps;
        },
        async (_i, measure) => {
          const r = await measure(
            (x) => x.allRequests / 1000,
            () => runLoad(metas, { ...load, check: (url, body) => body.includes(`"file_id":"${idOf(url)}"`) }),
          );
          results.s.push(r);
          return r.rps;
        },
      );
    } finally {
      await files.deleteMany({ _id: { $in: ids } });
    }
    const checks: Check[] = [];
    const metaBody = JSON.parse(results.s[0]?.sampleBody ?? '{}') as { file_id?: string; size?: number };
    checks.push(check('meta answer names one of the files', 'true', String(ids.includes(metaBody.file_id ?? ''))));
    checks.push(check('meta answer has its size', String(src.size), String(metaBody.size)));
    checks.push(check('meta requests went round every file id', String(META_FILE_IDS), String(results.s[0]?.urls)));
    checks.push(check('answers naming another file (meta) or not ok (health)', '0', String([...results.b, ...results.s].reduce((n, r) => n + r.badBodies, 0))));
    const failures = [...results.b, ...results.s].reduce((n, r) => n + r.errors + r.badStatus, 0);
    checks.push(check('failed or non-2xx answers', '0', String(failures)));
    const p99s = results.s.map((r) => r.latencyMs.p99);
    const targets = [target(ctx.quick, `meta p99 at ${conns} connections`, 'ms', p99s, TARGETS.metaP99Ms, false)];
    const subject = side(`GET /api/v1/files/:id/meta, ${META_FILE_IDS} distinct ids`, 'req/s', runs.s.map((r) => r.rate));
    const baseline = side('GET /api/v1/health', 'req/s', runs.b.map((r) => r.rate));
    const pairs = paired(runs);
    return {
      id: 'meta',
      title: `GET /api/v1/files/:id/meta requests/s at ${conns} connections over ${META_FILE_IDS} distinct files (p99 latency)`,
      subject,
      baseline,
      ratio: round(median(p99s), 2),
      pairedRatios: pairs,
      targets,
      ...verdict(targets, checks),
      checks,
      details: {
        connections: conns,
        fileIds: META_FILE_IDS,
        durationMs: ctx.sizes.loadMs,
        metaP99Ms: round(median(p99s)),
        metaLatencyMs: results.s.map((r) => r.latencyMs),
        healthLatencyMs: results.b.map((r) => r.latencyMs),
        // CPU per 1,000 requests, by process and api thread: where a request's cost goes.
        cpu: cpuSplit(runs, cpus().length, '1000 requests'),
      },
    };
  },
};

function fmtSize(bytes: number): string {
  if (bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes > MiB) return `${round(bytes / MiB, 2)} MiB`;
  return `${round(bytes / 1024, 1)} KiB`;
}
