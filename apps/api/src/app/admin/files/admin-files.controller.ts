import {
  adminFileDetailSchema,
  adminFileIdParamsSchema,
  AdminFileListQuery,
  adminFileListQuerySchema,
  adminFileListResponseSchema,
  adminFileSchema,
  backupQueuedResponseSchema,
  bulkResultSchema,
  deleteReasonQuerySchema,
  errorBodySchema,
  FileBulkRequest,
  fileBulkRequestSchema,
  fileDeletionResponseSchema,
  integrityCheckResponseSchema,
  ModerationRequest,
  moderationRequestSchema,
  OrphanCleanupRequest,
  orphanCleanupRequestSchema,
  orphanCleanupResponseSchema,
  orphanQuerySchema,
  orphanReportSchema,
  Permission,
  ReactivateRequest,
  reactivateRequestSchema,
} from '@ddx/contracts';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';

import { AdminAuthGuard, RequirePermissions } from '../../auth';
import { Contract } from '../../common/contract.decorator';
import { Actor, AdminActor } from '../shared/admin-actor.decorator';
import { AdminFilesService } from './admin-files.service';

const TAGS = ['admin-files'];
const AUTH: Array<'admin'> = ['admin'];
const DENIED = { 401: errorBodySchema, 403: errorBodySchema };
const ONE = { params: adminFileIdParamsSchema };
const ONE_ERRORS = { ...DENIED, 400: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

/** /admin/files. Static segments (`orphans`, `bulk`) come before `:id`. */
@Controller('admin/files')
@UseGuards(AdminAuthGuard)
@RequirePermissions(Permission.viewAdminPanel)
export class AdminFilesController {
  constructor(private readonly files: AdminFilesService) {}

  @Get()
  @RequirePermissions(Permission.viewFiles)
  @Contract({
    summary: 'All files with filters (name, type, size and date ranges, owner, status, backup status, storage account, quarantine), sort and pages',
    tags: TAGS,
    auth: AUTH,
    query: adminFileListQuerySchema,
    responses: { 200: adminFileListResponseSchema, 400: errorBodySchema, ...DENIED },
  })
  list(@Query() query: AdminFileListQuery) {
    return this.files.list(query);
  }

  @Get('orphans')
  @RequirePermissions(Permission.viewFiles)
  @Contract({
    summary: 'Orphans per storage account: records whose Drive file is missing, Drive files in the upload folder no record points to',
    tags: TAGS,
    auth: AUTH,
    query: orphanQuerySchema,
    responses: { 200: orphanReportSchema, ...DENIED },
  })
  orphans(@Query() query: { grace_minutes: number }) {
    return this.files.orphanReport(query.grace_minutes);
  }

  @Post('orphans/cleanup')
  @HttpCode(200)
  @RequirePermissions(Permission.manageFiles)
  @Contract({
    summary: 'Delete untracked Drive files; mark records with no copy left as deleted (records still served by their backup are kept)',
    tags: TAGS,
    auth: AUTH,
    body: orphanCleanupRequestSchema,
    responses: { 200: orphanCleanupResponseSchema, 400: errorBodySchema, ...DENIED },
  })
  cleanupOrphans(@Body() body: OrphanCleanupRequest, @Actor() actor: AdminActor) {
    return this.files.cleanupOrphans(actor, body);
  }

  @Post('bulk')
  @HttpCode(200)
  @RequirePermissions(Permission.manageFiles)
  @Contract({
    summary: 'Delete, quarantine, release or back up up to 200 files; each id succeeds or is listed with the reason',
    tags: TAGS,
    auth: AUTH,
    body: fileBulkRequestSchema,
    responses: { 200: bulkResultSchema, 400: errorBodySchema, ...DENIED },
  })
  bulk(@Body() body: FileBulkRequest, @Actor() actor: AdminActor) {
    return this.files.bulk(actor, body);
  }

  @Get(':id')
  @RequirePermissions(Permission.viewFiles)
  @Contract({
    summary: 'One file with storage insights: Drive metadata (exists, size, MD5 match) and the WebDAV copy (exists, size match)',
    tags: TAGS,
    auth: AUTH,
    ...ONE,
    responses: { 200: adminFileDetailSchema, ...ONE_ERRORS },
  })
  detail(@Param('id') id: string) {
    return this.files.detail(id);
  }

  @Delete(':id')
  @RequirePermissions(Permission.manageFiles)
  @Contract({
    summary: 'Delete: the link stops at once; the cleanup queue removes the Drive and WebDAV copies and gives the quota back',
    tags: TAGS,
    auth: AUTH,
    ...ONE,
    query: deleteReasonQuerySchema,
    responses: { 200: fileDeletionResponseSchema, ...ONE_ERRORS },
  })
  remove(@Param('id') id: string, @Query() query: { reason?: string }, @Actor() actor: AdminActor) {
    return this.files.remove(actor, id, query.reason ?? null);
  }

  @Post(':id/quarantine')
  @HttpCode(200)
  @RequirePermissions(Permission.manageFiles)
  @Contract({ summary: 'Quarantine with a reason: downloads, previews and batch ZIPs stop serving it', tags: TAGS, auth: AUTH, ...ONE, body: moderationRequestSchema, responses: { 200: adminFileSchema, ...ONE_ERRORS } })
  quarantine(@Param('id') id: string, @Body() body: ModerationRequest, @Actor() actor: AdminActor) {
    return this.files.setQuarantine(actor, id, true, body.reason);
  }

  @Post(':id/release')
  @HttpCode(200)
  @RequirePermissions(Permission.manageFiles)
  @Contract({ summary: 'Release from quarantine', tags: TAGS, auth: AUTH, ...ONE, body: reactivateRequestSchema, responses: { 200: adminFileSchema, ...ONE_ERRORS } })
  release(@Param('id') id: string, @Body() body: ReactivateRequest, @Actor() actor: AdminActor) {
    return this.files.setQuarantine(actor, id, false, body.reason ?? null);
  }

  @Post(':id/backup')
  @HttpCode(202)
  @RequirePermissions(Permission.manageBackups)
  @Contract({
    summary: 'Force a backup copy now (a failed job is replaced; an existing verified copy is kept)',
    tags: TAGS,
    auth: AUTH,
    ...ONE,
    responses: { 202: backupQueuedResponseSchema, ...ONE_ERRORS },
  })
  backup(@Param('id') id: string, @Actor() actor: AdminActor) {
    return this.files.forceBackup(actor, id);
  }

  @Post(':id/integrity-check')
  @HttpCode(200)
  @RequirePermissions(Permission.manageFiles)
  @Contract({
    summary: 'Re-read both copies and compare size and MD5 with the record (inline, streamed; files over 512 MiB use the stores\' metadata)',
    tags: TAGS,
    auth: AUTH,
    ...ONE,
    responses: { 200: integrityCheckResponseSchema, ...ONE_ERRORS },
  })
  integrity(@Param('id') id: string, @Actor() actor: AdminActor) {
    return this.files.integrityCheck(actor, id);
  }
}
