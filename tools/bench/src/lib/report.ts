import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { BenchReport, CpuSplit, spread, targetText, verdictText } from './bench';
import { formatProfile } from './profile';

function num(x: number): string {
  return Number.isFinite(x) ? (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1)) : '—';
}

/** Rows as a plain-text table (also valid Markdown). */
function table(rows: string[][]): string {
  const [header, ...body] = rows as [string[], ...string[][]];
  const widths = header.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** Every figure: both sides (medians, and each run), the paired ratio with its spread. */
export function formatTable(report: BenchReport): string {
  const rows: string[][] = [['figure', 'subject (api path)', 'baseline (direct path)', 'paired ratio, median (min–max)', 'result']];
  for (const f of report.figures) {
    const runs = (xs: number[]) => (xs.length > 1 ? ` (${xs.map(num).join(', ')})` : '');
    let subject = `${num(f.subject.median)} ${f.subject.unit}${runs(f.subject.runs)}`;
    let baseline = `${num(f.baseline.median)} ${f.baseline.unit}${runs(f.baseline.runs)}`;
    if (f.id === 'meta') subject += `, p99 ${num(f.details['metaP99Ms'] as number)} ms`;
    if (f.id.endsWith('ranged')) {
      const a = f.details['latencyMsApi'] as { p50: number; p99: number };
      const d = f.details['latencyMsDirect'] as { p50: number; p99: number };
      subject += `, p50/p99 ${num(a.p50)}/${num(a.p99)} ms`;
      baseline += `, p50/p99 ${num(d.p50)}/${num(d.p99)} ms`;
    }
    const p = f.pairedRatios;
    const pairedText = p ? spread(p.median, p.min, p.max) : '—';
    const bad = f.checks.filter((c) => !c.ok).length;
    const result = f.targetMet === null ? 'not judged' : f.targetMet ? 'pass' : 'FAIL';
    rows.push([f.title, subject, baseline, pairedText, `${result}${bad ? ` (${bad} byte checks FAILED)` : ''}`]);
  }
  return table(rows);
}

/** The issue's targets, each with this run's value (median, min–max over the repeats) and verdict. */
export function formatTargets(report: BenchReport): string {
  const rows: string[][] = [['target', 'figure', 'measured, median (min–max)', 'limit', 'verdict']];
  for (const f of report.figures) {
    for (const t of f.targets) {
      const digits = t.unit === 'ratio' ? 3 : 1;
      rows.push([t.what, f.id, `${spread(t.value, t.min, t.max, digits)}${t.unit === 'ratio' ? '' : ` ${t.unit}`}`, targetText(t), verdictText(t.met)]);
    }
  }
  return table(rows);
}

function list(r: Record<string, number>): string {
  return Object.entries(r)
    .sort((x, y) => y[1] - x[1])
    .map(([name, ms]) => `${name} ${ms}`)
    .join(', ');
}

/** Where the CPU went, per figure and side: busy %, machine ms per unit, by process, the api by thread. */
export function formatCpu(report: BenchReport): string[] {
  const out: string[] = [];
  for (const f of report.figures) {
    const cpu = f.details['cpu'] as CpuSplit | undefined;
    if (!cpu) continue;
    const sideText = (name: string, s: CpuSplit['subject']) =>
      `    ${name}: ${s.busyPct}% busy, ${s.machineMsPer} ms/${cpu.unit} — ${list(s.byProcess)}; api event loop ${s.api.eventLoop}, all threads ${s.api.allThreads} (${list(s.api.byThread)})`;
    out.push(`  ${f.id}:`, sideText('subject ', cpu.subject), sideText('baseline', cpu.baseline));
  }
  return out;
}

/** The browser figure's page timing marks: where an upload's time went in Chromium. */
export function formatBrowser(report: BenchReport): string[] {
  const f = report.figures.find((x) => x.id === 'browser');
  if (!f) return [];
  const t = f.details['pageTimings'] as Record<string, number> | undefined;
  const per = f.details['pageMsPerMiB'] as Record<string, number> | undefined;
  const r = f.details['rendererMs'] as Record<string, number> | undefined;
  if (!t || !per) return [];
  const lines = [
    'browser upload, page timing marks (medians per upload; ms per MiB in brackets):',
    `  File slice reads ${t['reads']} × → ${num(t['readMs'] ?? NaN)} ms (${(per['readMs'] ?? NaN).toFixed(2)}), longest ${num(t['readMaxMs'] ?? NaN)} ms; ` +
      `WebSocket.send ${t['sends']} × → ${num(t['sendMs'] ?? NaN)} ms (${(per['sendMs'] ?? NaN).toFixed(2)}), bufferedAmount after send mean ${num(t['bufferedMeanMiB'] ?? NaN)} / max ${num(t['bufferedMaxMiB'] ?? NaN)} MiB`,
    `  waiting for the window (a send to the next read) ${num(t['windowWaitMs'] ?? NaN)} ms (${(per['windowWaitMs'] ?? NaN).toFixed(2)}); ` +
      `${t['messages']} server messages handled in ${num(t['messageMs'] ?? NaN)} ms; ${t['renders']} progress redraws in ${num(t['renderMs'] ?? NaN)} ms; ` +
      `${t['longTasks']} long tasks, ${num(t['longTaskMs'] ?? NaN)} ms`,
  ];
  if (r) lines.push(`  renderer main thread: tasks ${num(r['TaskDuration'] ?? NaN)} ms, script ${num(r['ScriptDuration'] ?? NaN)} ms, layout ${num(r['LayoutDuration'] ?? NaN)} ms, style ${num(r['RecalcStyleDuration'] ?? NaN)} ms; whole upload ${num(per['uploadMs'] ?? NaN)} ms per MiB`);
  if (f.details['trace']) lines.push(`  Chromium trace: ${f.details['trace'] as string}`);
  return lines;
}

export function formatReport(report: BenchReport): string {
  const m = report.machine;
  const checks = report.figures.flatMap((f) => f.checks);
  const out = [
    `DirectDriveX bench (${report.mode}, ${report.repeats} interleaved repeat(s)) — ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, node ${m.node}`,
    `load average at start ${m.loadavgAtStart.join(' ')}, at end ${report.loadavgAtEnd.join(' ')}`,
    '',
    formatTable(report),
    '',
    'paired ratio = subject ÷ baseline of runs made back to back (order alternating); verdicts use their median.',
    '',
    'Targets:',
    formatTargets(report),
    '',
    `byte checks: ${checks.filter((c) => c.ok).length} of ${checks.length} SHA-256/MD5 comparisons matched (read back after each run, outside its measured window)`,
  ];
  for (const c of checks.filter((x) => !x.ok)) out.push(`  MISMATCH ${c.what}: expected ${c.expected}, got ${c.actual}`);
  const cpu = formatCpu(report);
  if (cpu.length) out.push('', `CPU over each transfer alone (all ${m.cpus} cores, every process; medians; ms per MiB, meta per 1,000 requests):`, ...cpu);
  const browser = formatBrowser(report);
  if (browser.length) out.push('', ...browser);
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
