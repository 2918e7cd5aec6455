import { Global, Module } from '@nestjs/common';

import { PrometheusMetrics } from './prometheus-metrics';
import { RequestMetricsReader } from './request-metrics.reader';
import { RequestMetricsRecorder } from './request-metrics.recorder';

/**
 * Request metrics (recorded per route template, aggregated in Redis) and the
 * Prometheus registry behind `GET /metrics`; wired into Express by
 * installMetrics() in bootstrap.ts.
 */
@Global()
@Module({
  providers: [PrometheusMetrics, RequestMetricsRecorder, RequestMetricsReader],
  exports: [PrometheusMetrics, RequestMetricsRecorder, RequestMetricsReader],
})
export class MetricsModule {}
