import { REDIS } from '@ddx/server-queue';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import Redis from 'ioredis';
import { performance } from 'node:perf_hooks';

import { BUCKET_COUNT, bucketIndex } from './latency-histogram';
import { PrometheusMetrics } from './prometheus-metrics';
import { methodLabel, routeTemplate } from './route-template';

/** Deltas are written to Redis this often, in one pipeline. */
export const FLUSH_INTERVAL_MS = 5000;
/** Per-minute hashes serve windows up to an hour; per-hour hashes up to a day. */
export const MINUTE_KEY_TTL_SECONDS = 2 * 3600;
export const HOUR_KEY_TTL_SECONDS = 26 * 3600;
/** Deltas older than this are dropped if Redis stays unreachable (memory stays bounded). */
const KEEP_UNFLUSHED_MINUTES = 60;

export const minuteKey = (minute: number) => `metrics:http:m:${minute}`;
export const hourKey = (hour: number) => `metrics:http:h:${hour}`;

/**
 * Counters of one route in one minute. Stored in Redis as hash fields
 * `<method> <route>|<suffix>`: `1`…`5` answers per status class, `us` the
 * summed duration in microseconds, `b<i>` latency bucket counts.
 */
export interface RouteStat {
  classes: number[];
  sumUs: number;
  buckets: number[];
}

export function emptyStat(): RouteStat {
  return { classes: [0, 0, 0, 0, 0], sumUs: 0, buckets: new Array<number>(BUCKET_COUNT).fill(0) };
}

/**
 * Counts every HTTP request of this process by route template, status class
 * and latency bucket. A request costs a few map updates; the deltas reach
 * Redis in one pipelined batch every few seconds (HINCRBY into per-minute and
 * per-hour hashes with an expiry), so every replica adds to the same keys.
 */
@Injectable()
export class RequestMetricsRecorder implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(RequestMetricsRecorder.name);
  private pending = new Map<number, Map<string, RouteStat>>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly prometheus: PrometheusMetrics,
  ) {}

  /** Express middleware: mounted first, so the time covers every other middleware too. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    res.once('close', () => {
      // A response cut before it finished (client gone) counts as 499.
      const status = res.writableFinished ? res.statusCode : 499;
      this.record(methodLabel(req.method), routeTemplate(req), status, performance.now() - started);
    });
    next();
  };

  record(method: string, route: string, status: number, durationMs: number): void {
    const minute = Math.floor(Date.now() / 60_000);
    let byRoute = this.pending.get(minute);
    if (!byRoute) {
      byRoute = new Map();
      this.pending.set(minute, byRoute);
    }
    const key = `${method} ${route}`;
    let stat = byRoute.get(key);
    if (!stat) {
      stat = emptyStat();
      byRoute.set(key, stat);
    }
    const statusClass = Math.min(5, Math.max(1, Math.floor(status / 100)));
    stat.classes[statusClass - 1]++;
    stat.sumUs += Math.round(durationMs * 1000);
    stat.buckets[bucketIndex(durationMs)]++;
    this.prometheus.observeRequest(key, method, route, statusClass, durationMs / 1000);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Writes what was counted since the last flush; runs one flush at a time. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const pipeline = this.redis.pipeline();
    for (const [minute, byRoute] of batch) {
      const keys = [minuteKey(minute), hourKey(Math.floor(minute / 60))];
      for (const [route, stat] of byRoute) {
        const fields: Array<[string, number]> = [[`${route}|us`, stat.sumUs]];
        stat.classes.forEach((n, i) => n && fields.push([`${route}|${i + 1}`, n]));
        stat.buckets.forEach((n, i) => n && fields.push([`${route}|b${i}`, n]));
        for (const key of keys) for (const [field, n] of fields) pipeline.hincrby(key, field, n);
      }
      pipeline.expire(keys[0] as string, MINUTE_KEY_TTL_SECONDS);
      pipeline.expire(keys[1] as string, HOUR_KEY_TTL_SECONDS);
    }
    let results: Array<[Error | null, unknown]>;
    try {
      results = (await pipeline.exec()) ?? [];
    } catch (err) {
      results = [[err as Error, null]];
    }
    const errors = results.filter(([err]) => err);
    if (errors.length === results.length) {
      // Nothing was written: put the counts back (merged with what arrived meanwhile) and retry next time.
      this.restore(batch);
      this.logger.warn({ msg: 'request metrics not written to Redis; retrying', err: String(errors[0]?.[0]) });
    } else if (errors.length) {
      // Partly written: retrying would count twice, so the rest is dropped.
      this.logger.warn({ msg: 'some request metrics were not written to Redis', failed: errors.length, err: String(errors[0]?.[0]) });
    }
  }

  private restore(batch: Map<number, Map<string, RouteStat>>): void {
    const oldest = Math.floor(Date.now() / 60_000) - KEEP_UNFLUSHED_MINUTES;
    for (const [minute, byRoute] of batch) {
      if (minute < oldest) continue;
      let current = this.pending.get(minute);
      if (!current) {
        current = new Map();
        this.pending.set(minute, current);
      }
      for (const [route, stat] of byRoute) {
        const into = current.get(route);
        if (!into) current.set(route, stat);
        else mergeStat(into, stat);
      }
    }
  }
}

export function mergeStat(into: RouteStat, from: RouteStat): void {
  from.classes.forEach((n, i) => (into.classes[i] = (into.classes[i] ?? 0) + n));
  from.buckets.forEach((n, i) => (into.buckets[i] = (into.buckets[i] ?? 0) + n));
  into.sumUs += from.sumUs;
}
