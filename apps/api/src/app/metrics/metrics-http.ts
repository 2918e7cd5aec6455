import { METRICS_PATH } from '@ddx/contracts';
import { AppConfig } from '@ddx/server-config';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';

import { PrometheusMetrics } from './prometheus-metrics';
import { RequestMetricsRecorder } from './request-metrics.recorder';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** True when no token is configured, or the request carries `Authorization: Bearer <METRICS_TOKEN>`. */
export function metricsAuthorized(header: string | undefined, token: string | undefined): boolean {
  if (!token) return true;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m !== null && timingSafeEqual(digest(m[1] as string), digest(token));
}

/**
 * Called by createApp before any other middleware: the request metrics
 * middleware (so its time covers the whole stack) and `GET /metrics` for
 * Prometheus, outside the api prefix, the maintenance guard and the SPA
 * fallback. nginx never forwards /metrics; scrape each replica directly.
 */
export function installMetrics(app: NestExpressApplication): void {
  const recorder = app.get(RequestMetricsRecorder);
  const prometheus = app.get(PrometheusMetrics);
  const token = app.get(AppConfig).METRICS_TOKEN;
  const express = app.getHttpAdapter().getInstance() as { use(h: unknown): void; get(path: string, h: unknown): void };
  express.use(recorder.middleware);
  express.get(METRICS_PATH, async (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!metricsAuthorized(req.headers.authorization, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.status(401).json({ statusCode: 401, error: 'UNAUTHORIZED', message: 'A valid metrics token is required (Authorization: Bearer <METRICS_TOKEN>).' });
      return;
    }
    try {
      const { contentType, body } = await prometheus.render();
      res.setHeader('Content-Type', contentType);
      res.status(200).send(body);
    } catch {
      res.status(500).json({ statusCode: 500, error: 'INTERNAL', message: 'The metrics could not be collected.' });
    }
  });
}
