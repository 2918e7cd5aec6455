import { readdirSync, readFileSync } from 'node:fs';

import { BenchReport, CpuSplit, DISTANT_IDS, DISTANT_LATENCY_MS, FIGURE_IDS, META_FILE_IDS, runBench, TARGETS } from './lib/bench';
import { formatReport } from './lib/report';
import { median } from './lib/stats';

jest.setTimeout(600_000);

/** Processes whose command line mentions `text` (Apache's forked workers included). */
function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    // A zombie still has a /proc entry; it counts as gone.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * `npm run bench -- --quick` in-process: every figure's harness runs against
 * the real stack with small sizes. Timings are not judged; the bytes are:
 * whatever came back (from Drive, the api, WebDAV) must hash to what was sent.
 */
describe('bench harness (--quick)', () => {
  let report: BenchReport;
  let printed: string;
  const figure = (id: string) => {
    const f = report.figures.find((x) => x.id === id);
    if (!f) throw new Error(`figure ${id} missing`);
    return f;
  };

  beforeAll(async () => {
    report = await runBench({ quick: true });
    printed = formatReport(report);
    process.stdout.write(`${printed}\n`);
  });

  it('measures every figure of issue #12, with a baseline from the same run', () => {
    expect(report.figures.map((f) => f.id)).toEqual([...FIGURE_IDS]);
    for (const f of report.figures) {
      expect(f.subject.runs.length).toBeGreaterThan(0);
      expect(f.baseline.runs.length).toBeGreaterThan(0);
      for (const x of [...f.subject.runs, ...f.baseline.runs]) expect(Number.isFinite(x) && x > 0).toBe(true);
      expect(f.ratio).not.toBeNull();
      expect(f.targets.length).toBeGreaterThan(0);
      expect(f.targetMet).toBeNull(); // quick mode never judges timings
      for (const t of f.targets) expect(t.met).toBeNull();
    }
  });

  it('judges every throughput on the median of its paired ratios, with their spread', () => {
    for (const f of report.figures.filter((x) => x.subject.unit === 'MiB/s')) {
      const p = f.pairedRatios;
      if (!p) throw new Error(`${f.id} has no paired ratios`);
      expect(p.runs).toHaveLength(f.subject.runs.length);
      // Each pair is subject ÷ baseline of the same repeat.
      p.runs.forEach((r, i) => expect(r).toBeCloseTo((f.subject.runs[i] as number) / (f.baseline.runs[i] as number), 1));
      expect(f.ratio).toBe(p.median);
      expect(p.median).toBeCloseTo(median(p.runs), 3);
      const ratio = f.targets.find((t) => t.what === 'paired ratio');
      expect(ratio?.value).toBeCloseTo(p.median, 3);
      expect(ratio?.min).toBeLessThanOrEqual(ratio?.max as number);
    }
  });

  it("carries the issue's targets, printed in a table with each verdict", () => {
    const limit = (id: string, what = 'paired ratio') => figure(id).targets.find((t) => t.what.startsWith(what))?.limit;
    for (const id of ['upload-single', 'upload-concurrent', 'download', 'ranged'] as const) {
      expect([limit(id), limit(`distant-${id}`)]).toEqual([...TARGETS[id]]);
    }
    expect(limit('backup')).toBe(TARGETS.backup);
    expect(limit('browser')).toBe(TARGETS.browser);
    expect(limit('upload-single', 'api event-loop CPU')).toBe(TARGETS.apiEventLoopMsPerMiB);
    expect(limit('rss', 'RSS growth')).toBe(16 * 3 * 4 + 64);
    expect(limit('meta', 'meta p99')).toBe(TARGETS.metaP99Ms);
    expect(printed).toContain('Targets:');
    const rows = report.figures.flatMap((f) => f.targets).length;
    expect(printed.split('\n').filter((l) => l.includes('not judged (quick)'))).toHaveLength(rows);
  });

  it('splits the CPU of each transfer by process and by api thread', () => {
    const cpu = figure('upload-single').details['cpu'] as CpuSplit;
    expect(cpu.subject.byProcess['api']).toBeGreaterThan(0);
    expect(cpu.subject.byProcess['gdrive-emulator']).toBeGreaterThan(0);
    // The direct path never touches the api (its idle timers may cost a trace).
    expect(cpu.baseline.byProcess['api'] ?? 0).toBeLessThan(cpu.subject.byProcess['api'] as number);
    expect(cpu.subject.api.eventLoop).toBeGreaterThan(0);
    expect(cpu.subject.api.allThreads).toBeGreaterThanOrEqual(cpu.subject.api.eventLoop);
    expect(cpu.subject.busyPct).toBeGreaterThan(0);
    expect((figure('meta').details['cpu'] as CpuSplit).unit).toBe('1000 requests');
  });

  it(`meta: requests go round ${META_FILE_IDS} distinct files, each answer naming the file asked for`, () => {
    const f = figure('meta');
    expect(f.details['fileIds']).toBe(META_FILE_IDS);
    expect(f.checks.find((c) => c.what.startsWith('meta requests went round'))?.actual).toBe(String(META_FILE_IDS));
    expect(f.checks.find((c) => c.what.startsWith('answers naming another file'))?.ok).toBe(true);
  });

  it("browser: the SPA's client uploads from Chromium, with its timing marks and Chromium's CPU", () => {
    const f = figure('browser');
    const t = f.details['pageTimings'] as Record<string, number>;
    const frames = Math.ceil(report.sizes.browser / (4 * 1024 * 1024));
    expect(t['reads']).toBeGreaterThanOrEqual(frames);
    expect(t['sends']).toBeGreaterThanOrEqual(frames);
    expect(t['messages']).toBeGreaterThan(0);
    expect(Object.keys((f.details['cpu'] as CpuSplit).subject.byProcess).some((name) => name.startsWith('chromium'))).toBe(true);
    expect(printed).toContain('browser upload, page timing marks');
  });

  it("ranged: splits the api's time to first byte from its Server-Timing header", () => {
    const details = report.figures.find((f) => f.id === 'ranged')?.details as { apiTimeToFirstByteMs?: { lookup: number; openDrive: number } } | undefined;
    expect(details?.apiTimeToFirstByteMs?.lookup).toBeGreaterThan(0);
    expect(details?.apiTimeToFirstByteMs?.openDrive).toBeGreaterThan(0);
  });

  it('runs the distant-Drive figures with the emulator a round trip away, and only those', () => {
    const roundTrip = 2 * DISTANT_LATENCY_MS;
    for (const id of DISTANT_IDS) expect(report.figures.find((f) => f.id === id)?.details['driveRoundTripMs']).toBe(roundTrip);
    // Every direct range request pays the round trip (a lower bound: a busy machine only adds).
    const direct = report.figures.find((f) => f.id === 'distant-ranged')?.details['latencyMsDirect'] as { p50: number } | undefined;
    expect(direct?.p50).toBeGreaterThanOrEqual(roundTrip - 3);
    expect(report.figures.find((f) => f.id === 'ranged')?.details['driveRoundTripMs']).toBeUndefined();
  });

  it.each([...FIGURE_IDS])('%s: the SHA-256 of what came back equals what was sent', (id) => {
    const figure = report.figures.find((f) => f.id === id);
    if (!figure) throw new Error(`figure ${id} missing`);
    expect(figure.checks.length).toBeGreaterThan(0);
    const mismatches = figure.checks.filter((c) => !c.ok);
    expect(mismatches).toEqual([]);
    expect(figure.bytesOk).toBe(true);
  });

  it('leaves no process running', () => {
    expect(report.processes.map((p) => p.name)).toEqual(expect.arrayContaining(['ferretdb', 'redis', 'gdrive-emulator', 'api', 'worker']));
    expect(report.processes.filter((p) => alive(p.pid))).toEqual([]);
    expect(processesMentioning(report.workDir)).toEqual([]);
    // The built apps run from a snapshot of dist/ named after this process.
    expect(processesMentioning(`bench-dist-${process.pid}`)).toEqual([]);
  });
});
