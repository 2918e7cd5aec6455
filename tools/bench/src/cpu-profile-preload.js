// Preloaded into the api by `npm run bench -- --profile` (NODE_OPTIONS=--require …):
// Node 20 refuses --cpu-prof in NODE_OPTIONS, so this starts the same V8 sampling
// profiler through the inspector and writes a .cpuprofile (Chrome DevTools format)
// to $BENCH_CPU_PROF_DIR when the process is told to stop.
'use strict';
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.BENCH_CPU_PROF_INTERVAL_US || 1000) });
  session.post('Profiler.start');
  // Garbage collections by kind (PerformanceObserver 'gc' entries), written next to the profile.
  const { PerformanceObserver, constants } = require('node:perf_hooks');
  const kinds = { [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb' };
  const gc = {};
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = kinds[e.detail?.kind ?? e.kind] ?? 'other';
      const g = (gc[kind] ??= { count: 0, ms: 0, maxMs: 0, flags: {} });
      g.count++;
      const flags = e.detail?.flags ?? e.flags ?? 0;
      g.flags[flags] = (g.flags[flags] ?? 0) + 1;
      g.ms += e.duration;
      g.maxMs = Math.max(g.maxMs, e.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  let peakHeap = 0;
  const v8 = require('node:v8');
  setInterval(() => (peakHeap = Math.max(peakHeap, v8.getHeapStatistics().used_heap_size)), 500).unref();
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    const mem = process.memoryUsage();
    writeFileSync(join(dir, `GC.${process.pid}.json`), JSON.stringify({ gc, peakHeapUsedMiB: Math.round(peakHeap / 1048576), memoryAtExit: mem }, null, 2));
    // An in-process inspector session answers synchronously.
    session.post('Profiler.stop', (err, result) => {
      if (!err && result) writeFileSync(join(dir, `CPU.${process.pid}.${Date.now()}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  // Before Nest's shutdown hook, which re-raises the signal after closing the app.
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.prependListener(signal, function onSignal() {
      write();
      // Nobody else handles it: do what the default action would have done.
      if (process.listenerCount(signal) === 1) process.exit(128 + (signal === 'SIGTERM' ? 15 : 2));
    });
  }
  process.on('exit', write);
}
