import {
  adminNotificationListQuerySchema,
  adminNotificationListSchema,
  adminNotificationSchema,
  audiencePreviewRequestSchema,
  audiencePreviewSchema,
  CreateNotificationInput,
  createNotificationRequestSchema,
  deletedResponseSchema,
  deliveriesQuerySchema,
  EmailDeliveryStatus,
  errorBodySchema,
  NotificationAudienceInput,
  notificationDeliveryListSchema,
  notificationIdParamsSchema,
  NotificationStatus,
  Permission,
  sendNotificationRequestSchema,
} from '@ddx/contracts';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';

import { AdminAuthGuard, RequirePermissions } from '../../auth';
import { Contract } from '../../common/contract.decorator';
import { Actor, AdminActor } from '../shared/admin-actor.decorator';
import { AdminNotificationsService } from './admin-notifications.service';

const TAGS = ['admin-notifications'];
const AUTH: Array<'admin'> = ['admin'];
const DENIED = { 401: errorBodySchema, 403: errorBodySchema };
const ONE = { params: notificationIdParamsSchema };
const ONE_ERRORS = { ...DENIED, 400: errorBodySchema, 404: errorBodySchema };

/** /admin/notifications: compose, schedule, cancel; the worker sends. `preview` is declared before `:id`. */
@Controller('admin/notifications')
@UseGuards(AdminAuthGuard)
@RequirePermissions(Permission.viewAdminPanel, Permission.sendNotifications)
export class AdminNotificationsController {
  constructor(private readonly notifications: AdminNotificationsService) {}

  @Get()
  @Contract({
    summary: 'Notifications, newest first, with status and delivery counts (recipients, read, e-mails sent/failed/pending)',
    tags: TAGS,
    auth: AUTH,
    query: adminNotificationListQuerySchema,
    responses: { 200: adminNotificationListSchema, 400: errorBodySchema, ...DENIED },
  })
  list(@Query() query: { status?: NotificationStatus; page: number; limit: number }) {
    return this.notifications.list(query.status, query.page, query.limit);
  }

  @Post()
  @HttpCode(201)
  @Contract({
    summary: 'Compose a notification: send now, schedule it (scheduled_at) or keep it as a draft',
    tags: TAGS,
    auth: AUTH,
    body: createNotificationRequestSchema,
    responses: { 201: adminNotificationSchema, 400: errorBodySchema, ...DENIED, 404: errorBodySchema, 409: errorBodySchema },
  })
  create(@Body() body: CreateNotificationInput, @Actor() actor: AdminActor) {
    return this.notifications.create(actor, body);
  }

  @Post('preview')
  @HttpCode(200)
  @Contract({
    summary: 'How many accounts an audience reaches now (and which listed recipients are not accounts)',
    tags: TAGS,
    auth: AUTH,
    body: audiencePreviewRequestSchema,
    responses: { 200: audiencePreviewSchema, 400: errorBodySchema, ...DENIED },
  })
  preview(@Body() body: { audience: NotificationAudienceInput }) {
    return this.notifications.preview(body.audience);
  }

  @Get(':id')
  @Contract({ summary: 'One notification with its delivery counts', tags: TAGS, auth: AUTH, ...ONE, responses: { 200: adminNotificationSchema, ...ONE_ERRORS } })
  get(@Param('id') id: string) {
    return this.notifications.get(id);
  }

  @Get(':id/deliveries')
  @Contract({
    summary: 'Deliveries of a notification: recipient, read time, e-mail status and error (pages)',
    tags: TAGS,
    auth: AUTH,
    ...ONE,
    query: deliveriesQuerySchema,
    responses: { 200: notificationDeliveryListSchema, ...ONE_ERRORS },
  })
  deliveries(@Param('id') id: string, @Query() query: { email_status?: EmailDeliveryStatus; page: number; limit: number }) {
    return this.notifications.deliveriesOf(id, query.email_status, query.page, query.limit);
  }

  @Post(':id/send')
  @HttpCode(200)
  @Contract({
    summary: 'Send a draft now or at scheduled_at',
    tags: TAGS,
    auth: AUTH,
    ...ONE,
    body: sendNotificationRequestSchema,
    responses: { 200: adminNotificationSchema, ...ONE_ERRORS, 409: errorBodySchema },
  })
  send(@Param('id') id: string, @Body() body: { scheduled_at?: string }, @Actor() actor: AdminActor) {
    return this.notifications.send(actor, id, body.scheduled_at);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Contract({
    summary: 'Cancel a draft or a scheduled notification before it is sent',
    tags: TAGS,
    auth: AUTH,
    ...ONE,
    responses: { 200: adminNotificationSchema, ...ONE_ERRORS, 409: errorBodySchema },
  })
  cancel(@Param('id') id: string, @Actor() actor: AdminActor) {
    return this.notifications.cancel(actor, id);
  }

  @Delete(':id')
  @RequirePermissions(Permission.deleteNotifications)
  @Contract({
    summary: 'Delete a notification and its deliveries (it leaves every bell); not while it is being sent',
    tags: TAGS,
    auth: AUTH,
    ...ONE,
    responses: { 200: deletedResponseSchema, ...ONE_ERRORS, 409: errorBodySchema },
  })
  remove(@Param('id') id: string, @Actor() actor: AdminActor) {
    return this.notifications.delete(actor, id);
  }
}
