import {
  AdminResetPasswordRequest,
  adminResetPasswordRequestSchema,
  AdminUserExportQuery,
  adminUserExportQuerySchema,
  adminUserDetailSchema,
  AdminUserFilesQuery,
  adminUserFilesQuerySchema,
  adminFileListResponseSchema,
  adminUserIdParamsSchema,
  AdminUserListQuery,
  adminUserListQuerySchema,
  adminUserListResponseSchema,
  adminUserSchema,
  bulkResultSchema,
  deleteReasonQuerySchema,
  errorBodySchema,
  ModerationRequest,
  moderationRequestSchema,
  Permission,
  ReactivateRequest,
  reactivateRequestSchema,
  SetQuotaRequest,
  setQuotaRequestSchema,
  SetRoleRequest,
  setRoleRequestSchema,
  UserBulkRequest,
  userBulkRequestSchema,
  userDeletionResponseSchema,
} from '@ddx/contracts';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import { Response } from 'express';

import { sendExport } from '../shared/export-file';
import { AdminAuthGuard, RequirePermissions } from '../../auth';
import { Contract } from '../../common/contract.decorator';
import { Actor, AdminActor } from '../shared/admin-actor.decorator';
import { AdminUsersService } from './admin-users.service';

const TAGS = ['admin-users'];
const AUTH: Array<'admin'> = ['admin'];
const DENIED = { 401: errorBodySchema, 403: errorBodySchema };
const ONE = { params: adminUserIdParamsSchema };
const ONE_ERRORS = { ...DENIED, 400: errorBodySchema, 404: errorBodySchema };

/**
 * /admin/users. Static segments (`export`, `bulk`) are declared before
 * `:id` so that a parameter never shadows them.
 */
@Controller('admin/users')
@UseGuards(AdminAuthGuard)
@RequirePermissions(Permission.viewAdminPanel)
export class AdminUsersController {
  constructor(private readonly users: AdminUsersService) {}

  @Get()
  @RequirePermissions(Permission.viewUsers)
  @Contract({
    summary: 'Users with search (e-mail or id), role/status filters, sort and pages; files count and storage used per user',
    tags: TAGS,
    auth: AUTH,
    query: adminUserListQuerySchema,
    responses: { 200: adminUserListResponseSchema, 400: errorBodySchema, ...DENIED },
  })
  list(@Query() query: AdminUserListQuery) {
    return this.users.list(query);
  }

  @Get('export')
  @RequirePermissions(Permission.viewUsers)
  @Contract({
    summary: 'Every matching user as CSV (header + one row per user) or JSON, streamed as a download',
    tags: TAGS,
    auth: AUTH,
    query: adminUserExportQuerySchema,
    responses: { 200: null, 400: errorBodySchema, ...DENIED },
  })
  async export(@Query() query: AdminUserExportQuery, @Actor() actor: AdminActor, @Res() res: Response): Promise<void> {
    const out = await this.users.export(actor, query);
    await sendExport(res, out);
  }

  @Post('bulk')
  @HttpCode(200)
  @RequirePermissions(Permission.moderateUsers)
  @Contract({
    summary: 'Suspend, ban, re-activate or delete up to 100 users; each id succeeds or is listed with the reason',
    tags: TAGS,
    auth: AUTH,
    body: userBulkRequestSchema,
    responses: { 200: bulkResultSchema, 400: errorBodySchema, ...DENIED },
  })
  bulk(@Body() body: UserBulkRequest, @Actor() actor: AdminActor) {
    return this.users.bulk(actor, body);
  }

  @Get(':id')
  @RequirePermissions(Permission.viewUsers)
  @Contract({ summary: 'One user with files count, storage used and the quota ledger', tags: TAGS, auth: AUTH, ...ONE, responses: { 200: adminUserDetailSchema, ...ONE_ERRORS } })
  detail(@Param('id') id: string) {
    return this.users.detail(id);
  }

