import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  function: string;
  where: string;
  selfMs: number;
  selfPct: number;
  /** Who called it, by the self time spent under each caller chain (3 frames up). */
  callers: Array<{ stack: string; selfMs: number }>;
}

export interface ProfileSummary {
  files: string[];
  totalMs: number;
  /** Time the process was idle (waiting for I/O). */
  idleMs: number;
  top: ProfileEntry[];
  /** Self time grouped by package / area (node_modules package, node internals, our code). */
  byArea: Array<{ area: string; selfMs: number; selfPct: number }>;
  /** Garbage collections seen by the preload (count and pause time by kind), peak heap. */
  gc?: unknown[];
}

/** Self time per function (and per package) of `node --cpu-prof` profiles. */
export function summarizeProfiles(paths: string[], topN = 30): ProfileSummary {
  const self = new Map<string, { fn: string; where: string; us: number; callers: Map<string, number> }>();
  const areas = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const path of paths.filter((p) => p.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const frame = (n: CpuProfileNode | undefined) => (n ? `${n.callFrame.functionName || '(anonymous)'}${n.callFrame.url ? ` ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}` : ''}` : '');
    for (let i = 0; i < profile.samples.length; i++) {
      const node = byId.get(profile.samples[i] as number);
      const dt = profile.timeDeltas[i] ?? 0;
      if (!node) continue;
      totalUs += dt;
      const { functionName, url, lineNumber } = node.callFrame;
      if (functionName === '(idle)') {
        idleUs += dt;
        continue;
      }
      const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
      const key = `${functionName}@${where}`;
      const entry = self.get(key) ?? { fn: functionName || '(anonymous)', where, us: 0, callers: new Map<string, number>() };
      entry.us += dt;
      const chain: string[] = [];
      for (let up = parent.get(node.id), k = 0; up !== undefined && k < 3; up = parent.get(up), k++) chain.push(frame(byId.get(up)));
      const stack = chain.join(' < ');
      entry.callers.set(stack, (entry.callers.get(stack) ?? 0) + dt);
      self.set(key, entry);
      const area = areaOf(functionName, url);
      areas.set(area, (areas.get(area) ?? 0) + dt);
    }
  }
  const busyUs = Math.max(1, totalUs - idleUs);
  const top = [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, topN)
    .map((e) => ({
      function: e.fn,
      where: e.where,
      selfMs: Math.round(e.us / 1000),
      selfPct: Math.round((1000 * e.us) / busyUs) / 10,
      callers: [...e.callers.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([stack, us]) => ({ stack, selfMs: Math.round(us / 1000) })),
    }));
  const byArea = [...areas.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([area, us]) => ({ area, selfMs: Math.round(us / 1000), selfPct: Math.round((1000 * us) / busyUs) / 10 }));
  const gc = paths.filter((p) => /GC\.\d+\.json$/.test(p)).map((p) => JSON.parse(readFileSync(p, 'utf8')) as unknown);
  return { files: paths.map((p) => basename(p)), totalMs: Math.round(totalUs / 1000), idleMs: Math.round(idleUs / 1000), top, byArea, gc };
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

function areaOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native/V8)';
  if (url.startsWith('node:')) return url.includes('/') ? url.slice(0, url.lastIndexOf('/')) : url;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1] as string;
  return 'our code (dist)';
}

export function formatProfile(p: ProfileSummary): string {
  const lines = [`api CPU profile: ${p.totalMs} ms sampled, ${p.idleMs} ms idle, ${p.totalMs - p.idleMs} ms busy`, 'self time by area:'];
  for (const a of p.byArea.slice(0, 15)) lines.push(`  ${String(a.selfPct).padStart(5)}%  ${String(a.selfMs).padStart(7)} ms  ${a.area}`);
  for (const g of p.gc ?? []) lines.push(`garbage collection: ${JSON.stringify(g)}`);
  lines.push('top functions (self time):');
  for (const e of p.top) {
    lines.push(`  ${String(e.selfPct).padStart(5)}%  ${String(e.selfMs).padStart(7)} ms  ${e.function}  ${e.where}`);
    for (const c of e.callers.slice(0, 2)) if (c.stack) lines.push(`  ${' '.repeat(17)}${String(c.selfMs).padStart(6)} ms under ${c.stack.slice(0, 220)}`);
  }
  return lines.join('\n');
}
