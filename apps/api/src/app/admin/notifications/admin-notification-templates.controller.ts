import {
  deletedResponseSchema,
  errorBodySchema,
  notificationTemplateListSchema,
  notificationTemplateSchema,
  Permission,
  templateIdParamsSchema,
  TemplateRequest,
  templateRequestSchema,
} from '@ddx/contracts';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';

import { AdminAuthGuard, RequirePermissions } from '../../auth';
import { Contract } from '../../common/contract.decorator';
import { Actor, AdminActor } from '../shared/admin-actor.decorator';
import { AdminNotificationsService } from './admin-notifications.service';

const TAGS = ['admin-notifications'];
const AUTH: Array<'admin'> = ['admin'];
const DENIED = { 401: errorBodySchema, 403: errorBodySchema };
const ONE = { params: templateIdParamsSchema };
const ONE_ERRORS = { ...DENIED, 400: errorBodySchema, 404: errorBodySchema };

/** /admin/notification-templates: reusable titles and bodies with {{name}} / {{email}} placeholders. */
@Controller('admin/notification-templates')
@UseGuards(AdminAuthGuard)
@RequirePermissions(Permission.viewAdminPanel, Permission.sendNotifications)
export class AdminNotificationTemplatesController {
  constructor(private readonly notifications: AdminNotificationsService) {}

  @Get()
  @Contract({ summary: 'Every notification template, by name', tags: TAGS, auth: AUTH, responses: { 200: notificationTemplateListSchema, ...DENIED } })
  list() {
    return this.notifications.templates();
  }

  @Post()
  @HttpCode(201)
  @Contract({
    summary: 'Create a template (unique name)',
    tags: TAGS,
    auth: AUTH,
    body: templateRequestSchema,
    responses: { 201: notificationTemplateSchema, 400: errorBodySchema, ...DENIED, 409: errorBodySchema },
  })
  create(@Body() body: TemplateRequest, @Actor() actor: AdminActor) {
    return this.notifications.createTemplate(actor, body);
  }

  @Put(':id')
  @Contract({
    summary: 'Change a template (notifications already composed keep their text)',
    tags: TAGS,
    auth: AUTH,
    ...ONE,
    body: templateRequestSchema,
    responses: { 200: notificationTemplateSchema, ...ONE_ERRORS, 409: errorBodySchema },
  })
  update(@Param('id') id: string, @Body() body: TemplateRequest, @Actor() actor: AdminActor) {
    return this.notifications.updateTemplate(actor, id, body);
  }

  @Delete(':id')
  @RequirePermissions(Permission.deleteNotifications)
  @Contract({ summary: 'Delete a template', tags: TAGS, auth: AUTH, ...ONE, responses: { 200: deletedResponseSchema, ...ONE_ERRORS } })
  remove(@Param('id') id: string, @Actor() actor: AdminActor) {
    return this.notifications.deleteTemplate(actor, id);
  }
}
