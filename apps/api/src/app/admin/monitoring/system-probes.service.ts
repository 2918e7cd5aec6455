import { MonitoringHealth, Probe, QueueStatus, ServicesStatus } from '@ddx/contracts';
import { BACKUP_STORE, BackupStore, describeBackupTarget } from '@ddx/server-backup';
import { AppConfig } from '@ddx/server-config';
import { pingDatabase } from '@ddx/server-database';
import { DriveAccountPool } from '@ddx/server-drive';
import { AllQueues, QueueProducer, REDIS } from '@ddx/server-queue';
import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectConnection } from '@nestjs/mongoose';
import Redis from 'ioredis';
import { Connection } from 'mongoose';
import { statfs } from 'node:fs/promises';
import { IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

import { withTimeout } from '../../metrics/with-timeout';
import { SettingsService } from '../../settings/settings.service';
import { PROBE_TIMEOUT_MS, reason, runProbe } from './probe';

/** The event loop is called slow above this p99 delay. */
const SLOW_EVENT_LOOP_MS = 200;

export interface DiskUsage {
  path: string;
  total_bytes: number;
  free_bytes: number;
  free_percent: number;
}

/**
 * Live checks of this api replica and what it depends on. Every check runs
 * in parallel with its own timeout (PROBE_TIMEOUT_MS) and is measured, so
 * one hung dependency never blocks the answer.
 */
@Injectable()
export class SystemProbes implements OnModuleInit, OnModuleDestroy {
  private loopDelay?: IntervalHistogram;

  constructor(
    private readonly config: AppConfig,
    private readonly settings: SettingsService,
    private readonly pool: DriveAccountPool,
    private readonly moduleRef: ModuleRef,
    @InjectConnection() private readonly connection: Connection,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(BACKUP_STORE) private readonly store: BackupStore | null,
  ) {}

  onModuleInit(): void {
    this.loopDelay = monitorEventLoopDelay({ resolution: 20 });
    this.loopDelay.enable();
  }

  onModuleDestroy(): void {
    this.loopDelay?.disable();
  }

  queues(): Array<[string, QueueProducer]> {
    return this.moduleRef.get(AllQueues, { strict: false }).list().map((queue) => [queue.name, queue]);
  }

  async health(): Promise<MonitoringHealth> {
    const settings = await this.settings.getAll();
    const mem = process.memoryUsage();
    const loopP99 = this.eventLoopP99();
    const [mongo, redis, worker, disk] = await Promise.all([
      this.mongoProbe(),
      this.redisProbe(),
      runProbe('worker', async () => {
        const counts = await Promise.all(this.queues().map(([, q]) => q.workersCount()));
        const total = counts.reduce((a, b) => a + b, 0);
        return total > 0 ? { detail: `${total} worker connections on ${counts.filter((n) => n > 0).length} queues` } : { status: 'down', detail: 'no worker is consuming the queues' };
      }),
      this.disk(),
    ]);
    const diskProbe: Probe = disk.usage
      ? {
          name: 'disk',
          status: disk.usage.free_percent < settings.alertDiskFreeMinPercent ? 'degraded' : 'up',
          latency_ms: disk.latencyMs,
          detail: `${disk.usage.free_percent}% free on ${disk.usage.path}`,
        }
      : { name: 'disk', status: 'down', latency_ms: null, detail: disk.error };
    const memory: Probe = {
      name: 'memory',
      status: mem.rss > settings.alertProcessMemoryMaxBytes ? 'degraded' : 'up',
      latency_ms: null,
      detail: `${Math.round(mem.rss / 1024 / 1024)} MiB resident (limit ${Math.round(settings.alertProcessMemoryMaxBytes / 1024 / 1024)} MiB)`,
    };
    const loop: Probe = {
      name: 'event_loop',
      status: loopP99 !== null && loopP99 > SLOW_EVENT_LOOP_MS ? 'degraded' : 'up',
      latency_ms: null,
      detail: loopP99 === null ? 'not measured yet' : `p99 delay ${loopP99} ms`,
    };
    const probes = [mongo, redis, worker, diskProbe, memory, loop];
    const essential = mongo.status === 'up' && redis.status === 'up';
    return {
      status: !essential ? 'down' : probes.every((p) => p.status === 'up') ? 'ok' : 'degraded',
      checked_at: new Date().toISOString(),
      probe_timeout_ms: PROBE_TIMEOUT_MS,
      probes,
      process: {
        pid: process.pid,
        uptime_seconds: Math.round(process.uptime()),
        rss_bytes: mem.rss,
        heap_used_bytes: mem.heapUsed,
        event_loop_delay_p99_ms: loopP99,
        node_version: process.version,
      },
      disk: disk.usage,
    };
  }

  async services(): Promise<ServicesStatus> {
    const [mongo, redis, webdav, drive] = await Promise.all([this.mongoProbe(), this.redisProbe(), this.webdavProbe(), this.driveStatus()]);
    const target = describeBackupTarget(this.config);
    return {
      checked_at: new Date().toISOString(),
      probe_timeout_ms: PROBE_TIMEOUT_MS,
      mongo,
      redis,
      webdav: { ...webdav, target: target.enabled ? target.target : null },
      drive,
    };
  }

  async queueStatus(): Promise<QueueStatus> {
    const queues = await Promise.all(
      this.queues().map(async ([name, queue]) => {
        try {
          const [c, paused, workers] = await withTimeout(
            Promise.all([queue.jobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed', 'paused'), queue.isPaused(), queue.workersCount()]),
            PROBE_TIMEOUT_MS,
          );
          const waiting = (c['waiting'] ?? 0) + (c['prioritized'] ?? 0) + (c['paused'] ?? 0);
          const active = c['active'] ?? 0;
          const delayed = c['delayed'] ?? 0;
          return { name, status: 'up' as const, paused, workers, waiting, active, delayed, failed: c['failed'] ?? 0, completed: c['completed'] ?? 0, depth: waiting + active + delayed };
        } catch {
          return { name, status: 'down' as const, paused: false, workers: 0, waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0, depth: 0 };
        }
      }),
    );
    return { checked_at: new Date().toISOString(), queues };
  }

  /** Free space of DATA_DIR's file system. */
  async disk(): Promise<{ usage: DiskUsage | null; latencyMs: number | null; error: string }> {
    const started = performance.now();
    try {
      const s = await withTimeout(statfs(this.config.DATA_DIR), PROBE_TIMEOUT_MS);
      const total = s.blocks * s.bsize;
      const free = s.bavail * s.bsize;
      return {
        usage: { path: this.config.DATA_DIR, total_bytes: total, free_bytes: free, free_percent: total > 0 ? Math.round((free / total) * 1000) / 10 : 0 },
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
        error: '',
      };
    } catch (e) {
      return { usage: null, latencyMs: null, error: `cannot read ${this.config.DATA_DIR}: ${reason(e)}` };
    }
  }

  private eventLoopP99(): number | null {
    const h = this.loopDelay;
    if (!h || h.count === 0) return null;
    const p99 = Math.round((h.percentile(99) / 1e6) * 10) / 10;
    h.reset();
    return p99;
  }

  private mongoProbe(): Promise<Probe> {
    return runProbe('mongo', async () => {
      if (!(await pingDatabase(this.connection, PROBE_TIMEOUT_MS))) throw new Error('MongoDB did not answer the ping');
      return { detail: 'ping' };
    });
  }

  private redisProbe(): Promise<Probe> {
    return runProbe('redis', async () => {
      const answer = await this.redis.ping();
      if (answer !== 'PONG') throw new Error(`unexpected answer ${answer}`);
      return { detail: 'PING' };
    });
  }

  private webdavProbe(): Promise<Probe> {
    const store = this.store;
    if (!store) return Promise.resolve({ name: 'webdav', status: 'disabled', latency_ms: null, detail: 'WEBDAV_URL is not set: backups are off' });
    return runProbe('webdav', async () => {
      const ping = await store.ping(PROBE_TIMEOUT_MS);
      if (!ping.reachable) throw new Error(ping.error?.message ?? 'unreachable');
      if (!ping.ok) return { status: 'degraded', detail: ping.error?.message ?? 'the server refused the request' };
      return { detail: 'PROPFIND on the backup collection' };
    });
  }

  private async driveStatus(): Promise<ServicesStatus['drive']> {
    let accounts;
    try {
      accounts = await withTimeout(this.pool.list(), PROBE_TIMEOUT_MS);
    } catch {
      return { status: 'down', accounts: [] };
    }
    const rows = await Promise.all(
      accounts.map(async (a) => ({
        id: a._id,
        label: a.label,
        email: a.email,
        enabled: a.enabled,
        stored_health: a.health,
        last_error: a.lastError ?? null,
        last_checked_at: a.lastCheckedAt ? new Date(a.lastCheckedAt).toISOString() : null,
        live: await runProbe(`drive:${a.label}`, async () => {
          const about = await (await this.pool.client(a._id)).about();
          return { detail: `about: ${about.email ?? a.email}` };
        }),
      })),
    );
    const enabled = rows.filter((r) => r.enabled);
    const up = enabled.filter((r) => r.live.status === 'up').length;
    return { status: enabled.length === 0 || up === 0 ? 'down' : up === enabled.length ? 'up' : 'degraded', accounts: rows };
  }
}
