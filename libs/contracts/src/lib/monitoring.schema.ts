import { z } from 'zod';

import { API_PREFIX } from './routes';

/**
 * Admin monitoring: health, request metrics, queues, third-party
 * status and alerts under `/api/v1/admin/monitoring`, readable with
 * `admin.panel`. Prometheus scrapes `GET /metrics` (text format) instead.
 */

const MONITORING = `${API_PREFIX}/admin/monitoring`;

export const MonitoringApiRoutes = {
  health: `${MONITORING}/health`,
  requests: `${MONITORING}/requests`,
  queues: `${MONITORING}/queues`,
  services: `${MONITORING}/services`,
  alerts: `${MONITORING}/alerts`,
} as const;

/** Path of the Prometheus endpoint (outside the api prefix, never proxied by nginx). */
export const METRICS_PATH = '/metrics';

/** Windows the request metrics can be read over. Up to an hour per minute, beyond per hour. */
export const METRICS_WINDOWS = ['5m', '15m', '1h', '6h', '24h'] as const;
export type MetricsWindow = (typeof METRICS_WINDOWS)[number];
export const METRICS_WINDOW_MINUTES: Readonly<Record<MetricsWindow, number>> = { '5m': 5, '15m': 15, '1h': 60, '6h': 360, '24h': 1440 };

/**
 * Upper bounds (ms) of the latency histogram buckets, shared by the Redis
 * aggregation and the Prometheus histogram; the last bucket is open-ended.
 */
export const LATENCY_BUCKETS_MS = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000] as const;

const isoDate = z.iso.datetime();
const ms = z.number().nonnegative();

export const probeStatusSchema = z.enum(['up', 'degraded', 'down', 'disabled']);
export type ProbeStatus = z.infer<typeof probeStatusSchema>;

/** One measured check: what answered, how fast, and why not. */
export const probeSchema = z
  .object({
    name: z.string(),
    status: probeStatusSchema,
    latency_ms: ms.nullable().describe('Measured round trip; null when the probe timed out or did not run'),
    detail: z.string().nullable().describe('What was checked, or why it failed'),
  })
  .meta({ id: 'MonitoringProbe' });
export type Probe = z.infer<typeof probeSchema>;

export const monitoringHealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'down']),
    checked_at: isoDate,
    probe_timeout_ms: z.number().int(),
    probes: z.array(probeSchema).describe('mongo, redis, worker, disk, memory, event loop — run in parallel, each with a timeout'),
    process: z.object({
      pid: z.number().int(),
      uptime_seconds: z.number(),
      rss_bytes: z.number().int(),
      heap_used_bytes: z.number().int(),
      event_loop_delay_p99_ms: ms.nullable(),
      node_version: z.string(),
    }),
    disk: z
      .object({ path: z.string(), total_bytes: z.number().int(), free_bytes: z.number().int(), free_percent: z.number() })
      .nullable()
      .describe('File system of DATA_DIR; null when it cannot be read'),
  })
  .meta({ id: 'MonitoringHealth' });
export type MonitoringHealth = z.infer<typeof monitoringHealthSchema>;

export const requestMetricsQuerySchema = z.object({
  window: z.enum(METRICS_WINDOWS).default('15m'),
});
export type RequestMetricsQuery = z.infer<typeof requestMetricsQuerySchema>;

const latencySchema = z.object({
  avg_ms: ms.nullable(),
  p50_ms: ms.nullable(),
  p95_ms: ms.nullable(),
  p99_ms: ms.nullable(),
});

export const routeMetricsSchema = z
  .object({
    method: z.string(),
    route: z.string().describe('Route template, e.g. /api/v1/files/:id/meta — never a raw URL'),
    count: z.number().int(),
    per_minute: z.number(),
    status: z.object({ '2xx': z.number().int(), '3xx': z.number().int(), '4xx': z.number().int(), '5xx': z.number().int() }),
    error_rate: z.number().describe('Share of 5xx answers (0…1)'),
    client_error_rate: z.number().describe('Share of 4xx answers (0…1)'),
    ...latencySchema.shape,
  })
  .meta({ id: 'MonitoringRouteMetrics' });
export type RouteMetrics = z.infer<typeof routeMetricsSchema>;

export const requestMetricsSchema = z
  .object({
    window: z.enum(METRICS_WINDOWS),
    resolution: z.enum(['minute', 'hour']),
    from: isoDate,
    to: isoDate,
    totals: routeMetricsSchema.omit({ method: true, route: true }),
    routes: z.array(routeMetricsSchema).describe('Busiest first; every api replica counted'),
  })
  .meta({ id: 'MonitoringRequestMetrics' });
export type RequestMetrics = z.infer<typeof requestMetricsSchema>;

export const queueStatusSchema = z
  .object({
    checked_at: isoDate,
    queues: z.array(
      z.object({
        name: z.string(),
        status: probeStatusSchema.describe('down when Redis did not answer in time'),
        paused: z.boolean(),
        workers: z.number().int().describe('Worker connections consuming the queue'),
        waiting: z.number().int(),
        active: z.number().int(),
        delayed: z.number().int(),
        failed: z.number().int(),
        completed: z.number().int(),
        depth: z.number().int().describe('waiting + active + delayed'),
      }),
    ),
  })
  .meta({ id: 'MonitoringQueues' });
export type QueueStatus = z.infer<typeof queueStatusSchema>;

export const driveAccountStatusSchema = z.object({
  id: z.string(),
  label: z.string(),
  email: z.string(),
  enabled: z.boolean(),
  stored_health: z.enum(['healthy', 'degraded', 'unhealthy']).describe('What uploads and the worker last recorded'),
  last_error: z.string().nullable(),
  last_checked_at: isoDate.nullable(),
  live: probeSchema.describe('A Drive about() call made now, with a timeout'),
});

export const servicesStatusSchema = z
  .object({
    checked_at: isoDate,
    probe_timeout_ms: z.number().int(),
    mongo: probeSchema,
    redis: probeSchema,
    webdav: probeSchema.extend({ target: z.string().nullable() }),
    drive: z.object({
      status: probeStatusSchema.describe('up: every enabled account answered; degraded: some; down: none'),
      accounts: z.array(driveAccountStatusSchema),
    }),
  })
  .meta({ id: 'MonitoringServices' });
export type ServicesStatus = z.infer<typeof servicesStatusSchema>;

export const alertKeySchema = z.enum(['disk_free', 'process_memory', 'backup_failures_24h', 'backup_queue_depth', 'unhealthy_accounts']);
export type AlertKey = z.infer<typeof alertKeySchema>;

export const alertSchema = z
  .object({
    key: alertKeySchema,
    severity: z.enum(['warning', 'critical']),
    firing: z.boolean(),
    value: z.number().nullable().describe('Measured now; null when it could not be measured'),
    threshold: z.number(),
    comparison: z.enum(['below', 'above']).describe('Fires when value is below / above the threshold'),
    setting: z.string().describe('Admin setting that holds the threshold'),
    message: z.string(),
  })
  .meta({ id: 'MonitoringAlert' });
export type Alert = z.infer<typeof alertSchema>;

export const alertsSchema = z
  .object({
    checked_at: isoDate,
    firing: z.number().int(),
    alerts: z.array(alertSchema),
  })
  .meta({ id: 'MonitoringAlerts' });
export type Alerts = z.infer<typeof alertsSchema>;
