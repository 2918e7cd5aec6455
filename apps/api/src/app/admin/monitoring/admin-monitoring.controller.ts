import { alertsSchema, errorBodySchema, MetricsWindow, monitoringHealthSchema, Permission, queueStatusSchema, requestMetricsQuerySchema, requestMetricsSchema, servicesStatusSchema } from '@ddx/contracts';
import { Controller, Get, Header, Query, UseGuards } from '@nestjs/common';

import { AdminAuthGuard, RequirePermissions } from '../../auth';
import { Contract } from '../../common/contract.decorator';
import { RequestMetricsReader } from '../../metrics/request-metrics.reader';
import { AlertsService } from './alerts.service';
import { SystemProbes } from './system-probes.service';

const TAGS = ['admin-monitoring'];
const AUTH: Array<'admin'> = ['admin'];
const DENIED = { 401: errorBodySchema, 403: errorBodySchema };

/** /admin/monitoring: live health, request metrics of every replica, queues, dependencies and alerts. */
@Controller('admin/monitoring')
@UseGuards(AdminAuthGuard)
@RequirePermissions(Permission.viewAdminPanel)
export class AdminMonitoringController {
  constructor(
    private readonly probes: SystemProbes,
    private readonly requests: RequestMetricsReader,
    private readonly alerts: AlertsService,
  ) {}

  @Get('health')
  @Header('Cache-Control', 'no-store')
  @Contract({
    summary: 'This replica: MongoDB, Redis, workers, disk, memory and event loop, each probed in parallel with a timeout and measured',
    tags: TAGS,
    auth: AUTH,
    responses: { 200: monitoringHealthSchema, ...DENIED },
  })
  health() {
    return this.probes.health();
  }

  @Get('requests')
  @Header('Cache-Control', 'no-store')
  @Contract({
    summary: 'HTTP requests of every api replica over a window: counts per route template and status class, error rates, latency percentiles',
    tags: TAGS,
    auth: AUTH,
    query: requestMetricsQuerySchema,
    responses: { 200: requestMetricsSchema, 400: errorBodySchema, ...DENIED },
  })
  requestMetrics(@Query() query: { window: MetricsWindow }) {
    return this.requests.read(query.window);
  }

  @Get('queues')
  @Header('Cache-Control', 'no-store')
  @Contract({ summary: 'BullMQ queues: jobs per state, paused, workers consuming', tags: TAGS, auth: AUTH, responses: { 200: queueStatusSchema, ...DENIED } })
  queues() {
    return this.probes.queueStatus();
  }

  @Get('services')
  @Header('Cache-Control', 'no-store')
  @Contract({
    summary: 'Third parties measured now: MongoDB and Redis pings, WebDAV PROPFIND, every Drive account (stored health and a live call)',
    tags: TAGS,
    auth: AUTH,
    responses: { 200: servicesStatusSchema, ...DENIED },
  })
  services() {
    return this.probes.services();
  }

  @Get('alerts')
  @Header('Cache-Control', 'no-store')
  @Contract({
    summary: 'Alerts against the thresholds in the settings (alert*): disk, memory, backup failures in 24 h, backup queue depth, unhealthy accounts',
    tags: TAGS,
    auth: AUTH,
    responses: { 200: alertsSchema, ...DENIED },
  })
  alertsNow() {
    return this.alerts.evaluate();
  }
}
