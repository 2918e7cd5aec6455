import {
  AccessLogExportQuery,
  accessLogExportQuerySchema,
  AccessLogListQuery,
  accessLogListQuerySchema,
  accessLogPageSchema,
  AccessSummaryQuery,
  accessSummaryQuerySchema,
  accessSummarySchema,
  ActivityLogExportQuery,
  activityLogExportQuerySchema,
  ActivityLogListQuery,
  activityLogListQuerySchema,
  activityLogPageSchema,
  errorBodySchema,
  ErrorLogExportQuery,
  errorLogExportQuerySchema,
  ErrorLogListQuery,
  errorLogListQuerySchema,
  errorLogPageSchema,
  LogPurgeRequest,
  logPurgeRequestSchema,
  logPurgeResponseSchema,
  Permission,
} from '@ddx/contracts';
import { Body, Controller, Get, HttpCode, Post, Query, Res, UseGuards } from '@nestjs/common';
import { Response } from 'express';

import { sendExport } from '../shared/export-file';
import { AdminAuthGuard, RequirePermissions } from '../../auth';
import { Contract } from '../../common/contract.decorator';
import { Actor, AdminActor } from '../shared/admin-actor.decorator';
import { AdminLogsService } from './admin-logs.service';

const TAGS = ['admin-logs'];
const AUTH: Array<'admin'> = ['admin'];
const ERRORS = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

/**
 * /admin/logs: activity, access (sign-ins) and application errors. Reading
 * and exporting need `activity.read`; the purge needs `activity.purge`
 * (superadmin). Static segments (`export`, `summary`) are plain paths, no
 * parameters, so nothing shadows them.
 */
@Controller('admin/logs')
@UseGuards(AdminAuthGuard)
@RequirePermissions(Permission.viewAdminPanel)
export class AdminLogsController {
  constructor(private readonly logs: AdminLogsService) {}

  @Get('activity')
  @RequirePermissions(Permission.viewActivityLogs)
  @Contract({
    summary: 'Activity log (every action but sign-ins), newest first: action, actor, target, IP, literal text and date filters; pages',
    tags: TAGS,
    auth: AUTH,
    query: activityLogListQuerySchema,
    responses: { 200: activityLogPageSchema, ...ERRORS },
  })
  activity(@Query() q: ActivityLogListQuery) {
    return this.logs.activity(q);
  }

  @Get('activity/export')
  @RequirePermissions(Permission.viewActivityLogs)
  @Contract({ summary: 'The filtered activity log as CSV or JSON, streamed as a download', tags: TAGS, auth: AUTH, query: activityLogExportQuerySchema, responses: { 200: null, ...ERRORS } })
  async exportActivity(@Query() q: ActivityLogExportQuery, @Actor() actor: AdminActor, @Res() res: Response): Promise<void> {
    await sendExport(res, await this.logs.exportActivity(actor, q));
  }

  @Get('access')
  @RequirePermissions(Permission.viewActivityLogs)
  @Contract({
    summary: 'Access log: user and admin sign-ins, successful and failed, newest first; outcome, realm, e-mail, IP and date filters; pages',
    tags: TAGS,
    auth: AUTH,
    query: accessLogListQuerySchema,
    responses: { 200: accessLogPageSchema, ...ERRORS },
  })
  access(@Query() q: AccessLogListQuery) {
    return this.logs.access(q);
  }

  @Get('access/summary')
  @RequirePermissions(Permission.viewActivityLogs)
  @Contract({
    summary: 'Sign-ins of the last N hours: totals and the IP addresses with the most attempts',
    tags: TAGS,
    auth: AUTH,
    query: accessSummaryQuerySchema,
    responses: { 200: accessSummarySchema, ...ERRORS },
  })
  accessSummary(@Query() q: AccessSummaryQuery) {
    return this.logs.accessSummary(q);
  }

  @Get('access/export')
  @RequirePermissions(Permission.viewActivityLogs)
  @Contract({ summary: 'The filtered access log as CSV or JSON, streamed as a download', tags: TAGS, auth: AUTH, query: accessLogExportQuerySchema, responses: { 200: null, ...ERRORS } })
  async exportAccess(@Query() q: AccessLogExportQuery, @Actor() actor: AdminActor, @Res() res: Response): Promise<void> {
    await sendExport(res, await this.logs.exportAccess(actor, q));
  }

  @Get('errors')
  @RequirePermissions(Permission.viewActivityLogs)
  @Contract({
    summary: 'Unexpected server errors (5xx): route, status, request id and message, newest first; never a stack trace',
    tags: TAGS,
    auth: AUTH,
    query: errorLogListQuerySchema,
    responses: { 200: errorLogPageSchema, ...ERRORS },
  })
  errors(@Query() q: ErrorLogListQuery) {
    return this.logs.errors(q);
  }

  @Get('errors/export')
  @RequirePermissions(Permission.viewActivityLogs)
  @Contract({ summary: 'The filtered error log as CSV or JSON, streamed as a download', tags: TAGS, auth: AUTH, query: errorLogExportQuerySchema, responses: { 200: null, ...ERRORS } })
  async exportErrors(@Query() q: ErrorLogExportQuery, @Actor() actor: AdminActor, @Res() res: Response): Promise<void> {
    await sendExport(res, await this.logs.exportErrors(actor, q));
  }

  @Post('purge')
  @HttpCode(200)
  @RequirePermissions(Permission.purgeLogs)
  @Contract({
    summary: 'Delete the entries of one log older than N days (superadmin); the purge is itself logged',
    tags: TAGS,
    auth: AUTH,
    body: logPurgeRequestSchema,
    responses: { 200: logPurgeResponseSchema, ...ERRORS },
  })
  purge(@Body() body: LogPurgeRequest, @Actor() actor: AdminActor) {
    return this.logs.purge(actor, body);
  }
}

