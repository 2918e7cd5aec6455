import { METRICS_WINDOW_MINUTES, MetricsWindow, RequestMetrics, RouteMetrics } from '@ddx/contracts';
import { REDIS } from '@ddx/server-queue';
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';

import { quantileFromBuckets, round1 } from './latency-histogram';
import { emptyStat, hourKey, minuteKey, RequestMetricsRecorder, RouteStat } from './request-metrics.recorder';

/**
 * Request metrics of every api replica over a window, read from the Redis
 * hashes the recorders write: per minute up to an hour, per hour beyond
 * (the oldest hour may then be partial).
 */
@Injectable()
export class RequestMetricsReader {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly recorder: RequestMetricsRecorder,
  ) {}

  async read(window: MetricsWindow, now = Date.now()): Promise<RequestMetrics> {
    // This replica's latest counts first, so its own requests show at once.
    await this.recorder.flush();
    const minutes = METRICS_WINDOW_MINUTES[window];
    const byMinute = minutes <= 60;
    const unitMs = byMinute ? 60_000 : 3_600_000;
    const units = byMinute ? minutes : Math.ceil(minutes / 60);
    const last = Math.floor(now / unitMs);
    const keys = Array.from({ length: units }, (_, i) => (byMinute ? minuteKey(last - i) : hourKey(last - i)));
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.hgetall(key);
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];

    const stats = new Map<string, RouteStat>();
    for (const [, hash] of results) {
      for (const [field, raw] of Object.entries((hash ?? {}) as Record<string, string>)) {
        const bar = field.lastIndexOf('|');
        if (bar < 0) continue;
        const route = field.slice(0, bar);
        const suffix = field.slice(bar + 1);
        const n = Number(raw);
        if (!Number.isFinite(n)) continue;
        let stat = stats.get(route);
        if (!stat) {
          stat = emptyStat();
          stats.set(route, stat);
        }
        if (suffix === 'us') stat.sumUs += n;
        else if (suffix.startsWith('b')) {
          const i = Number(suffix.slice(1));
          if (i >= 0 && i < stat.buckets.length) stat.buckets[i] = (stat.buckets[i] ?? 0) + n;
        } else {
          const c = Number(suffix);
          if (c >= 1 && c <= 5) stat.classes[c - 1] = (stat.classes[c - 1] ?? 0) + n;
        }
      }
    }

    const total = emptyStat();
    const routes: RouteMetrics[] = [];
    for (const [key, stat] of stats) {
      const space = key.indexOf(' ');
      routes.push({ method: key.slice(0, space), route: key.slice(space + 1), ...summarize(stat, minutes) });
      stat.classes.forEach((n, i) => (total.classes[i] = (total.classes[i] ?? 0) + n));
      stat.buckets.forEach((n, i) => (total.buckets[i] = (total.buckets[i] ?? 0) + n));
      total.sumUs += stat.sumUs;
    }
    routes.sort((a, b) => b.count - a.count || a.route.localeCompare(b.route) || a.method.localeCompare(b.method));
    return {
      window,
      resolution: byMinute ? 'minute' : 'hour',
      from: new Date((last - units + 1) * unitMs).toISOString(),
      to: new Date(now).toISOString(),
      totals: summarize(total, minutes),
      routes,
    };
  }
}

function summarize(stat: RouteStat, minutes: number): Omit<RouteMetrics, 'method' | 'route'> {
  const [c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0] = stat.classes;
  const count = c1 + c2 + c3 + c4 + c5;
  return {
    count,
    per_minute: round1(count / minutes),
    // 1xx answers (rare: upgrades are not HTTP responses here) are counted with 2xx.
    status: { '2xx': c1 + c2, '3xx': c3, '4xx': c4, '5xx': c5 },
    error_rate: count ? Math.round((c5 / count) * 10_000) / 10_000 : 0,
    client_error_rate: count ? Math.round((c4 / count) * 10_000) / 10_000 : 0,
    avg_ms: count ? round1(stat.sumUs / 1000 / count) : null,
    p50_ms: quantileFromBuckets(stat.buckets, 0.5),
    p95_ms: quantileFromBuckets(stat.buckets, 0.95),
    p99_ms: quantileFromBuckets(stat.buckets, 0.99),
  };
}