  @Get(':id/files')
  @RequirePermissions(Permission.viewUsers, Permission.viewFiles)
  @Contract({
    summary: "The user's files (every status but deleted unless asked), sorted and paged",
    tags: TAGS,
    auth: AUTH,
    ...ONE,
    query: adminUserFilesQuerySchema,
    responses: { 200: adminFileListResponseSchema, ...ONE_ERRORS },
  })
  files(@Param('id') id: string, @Query() query: AdminUserFilesQuery) {
    return this.users.filesOf(id, query);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @RequirePermissions(Permission.moderateUsers)
  @Contract({ summary: 'Suspend with a reason: sign-in refused and every token revoked at once', tags: TAGS, auth: AUTH, ...ONE, body: moderationRequestSchema, responses: { 200: adminUserSchema, ...ONE_ERRORS } })
  suspend(@Param('id') id: string, @Body() body: ModerationRequest, @Actor() actor: AdminActor) {
    return this.users.changeStatus(actor, id, 'suspend', body.reason);
  }

  @Post(':id/ban')
  @HttpCode(200)
  @RequirePermissions(Permission.moderateUsers)
  @Contract({
    summary: "Ban with a reason: sign-in refused, tokens revoked, the user's files no longer downloadable",
    tags: TAGS,
    auth: AUTH,
    ...ONE,
    body: moderationRequestSchema,
    responses: { 200: adminUserSchema, ...ONE_ERRORS },
  })
  ban(@Param('id') id: string, @Body() body: ModerationRequest, @Actor() actor: AdminActor) {
    return this.users.changeStatus(actor, id, 'ban', body.reason);
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  @RequirePermissions(Permission.moderateUsers)
  @Contract({ summary: 'Lift a suspension or ban (the user signs in again)', tags: TAGS, auth: AUTH, ...ONE, body: reactivateRequestSchema, responses: { 200: adminUserSchema, ...ONE_ERRORS } })
  reactivate(@Param('id') id: string, @Body() body: ReactivateRequest, @Actor() actor: AdminActor) {
    return this.users.changeStatus(actor, id, 'reactivate', body.reason ?? null);
  }

  @Put(':id/quota')
  @RequirePermissions(Permission.moderateUsers)
  @Contract({ summary: 'Set the storage quota (the free-bytes ledger moves with it)', tags: TAGS, auth: AUTH, ...ONE, body: setQuotaRequestSchema, responses: { 200: adminUserSchema, ...ONE_ERRORS } })
  quota(@Param('id') id: string, @Body() body: SetQuotaRequest, @Actor() actor: AdminActor) {
    return this.users.setQuota(actor, id, body.quota_bytes);
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  @RequirePermissions(Permission.moderateUsers)
  @Contract({
    summary: "Set a new password (password policy applies; the user's tokens are revoked). A superadmin's only by a superadmin",
    tags: TAGS,
    auth: AUTH,
    ...ONE,
    body: adminResetPasswordRequestSchema,
    responses: { 200: adminUserSchema, ...ONE_ERRORS },
  })
  resetPassword(@Param('id') id: string, @Body() body: AdminResetPasswordRequest, @Actor() actor: AdminActor) {
    return this.users.resetPassword(actor, id, body.new_password);
  }

  @Put(':id/role')
  @RequirePermissions(Permission.manageRoles)
  @Contract({ summary: 'Change the role (superadmin only; a superadmin is never demoted here)', tags: TAGS, auth: AUTH, ...ONE, body: setRoleRequestSchema, responses: { 200: adminUserSchema, ...ONE_ERRORS } })
  role(@Param('id') id: string, @Body() body: SetRoleRequest, @Actor() actor: AdminActor) {
    return this.users.setRole(actor, id, body.role);
  }

  @Delete(':id')
  @RequirePermissions(Permission.moderateUsers)
  @Contract({
    summary: 'Delete the account: banned at once, every file marked deleted and queued for purge (Drive and WebDAV), then the account removed',
    tags: TAGS,
    auth: AUTH,
    ...ONE,
    query: deleteReasonQuerySchema,
    responses: { 200: userDeletionResponseSchema, ...ONE_ERRORS },
  })
  remove(@Param('id') id: string, @Query() query: { reason?: string }, @Actor() actor: AdminActor) {
    return this.users.remove(actor, id, query.reason ?? null);
  }
}
