import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { BenchReport, Figure } from './bench';
import { formatProfile } from './profile';
import { median, round } from './stats';

function ratioText(f: Figure): string {
  if (f.ratio === null) return '—';
  return f.id === 'rss' ? `+${round(f.ratio, 1)} MiB` : round(f.ratio, 3).toFixed(3);
}

function num(x: number): string {
  return Number.isFinite(x) ? (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1)) : '—';
}

/** The figures as a plain-text table (also valid Markdown). */
export function formatTable(report: BenchReport): string {
  const rows: string[][] = [['figure', 'subject', 'baseline', 'ratio', 'paired ratios', 'target', 'result']];
  for (const f of report.figures) {
    const runs = (xs: number[]) => (xs.length > 1 ? ` (${xs.map(num).join(', ')})` : '');
    let subject = `${num(f.subject.median)} ${f.subject.unit}${runs(f.subject.runs)}`;
    if (f.id === 'meta') subject += `, p99 ${num(f.details['metaP99Ms'] as number)} ms`;
    if (f.id.endsWith('ranged')) {
      const l = f.details['latencyMsApi'] as { p50: number; p99: number };
      subject += `, p50/p99 ${num(l.p50)}/${num(l.p99)} ms`;
    }
    let baseline = `${num(f.baseline.median)} ${f.baseline.unit}${runs(f.baseline.runs)}`;
    if (f.id.endsWith('ranged')) {
      const l = f.details['latencyMsDirect'] as { p50: number; p99: number };
      baseline += `, p50/p99 ${num(l.p50)}/${num(l.p99)} ms`;
    }
    const bad = f.checks.filter((c) => !c.ok).length;
    const result = f.targetMet === null ? 'not judged' : f.targetMet ? 'pass' : 'FAIL';
    const paired = f.pairedRatios && f.pairedRatios.runs.length > 1 ? `${f.pairedRatios.median.toFixed(3)} (${f.pairedRatios.runs.map((x) => x.toFixed(2)).join(', ')})` : '—';
    rows.push([f.title, subject, baseline, ratioText(f), paired, f.target.text, `${result}${bad ? ` (${bad} byte checks FAILED)` : ''}`]);
  }
  const [header, ...body] = rows as [string[], ...string[][]];
  const widths = header.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

export function formatReport(report: BenchReport): string {
  const m = report.machine;
  const checks = report.figures.flatMap((f) => f.checks);
  const out = [
    `DirectDriveX bench (${report.mode}, ${report.repeats} interleaved repeat(s), medians) — ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, node ${m.node}`,
    `load average at start ${m.loadavgAtStart.join(' ')}, at end ${report.loadavgAtEnd.join(' ')}`,
    '',
    formatTable(report),
    '',
    'ratio = median(subject) / median(baseline); paired ratios = subject/baseline of each back-to-back pair (median first).',
    `byte checks: ${checks.filter((c) => c.ok).length} of ${checks.length} SHA-256/MD5 comparisons matched`,
  ];
  for (const c of checks.filter((x) => !x.ok)) out.push(`  MISMATCH ${c.what}: expected ${c.expected}, got ${c.actual}`);
  const cpu = report.figures
    .filter((f) => Array.isArray(f.details['apiCpu']) && (f.details['apiCpu'] as unknown[]).length)
    .map((f) => {
      const runs = f.details['apiCpu'] as Array<{ mainMsPerMiB: number; totalMsPerMiB: number }>;
      return `${f.id} ${median(runs.map((r) => r.mainMsPerMiB)).toFixed(1)}/${median(runs.map((r) => r.totalMsPerMiB)).toFixed(1)}`;
    });
  if (cpu.length) out.push(`api CPU ms per MiB (event-loop thread/all threads, medians): ${cpu.join(', ')}`);
  const busy = report.figures
    .filter((f) => f.details['machineBusy'])
    .map((f) => {
      const b = f.details['machineBusy'] as {
        subjectPct: number;
        baselinePct: number;
        subjectCpuMsPerMiB: number;
        baselineCpuMsPerMiB: number;
        subjectByProcess?: Record<string, number>;
        baselineByProcess?: Record<string, number>;
      };
      const list = (r: Record<string, number> | undefined) =>
        Object.entries(r ?? {})
          .sort((x, y) => y[1] - x[1])
          .map(([name, ms]) => `${name} ${ms}`)
          .join(', ');
      const split = b.subjectByProcess && b.baselineByProcess ? ` — subject: ${list(b.subjectByProcess)}; baseline: ${list(b.baselineByProcess)}` : '';
      return `  ${f.id}: ${b.subjectPct}% vs ${b.baselinePct}% busy; ${b.subjectCpuMsPerMiB} vs ${b.baselineCpuMsPerMiB} ms/MiB${split}`;
    });
  if (busy.length) out.push(`machine CPU (all ${m.cpus} cores, every process), subject vs baseline, medians; CPU ms per MiB by process:`, ...busy);
  if (report.profile) out.push('', formatProfile(report.profile));
  return out.join('\n');
}

/** Writes <dir>/bench-<mode>-<time>.json and, when `latest`, a copy as latest.json. */
export function writeReport(report: BenchReport, dir: string, options: { latest: boolean }): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${report.mode}-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  if (options.latest) copyFileSync(file, join(dir, 'latest.json'));
  return file;
}
