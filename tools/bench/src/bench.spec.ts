import { readdirSync, readFileSync } from 'node:fs';

import { BenchReport, DISTANT_IDS, DISTANT_LATENCY_MS, FIGURE_IDS, runBench } from './lib/bench';
import { formatReport } from './lib/report';

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

  beforeAll(async () => {
    report = await runBench({ quick: true });
    process.stdout.write(`${formatReport(report)}\n`);
  });

  it('measures every figure of issue #12, with a baseline from the same run', () => {
    expect(report.figures.map((f) => f.id)).toEqual([...FIGURE_IDS]);
    for (const f of report.figures) {
      expect(f.subject.runs.length).toBeGreaterThan(0);
      expect(f.baseline.runs.length).toBeGreaterThan(0);
      for (const x of [...f.subject.runs, ...f.baseline.runs]) expect(Number.isFinite(x) && x > 0).toBe(true);
      expect(f.ratio).not.toBeNull();
      expect(f.targetMet).toBeNull(); // quick mode never judges timings
    }
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
