import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';

/** Busy and total CPU time of the whole machine so far (all cores, every process), in ms, from /proc/stat. */
export function machineCpuMs(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const toMs = (ticks: number) => (ticks * 1000) / 100; // USER_HZ
  return { busy: toMs(user + nice + system + irq + softirq + steal), total: toMs(user + nice + system + idle + iowait + irq + softirq + steal) };
}

/** What share of the machine's CPU (all cores) was busy between start and stop, 0…1. */
export function machineLoadMeter(): { stop(): number } {
  const start = machineCpuMs();
  return {
    stop: () => {
      const end = machineCpuMs();
      const total = end.total - start.total;
      return total > 0 ? (end.busy - start.busy) / total : NaN;
    },
  };
}

/** Resident memory of a process from /proc/<pid>/status, in MiB (as upload-process.int.spec.ts reads it). */
export function rssMiB(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024 };
}

/** Samples a process's RSS every `everyMs` until stopped; returns the highest value seen. */
export function sampleRss(pid: number, everyMs = 25): { stop(): { peak: number; samples: number } } {
  let peak = 0;
  let samples = 0;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMiB(pid).rss);
      samples++;
    } catch {
      // process gone
    }
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return { peak, samples };
    },
  };
}

/** CPU time (user+system) a process (or with `tid`, one of its threads) has used so far, in ms. */
export function cpuMs(pid: number, tid?: number): number {
  try {
    const file = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`;
    const fields = readFileSync(file, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

/** CPU ms used so far by each thread of a process, summed by thread name (/proc/<pid>/task/<tid>/comm; the main thread is 'event loop'). */
export function cpuByThreadName(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      // Worker threads keep the process's name; libuv's pool and V8's helpers have their own.
      const name = Number(tid) === pid ? 'event loop' : comm === 'node' ? 'worker threads' : comm;
      out[name] = (out[name] ?? 0) + cpuMs(pid, Number(tid));
    } catch {
      // thread ended meanwhile
    }
  }
  return out;
}

function version(command: string, args: string[], pattern: RegExp): string | null {
  try {
    const out = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 });
    return pattern.exec(out)?.[1] ?? out.trim().split('\n')[0] ?? null;
  } catch {
    return null;
  }
}

export interface MachineInfo {
  cpuModel: string;
  cpus: number;
  memoryGiB: number;
  kernel: string;
  loadavgAtStart: number[];
  node: string;
  versions: Record<string, string | null>;
  git: { commit: string | null; dirty: boolean | null };
}

export function machineInfo(root: string): MachineInfo {
  const pkg = (name: string) => {
    try {
      return (JSON.parse(readFileSync(`${root}/node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
    } catch {
      return null;
    }
  };
  let commit: string | null = null;
  let dirty: boolean | null = null;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    dirty = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).trim().length > 0;
  } catch {
    // not a git checkout
  }
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    kernel: release(),
    loadavgAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    versions: {
      apache2: version('/usr/sbin/apache2', ['-v'], /Apache\/(\S+)/),
      'redis-server': version('redis-server', ['--version'], /v=(\S+)/),
      ws: pkg('ws'),
      express: pkg('express'),
      '@nestjs/core': pkg('@nestjs/core'),
      googleapis: pkg('googleapis'),
      'google-auth-library': pkg('google-auth-library'),
      gaxios: pkg('gaxios'),
      mongoose: pkg('mongoose'),
      webdav: pkg('webdav'),
      bufferutil: pkg('bufferutil'),
    },
    git: { commit, dirty },
  };
}
