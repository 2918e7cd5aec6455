import {
  errorBodySchema,
  Permission,
  ReportExportQuery,
  reportExportQuerySchema,
  reportDownloadsSchema,
  reportOverviewSchema,
  ReportRangeQuery,
  reportRangeQuerySchema,
  reportRegistrationsSchema,
  ReportSeriesQuery,
  reportSeriesQuerySchema,
  reportStorageByAccountSchema,
  reportStorageByTypeSchema,
  reportStorageByUserSchema,
  reportStorageOverTimeSchema,
  ReportTopQuery,
  reportTopQuerySchema,
  reportUploadsSchema,
  reportUserActivitySchema,
  ReportUserActivityQuery,
  reportUserActivityQuerySchema,
} from '@ddx/contracts';
import { Controller, Get, Query, Res, UseGuards } from '@nestjs/common';
import { Response } from 'express';

import { sendExport } from '../shared/export-file';
import { AdminAuthGuard, RequirePermissions } from '../../auth';
import { Contract } from '../../common/contract.decorator';
import { Actor, AdminActor } from '../shared/admin-actor.decorator';
import { AdminReportsService } from './admin-reports.service';

const TAGS = ['admin-reports'];
const AUTH: Array<'admin'> = ['admin'];
const ERRORS = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };
const RANGE_NOTE = 'UTC days `from`..`to` (both included, at most 366; default the last 30 days).';

/** /admin/reports: predefined reports only — no caller-supplied query reaches the database. */
@Controller('admin/reports')
@UseGuards(AdminAuthGuard)
@RequirePermissions(Permission.viewAdminPanel, Permission.viewReports)
export class AdminReportsController {
  constructor(private readonly reports: AdminReportsService) {}

  @Get('overview')
  @Contract({
    summary: `Totals now (users by status, stored files and bytes, backups, storage accounts) and the range's new users, active users, uploads and downloads. ${RANGE_NOTE}`,
    tags: TAGS,
    auth: AUTH,
    query: reportRangeQuerySchema,
    responses: { 200: reportOverviewSchema, ...ERRORS },
  })
  overview(@Query() q: ReportRangeQuery) {
    return this.reports.overview(q);
  }

  @Get('user-activity')
  @Contract({
    summary: `Top uploaders of the range (bytes of finished uploads) and active users per bucket (signed in or finished an upload). ${RANGE_NOTE}`,
    tags: TAGS,
    auth: AUTH,
    query: reportUserActivityQuerySchema,
    responses: { 200: reportUserActivitySchema, ...ERRORS },
  })
  userActivity(@Query() q: ReportUserActivityQuery) {
    return this.reports.userActivity(q);
  }

  @Get('storage/by-user')
  @Contract({ summary: 'Largest owners of the bytes stored at the end of `to` (anonymous uploads as one row)', tags: TAGS, auth: AUTH, query: reportTopQuerySchema, responses: { 200: reportStorageByUserSchema, ...ERRORS } })
  storageByUser(@Query() q: ReportTopQuery) {
    return this.reports.storageByUser(q);
  }

  @Get('storage/by-type')
  @Contract({ summary: 'Bytes stored at the end of `to` per kind (documents, images, videos, audio, other)', tags: TAGS, auth: AUTH, query: reportRangeQuerySchema, responses: { 200: reportStorageByTypeSchema, ...ERRORS } })
  storageByType(@Query() q: ReportRangeQuery) {
    return this.reports.storageByType(q);
  }

  @Get('storage/by-account')
  @Contract({ summary: 'Bytes stored at the end of `to` per Drive account', tags: TAGS, auth: AUTH, query: reportRangeQuerySchema, responses: { 200: reportStorageByAccountSchema, ...ERRORS } })
  storageByAccount(@Query() q: ReportRangeQuery) {
    return this.reports.storageByAccount(q);
  }

  @Get('storage/over-time')
  @Contract({
    summary: `Bytes added and removed per bucket and stored at the end of each. ${RANGE_NOTE}`,
    tags: TAGS,
    auth: AUTH,
    query: reportSeriesQuerySchema,
    responses: { 200: reportStorageOverTimeSchema, ...ERRORS },
  })
  storageOverTime(@Query() q: ReportSeriesQuery) {
    return this.reports.storageOverTime(q);
  }

  @Get('uploads')
  @Contract({ summary: `Finished uploads and their bytes per bucket. ${RANGE_NOTE}`, tags: TAGS, auth: AUTH, query: reportSeriesQuerySchema, responses: { 200: reportUploadsSchema, ...ERRORS } })
  uploads(@Query() q: ReportSeriesQuery) {
    return this.reports.uploads(q);
  }

  @Get('downloads')
  @Contract({
    summary: `Downloads per bucket (a full GET or a range from byte 0; not HEAD, 304 or later ranges). ${RANGE_NOTE}`,
    tags: TAGS,
    auth: AUTH,
    query: reportSeriesQuerySchema,
    responses: { 200: reportDownloadsSchema, ...ERRORS },
  })
  downloads(@Query() q: ReportSeriesQuery) {
    return this.reports.downloads(q);
  }

  @Get('registrations')
  @Contract({ summary: `Accounts created per bucket. ${RANGE_NOTE}`, tags: TAGS, auth: AUTH, query: reportSeriesQuerySchema, responses: { 200: reportRegistrationsSchema, ...ERRORS } })
  registrations(@Query() q: ReportSeriesQuery) {
    return this.reports.registrations(q);
  }

  @Get('export')
  @Contract({
    summary: 'One report table as a CSV (header + rows, formula-safe) or JSON download. Logged.',
    tags: TAGS,
    auth: AUTH,
    query: reportExportQuerySchema,
    responses: { 200: null, ...ERRORS },
  })
  async export(@Query() q: ReportExportQuery, @Actor() actor: AdminActor, @Res() res: Response): Promise<void> {
    const out = await this.reports.export(actor, q);
    await sendExport(res, out);
  }
}
