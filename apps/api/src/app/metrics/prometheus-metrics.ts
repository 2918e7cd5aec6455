import { LATENCY_BUCKETS_MS } from '@ddx/contracts';
import { FileRepository } from '@ddx/server-database';
import { DriveAccountPool } from '@ddx/server-drive';
import { AllQueues, LiveEventsPublisher, QueueProducer } from '@ddx/server-queue';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

import { withTimeout } from './with-timeout';

/** A scrape never waits longer than this on Redis or MongoDB for one gauge. */
const COLLECT_TIMEOUT_MS = 2000;
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'paused', 'prioritized'] as const;

interface HttpChildren {
  byClass: Array<{ inc(): void }>;
  duration: { observe(value: number): void };
}

/**
 * What `GET /metrics` exposes, in one registry per api process (Prometheus
 * scrapes each replica and sums): process and Node metrics, HTTP requests by
 * route template, uploads handled by this process, and gauges read at scrape
 * time (queue depths, Drive account health, uploads in flight).
 */
@Injectable()
export class PrometheusMetrics implements OnModuleInit {
  readonly registry = new Registry();
  private readonly http = new Map<string, HttpChildren>();
  private readonly requests: Counter<'method' | 'route' | 'status_class'>;
  private readonly duration: Histogram<'method' | 'route'>;
  private readonly uploadsStarted: Counter;
  private readonly uploadsCompleted: Counter;
  private readonly uploadsFailed: Counter<'code'>;
  private readonly uploadedBytes: Counter;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly events: LiveEventsPublisher,
    private readonly files: FileRepository,
    private readonly pool: DriveAccountPool,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({ name: 'ddx_http_requests_total', help: 'HTTP requests answered, by route template and status class', labelNames: ['method', 'route', 'status_class'], registers });
    this.duration = new Histogram({
      name: 'ddx_http_request_duration_seconds',
      help: 'Time from the request arriving to the response finishing, by route template',
      labelNames: ['method', 'route'],
      buckets: LATENCY_BUCKETS_MS.map((ms) => ms / 1000),
      registers,
    });
    this.uploadsStarted = new Counter({ name: 'ddx_upload_sessions_started_total', help: 'Upload sockets that started or resumed sending bytes on this process', registers });
    this.uploadsCompleted = new Counter({ name: 'ddx_uploads_completed_total', help: 'Uploads finished on this process', registers });
    this.uploadsFailed = new Counter({ name: 'ddx_uploads_failed_total', help: 'Uploads that ended with an error on this process, by error code', labelNames: ['code'], registers });
    this.uploadedBytes = new Counter({ name: 'ddx_uploaded_bytes_total', help: 'Size of the uploads finished on this process', registers });

    const queues = (): Array<[string, QueueProducer]> => this.moduleRef.get(AllQueues, { strict: false }).list().map((queue) => [queue.name, queue]);
    new Gauge({
      name: 'ddx_queue_jobs',
      help: 'BullMQ jobs per queue and state (shared by every replica)',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        await Promise.all(
          queues().map(async ([name, queue]) => {
            const counts = await withTimeout(queue.jobCounts(...QUEUE_STATES), COLLECT_TIMEOUT_MS).catch(() => null);
            if (counts) for (const state of QUEUE_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
          }),
        );
      },
    });
    const activeUploads = () => this.files.countActive();
    new Gauge({
      name: 'ddx_uploads_in_progress',
      help: 'Uploads initiated and not finished yet (shared by every replica)',
      registers,
      async collect() {
        const n = await withTimeout(activeUploads(), COLLECT_TIMEOUT_MS).catch(() => null);
        if (n !== null) this.set(n);
      },
    });
    const listAccounts = () => this.pool.list();
    new Gauge({
      name: 'ddx_drive_accounts',
      help: 'Drive accounts by recorded health and whether new uploads may use them',
      labelNames: ['health', 'enabled'],
      registers,
      async collect() {
        this.reset();
        const accounts = await withTimeout(listAccounts(), COLLECT_TIMEOUT_MS).catch(() => null);
        if (!accounts) return;
        for (const health of ['healthy', 'degraded', 'unhealthy'])
          for (const enabled of [true, false]) this.set({ health, enabled: String(enabled) }, accounts.filter((a) => a.health === health && a.enabled === enabled).length);
      },
    });
  }

  onModuleInit(): void {
    this.events.observe((event) => {
      if (event.type === 'upload.started') this.uploadsStarted.inc();
      else if (event.type === 'upload.completed') {
        this.uploadsCompleted.inc();
        this.uploadedBytes.inc(event.size);
      } else if (event.type === 'upload.failed') this.uploadsFailed.inc({ code: event.code });
    });
  }

  /** Counts one answered request; label children are cached, so this is a few map lookups. */
  observeRequest(key: string, method: string, route: string, statusClass: number, seconds: number): void {
    let children = this.http.get(key);
    if (!children) {
      children = {
        byClass: ['1xx', '2xx', '3xx', '4xx', '5xx'].map((status_class) => this.requests.labels({ method, route, status_class })),
        duration: this.duration.labels({ method, route }),
      };
      this.http.set(key, children);
    }
    children.byClass[statusClass - 1]?.inc();
    children.duration.observe(seconds);
  }

  /** The text exposition format and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
