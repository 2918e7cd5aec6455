import { AdminNotification, NotificationDelivery, NotificationTemplate } from '@ddx/contracts';
import { LiveCounts, NotificationDeliveryDoc, NotificationDoc, NotificationTemplateDoc } from '@ddx/server-database';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export function toAdminNotification(n: NotificationDoc, counts: LiveCounts | undefined): AdminNotification {
  return {
    id: n._id,
    title: n.title,
    body: n.body,
    audience: { kind: n.audience.kind, user_ids: n.audience.userIds ?? [], role: n.audience.role ?? null },
    channels: { in_app: n.channels.inApp, email: n.channels.email },
    template_id: n.templateId ?? null,
    status: n.status,
    scheduled_at: iso(n.scheduledAt),
    sent_at: iso(n.sentAt),
    cancelled_at: iso(n.cancelledAt),
    error: n.error ?? null,
    created_by: { id: n.createdBy.id, email: n.createdBy.email },
    created_at: new Date(n.createdAt).toISOString(),
    counts: {
      recipients: counts?.recipients ?? 0,
      read: counts?.read ?? 0,
      email_sent: counts?.emailSent ?? 0,
      email_failed: counts?.emailFailed ?? 0,
      email_pending: counts?.emailPending ?? 0,
    },
  };
}

export function toDelivery(d: NotificationDeliveryDoc): NotificationDelivery {
  return {
    user_id: d.userId,
    email: d.userEmail,
    in_app: d.inApp,
    read_at: iso(d.readAt),
    email_status: d.emailStatus,
    email_error: d.emailError ?? null,
    email_sent_at: iso(d.emailSentAt),
    delivered_at: new Date(d.deliveredAt).toISOString(),
  };
}

export function toTemplate(t: NotificationTemplateDoc): NotificationTemplate {
  return {
    id: t._id,
    name: t.name,
    title: t.title,
    body: t.body,
    created_by: t.createdBy,
    created_at: new Date(t.createdAt).toISOString(),
    updated_at: new Date(t.updatedAt).toISOString(),
  };
}
