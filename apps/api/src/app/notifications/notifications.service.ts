import { ErrorCode, MarkReadResponse, renderNotificationText, UserNotificationList } from '@ddx/contracts';
import { DeliveryRepository, NotificationRepository } from '@ddx/server-database';
import { Injectable } from '@nestjs/common';

import { AppException } from '../common/app-exception';

/** A signed-in user's own notifications (their in-app deliveries): the SPA's bell. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly notifications: NotificationRepository,
  ) {}

  async list(userId: string, page: number, limit: number, unreadOnly: boolean): Promise<UserNotificationList> {
    const [{ items, total }, unread] = await Promise.all([this.deliveries.listForUser(userId, page, limit, unreadOnly), this.deliveries.unreadCount(userId)]);
    const byId = new Map((await this.notifications.findByIds(items.map((d) => d.notificationId))).map((n) => [n._id, n]));
    return {
      items: items.flatMap((d) => {
        const n = byId.get(d.notificationId);
        if (!n) return [];
        // Filled with what the recipient had when it was delivered; plain text, shown as text.
        const values = { email: d.userEmail, name: d.userName || d.userEmail.split('@')[0] || d.userEmail };
        return [
          {
            id: n._id,
            title: renderNotificationText(n.title, values),
            body: renderNotificationText(n.body, values),
            delivered_at: new Date(d.deliveredAt).toISOString(),
            read_at: d.readAt ? new Date(d.readAt).toISOString() : null,
          },
        ];
      }),
      unread_count: unread,
      total,
      page,
      limit,
      total_pages: Math.ceil(total / limit),
    };
  }

  /** Only the caller's own delivery: someone else's notification is a 404, as if it did not exist. */
  async markRead(userId: string, notificationId: string): Promise<MarkReadResponse> {
    const { found, updated } = await this.deliveries.markRead(userId, notificationId);
    if (!found) throw new AppException(404, ErrorCode.NOT_FOUND, 'You have no such notification.');
    return { updated, unread_count: await this.deliveries.unreadCount(userId) };
  }

  async markAllRead(userId: string): Promise<MarkReadResponse> {
    const updated = await this.deliveries.markAllRead(userId);
    return { updated, unread_count: await this.deliveries.unreadCount(userId) };
  }
}
