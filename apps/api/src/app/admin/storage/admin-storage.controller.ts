import {
  adminAccountIdParamsSchema,
  AddStorageAccountRequest,
  addStorageAccountRequestSchema,
  adminStorageAccountSchema,
  adminStorageListResponseSchema,
  deleteAllFilesResponseSchema,
  errorBodySchema,
  Permission,
  removeStorageAccountQuerySchema,
  storageAccountRemovalSchema,
} from '@ddx/contracts';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';

import { AdminAuthGuard, RequirePermissions } from '../../auth';
import { Contract } from '../../common/contract.decorator';
import { Actor, AdminActor } from '../shared/admin-actor.decorator';
import { AdminStorageService } from './admin-storage.service';

const TAGS = ['admin-storage'];
const AUTH: Array<'admin'> = ['admin'];
const DENIED = { 401: errorBodySchema, 403: errorBodySchema };
const ONE = { params: adminAccountIdParamsSchema };
const ONE_ERRORS = { ...DENIED, 400: errorBodySchema, 404: errorBodySchema };

/** /admin/storage/accounts: the Google Drive account pool. `refresh` is declared before `:id`. */
@Controller('admin/storage/accounts')
@UseGuards(AdminAuthGuard)
@RequirePermissions(Permission.viewAdminPanel)
export class AdminStorageController {
  constructor(private readonly storage: AdminStorageService) {}

  @Get()
  @RequirePermissions(Permission.viewStorage)
  @Contract({
    summary: 'Every account with quota, usage, reserved bytes, files count, health and last error, plus totals (no secrets)',
    tags: TAGS,
    auth: AUTH,
    responses: { 200: adminStorageListResponseSchema, ...DENIED },
  })
  list() {
    return this.storage.list();
  }

  @Post()
  @RequirePermissions(Permission.addStorage)
  @Contract({
    summary: 'Add an account (superadmin; OAuth refresh token or service-account key), checked live with Drive before it is stored',
    tags: TAGS,
    auth: AUTH,
    body: addStorageAccountRequestSchema,
    responses: { 201: adminStorageAccountSchema, 400: errorBodySchema, ...DENIED, 409: errorBodySchema, 503: errorBodySchema },
  })
  add(@Body() body: AddStorageAccountRequest, @Actor() actor: AdminActor) {
    return this.storage.add(actor, body);
  }

  @Post('refresh')
  @HttpCode(200)
  @RequirePermissions(Permission.manageStorage)
  @Contract({ summary: 'Refresh quota, usage and health of every account from Drive now', tags: TAGS, auth: AUTH, responses: { 200: adminStorageListResponseSchema, ...DENIED } })
  refreshAll(@Actor() actor: AdminActor) {
    return this.storage.refreshAll(actor);
  }

  @Get(':id')
  @RequirePermissions(Permission.viewStorage)
  @Contract({ summary: 'One account', tags: TAGS, auth: AUTH, ...ONE, responses: { 200: adminStorageAccountSchema, ...ONE_ERRORS } })
  detail(@Param('id') id: string) {
    return this.storage.detail(id);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @RequirePermissions(Permission.addStorage)
  @Contract({ summary: 'Let new uploads use the account (superadmin)', tags: TAGS, auth: AUTH, ...ONE, responses: { 200: adminStorageAccountSchema, ...ONE_ERRORS } })
  enable(@Param('id') id: string, @Actor() actor: AdminActor) {
    return this.storage.setEnabled(actor, id, true);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @RequirePermissions(Permission.manageStorage)
  @Contract({
    summary: 'Stop new uploads to the account (its files are then served from their backup copies)',
    tags: TAGS,
    auth: AUTH,
    ...ONE,
    responses: { 200: adminStorageAccountSchema, ...ONE_ERRORS },
  })
  disable(@Param('id') id: string, @Actor() actor: AdminActor) {
    return this.storage.setEnabled(actor, id, false);
  }

  @Post(':id/check')
  @HttpCode(200)
  @RequirePermissions(Permission.manageStorage)
  @Contract({ summary: 'Re-check the account now: quota, usage and health from Drive', tags: TAGS, auth: AUTH, ...ONE, responses: { 200: adminStorageAccountSchema, ...ONE_ERRORS } })
  check(@Param('id') id: string, @Actor() actor: AdminActor) {
    return this.storage.check(actor, id);
  }

  @Post(':id/delete-all-files')
  @HttpCode(200)
  @RequirePermissions(Permission.destructiveStorage)
  @Contract({
    summary: 'Delete every file on the account (superadmin): records deleted, copies purged from Drive and WebDAV by the cleanup queue',
    tags: TAGS,
    auth: AUTH,
    ...ONE,
    responses: { 200: deleteAllFilesResponseSchema, ...ONE_ERRORS },
  })
  deleteAllFiles(@Param('id') id: string, @Actor() actor: AdminActor) {
    return this.storage.deleteAllFiles(actor, id);
  }

  @Delete(':id')
  @RequirePermissions(Permission.manageStorage)
  @Contract({
    summary: 'Remove the account: 409 while files live there; force=true (superadmin) removes it anyway and lists files served from backup only / lost',
    tags: TAGS,
    auth: AUTH,
    ...ONE,
    query: removeStorageAccountQuerySchema,
    responses: { 200: storageAccountRemovalSchema, ...ONE_ERRORS, 409: errorBodySchema },
  })
  remove(@Param('id') id: string, @Query() query: { force: boolean }, @Actor() actor: AdminActor) {
    return this.storage.remove(actor, id, query.force);
  }
}
