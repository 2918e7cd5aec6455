import {
  errorBodySchema,
  markReadResponseSchema,
  notificationIdParamsSchema,
  userNotificationListSchema,
  userNotificationsQuerySchema,
} from '@ddx/contracts';
import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';

import { AuthenticatedUser, CurrentUser, UserAuthGuard } from '../auth';
import { Contract } from '../common/contract.decorator';
import { NotificationsService } from './notifications.service';

const TAGS = ['notifications'];
const AUTH: Array<'user'> = ['user'];

/** /notifications: the signed-in user's own notifications (user token). `read-all` is declared before `:id`. */
@Controller('notifications')
@UseGuards(UserAuthGuard)
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Contract({
    summary: 'My notifications, newest first, with the unread count',
    tags: TAGS,
    auth: AUTH,
    query: userNotificationsQuerySchema,
    responses: { 200: userNotificationListSchema, 400: errorBodySchema, 401: errorBodySchema },
  })
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: { page: number; limit: number; unread?: 'true' | 'false' }) {
    return this.notifications.list(user.id, query.page, query.limit, query.unread === 'true');
  }

  @Post('read-all')
  @HttpCode(200)
  @Contract({ summary: 'Mark all my notifications read', tags: TAGS, auth: AUTH, responses: { 200: markReadResponseSchema, 401: errorBodySchema } })
  readAll(@CurrentUser() user: AuthenticatedUser) {
    return this.notifications.markAllRead(user.id);
  }

  @Post(':id/read')
  @HttpCode(200)
  @Contract({
    summary: 'Mark one of my notifications read (404 when it is not mine)',
    tags: TAGS,
    auth: AUTH,
    params: notificationIdParamsSchema,
    responses: { 200: markReadResponseSchema, 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema },
  })
  read(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string) {
    return this.notifications.markRead(user.id, id);
  }
}
