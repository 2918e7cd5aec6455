import {
  adminFileIdParamsSchema,
  backupBatchResponseSchema,
  backupQueuedResponseSchema,
  backupSummarySchema,
  errorBodySchema,
  failedBackupListSchema,
  failedBackupsQuerySchema,
  Permission,
} from '@ddx/contracts';
import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';

import { AdminAuthGuard, RequirePermissions } from '../../auth';
import { Contract } from '../../common/contract.decorator';
import { Actor, AdminActor } from '../shared/admin-actor.decorator';
import { AdminBackupsService } from './admin-backups.service';

const TAGS = ['admin-backups'];
const AUTH: Array<'admin'> = ['admin'];
const DENIED = { 401: errorBodySchema, 403: errorBodySchema };

/** /admin/backups: WebDAV copies, their queue and failures. */
@Controller('admin/backups')
@UseGuards(AdminAuthGuard)
@RequirePermissions(Permission.viewAdminPanel)
export class AdminBackupsController {
  constructor(private readonly backups: AdminBackupsService) {}

  @Get('summary')
  @RequirePermissions(Permission.viewBackups)
  @Contract({
    summary: 'Counts per backup status, last success, last failure with reason, queue depth, WebDAV reachability, latency and quota',
    tags: TAGS,
    auth: AUTH,
    responses: { 200: backupSummarySchema, ...DENIED },
  })
  summary() {
    return this.backups.summary();
  }

  @Get('failed')
  @RequirePermissions(Permission.viewBackups)
  @Contract({
    summary: 'Stored files whose backup failed for good: reason and attempts, newest first',
    tags: TAGS,
    auth: AUTH,
    query: failedBackupsQuerySchema,
    responses: { 200: failedBackupListSchema, 400: errorBodySchema, ...DENIED },
  })
  failed(@Query() query: { page: number; limit: number }) {
    return this.backups.failed(query.page, query.limit);
  }

  @Post('failed/retry')
  @HttpCode(202)
  @RequirePermissions(Permission.manageBackups)
  @Contract({ summary: 'Queue every failed backup again (up to 1000 per call)', tags: TAGS, auth: AUTH, responses: { 202: backupBatchResponseSchema, ...DENIED, 409: errorBodySchema } })
  retryAll(@Actor() actor: AdminActor) {
    return this.backups.retryAllFailed(actor);
  }

  @Post('failed/:id/retry')
  @HttpCode(202)
  @RequirePermissions(Permission.manageBackups)
  @Contract({
    summary: 'Queue one failed backup again (its failed job is replaced)',
    tags: TAGS,
    auth: AUTH,
    params: adminFileIdParamsSchema,
    responses: { 202: backupQueuedResponseSchema, 400: errorBodySchema, ...DENIED, 404: errorBodySchema, 409: errorBodySchema },
  })
  retry(@Param('id') id: string, @Actor() actor: AdminActor) {
    return this.backups.retry(actor, id);
  }

  @Post('trigger')
  @HttpCode(202)
  @RequirePermissions(Permission.manageBackups)
  @Contract({
    summary: 'Queue a backup for every stored file that has no copy and no job (up to 1000 per call)',
    tags: TAGS,
    auth: AUTH,
    responses: { 202: backupBatchResponseSchema, ...DENIED, 409: errorBodySchema },
  })
  trigger(@Actor() actor: AdminActor) {
    return this.backups.triggerPending(actor);
  }
}
