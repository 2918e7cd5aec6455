import { z } from 'zod';

import { roleSchema } from './permissions';
import { API_PREFIX } from './routes';

/**
 * Notifications: admins compose them under
 * `/api/v1/admin/notifications`, the worker delivers them (in the SPA's bell
 * and optionally by e-mail), users read theirs under `/api/v1/notifications`.
 */

const ADMIN = `${API_PREFIX}/admin`;

export const NotificationApiRoutes = {
  /** Admin: list, create. */
  admin: `${ADMIN}/notifications`,
  adminPreview: `${ADMIN}/notifications/preview`,
  adminOne: (id: string) => `${ADMIN}/notifications/${id}`,
  adminDeliveries: (id: string) => `${ADMIN}/notifications/${id}/deliveries`,
  adminSend: (id: string) => `${ADMIN}/notifications/${id}/send`,
  adminCancel: (id: string) => `${ADMIN}/notifications/${id}/cancel`,
  templates: `${ADMIN}/notification-templates`,
  template: (id: string) => `${ADMIN}/notification-templates/${id}`,
  /** User (user token): own notifications. */
  mine: `${API_PREFIX}/notifications`,
  read: (id: string) => `${API_PREFIX}/notifications/${id}/read`,
  readAll: `${API_PREFIX}/notifications/read-all`,
} as const;

export const NotificationErrorCode = {
  /** `scheduled_at` is in the past (or too far in the future). */
  SCHEDULE_IN_PAST: 'SCHEDULE_IN_PAST',
  SCHEDULE_TOO_FAR: 'SCHEDULE_TOO_FAR',
  /** The audience names nobody, or matches no account that may receive notifications. */
  EMPTY_AUDIENCE: 'EMPTY_AUDIENCE',
  /** Some listed recipients (ids or e-mails) are not accounts. */
  UNKNOWN_RECIPIENTS: 'UNKNOWN_RECIPIENTS',
  /** Neither title/body nor a template to take them from. */
  CONTENT_MISSING: 'CONTENT_MISSING',
  /** The e-mail channel was asked for but the server has no SMTP_URL. */
  EMAIL_NOT_CONFIGURED: 'EMAIL_NOT_CONFIGURED',
  /** The notification is not in a state that allows this (e.g. cancel a sent one). */
  NOTIFICATION_STATE: 'NOTIFICATION_STATE',
  /** A template with this name exists. */
  TEMPLATE_NAME_TAKEN: 'TEMPLATE_NAME_TAKEN',
} as const;
export type NotificationErrorCode = (typeof NotificationErrorCode)[keyof typeof NotificationErrorCode];

/** Who counts as "active" for the `active`/`inactive` audiences: signed in within this many days. */
export const NOTIFICATION_ACTIVE_DAYS = 30;
/** Placeholders a title or body may use; anything else between `{{ }}` is refused. */
export const NOTIFICATION_PLACEHOLDERS = ['name', 'email'] as const;
export type NotificationPlaceholder = (typeof NOTIFICATION_PLACEHOLDERS)[number];
/** Longest delay between composing and sending. */
export const NOTIFICATION_MAX_SCHEDULE_DAYS = 366;

export const notificationStatusSchema = z.enum(['draft', 'scheduled', 'sending', 'sent', 'cancelled', 'failed']);
export type NotificationStatus = z.infer<typeof notificationStatusSchema>;
export const audienceKindSchema = z.enum(['all', 'active', 'inactive', 'users', 'role']);
export type AudienceKind = z.infer<typeof audienceKindSchema>;
export const emailDeliveryStatusSchema = z.enum(['pending', 'sent', 'failed', 'skipped']);
export type EmailDeliveryStatus = z.infer<typeof emailDeliveryStatusSchema>;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders of a text that are not supported (empty when all are). */
export function unknownPlaceholders(text: string): string[] {
  const bad = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (!(NOTIFICATION_PLACEHOLDERS as readonly string[]).includes(m[1] ?? '')) bad.add(m[1] ?? '');
  }
  return [...bad];
}

/**
 * Fills `{{name}}` and `{{email}}` with the recipient's values. The result
 * is plain text: callers show it as text (Angular interpolation) or escape it
 * for HTML; values are never interpreted as placeholders again.
 */
export function renderNotificationText(text: string, values: Record<NotificationPlaceholder, string>): string {
  return text.replace(PLACEHOLDER, (whole, key: string) => ((NOTIFICATION_PLACEHOLDERS as readonly string[]).includes(key) ? values[key as NotificationPlaceholder] : whole));
}

const placeholdersOk = (text: string) => unknownPlaceholders(text).length === 0;
const placeholderMessage = `only {{${NOTIFICATION_PLACEHOLDERS.join('}}, {{')}}} may be used`;
const title = z.string().trim().min(1).max(200).refine(placeholdersOk, placeholderMessage);
const body = z.string().trim().min(1).max(5000).refine(placeholdersOk, placeholderMessage);
const isoDate = z.iso.datetime();
const page = z.coerce.number().int().min(1).default(1);
const limitOf = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const uuid = z.string().regex(/^[0-9a-fA-F-]{36}$/, 'must be a notification id');

export const notificationIdParamsSchema = z.object({ id: uuid });
export const templateIdParamsSchema = z.object({ id: z.string().regex(/^[0-9a-fA-F-]{36}$/, 'must be a template id') });

export const audienceSchema = z
  .strictObject({
    kind: audienceKindSchema,
    /** kind=users: account ids … */
    user_ids: z
      .array(z.string().regex(/^[0-9a-fA-F]{24}$/, 'must be a user id'))
      .max(1000)
      .optional(),
    /** … and/or e-mail addresses (resolved to accounts when the notification is created). */
    emails: z.array(z.email()).max(1000).optional(),
    /** kind=role */
    role: roleSchema.optional(),
  })
  .meta({ id: 'NotificationAudience' });
export type NotificationAudienceInput = z.input<typeof audienceSchema>;

export const channelsSchema = z
  .strictObject({ in_app: z.boolean().default(true), email: z.boolean().default(false) })
  .refine((c) => c.in_app || c.email, 'choose at least one channel')
  .meta({ id: 'NotificationChannels' });

export const createNotificationRequestSchema = z
  .strictObject({
    title: title.optional(),
    body: body.optional(),
    /** Title and body come from this template when not given. */
    template_id: z.string().regex(/^[0-9a-fA-F-]{36}$/, 'must be a template id').optional(),
    audience: audienceSchema,
    channels: channelsSchema.default({ in_app: true, email: false }),
    /** When to send; omitted = now. */
    scheduled_at: z.iso.datetime({ offset: true }).optional(),
    /** Keep as a draft (nothing is queued); send it later with POST …/:id/send. */
    draft: z.boolean().default(false),
  })
  .meta({ id: 'CreateNotificationRequest' });
export type CreateNotificationRequest = z.input<typeof createNotificationRequestSchema>;
export type CreateNotificationInput = z.output<typeof createNotificationRequestSchema>;

export const sendNotificationRequestSchema = z
  .strictObject({ scheduled_at: z.iso.datetime({ offset: true }).optional() })
  .meta({ id: 'SendNotificationRequest' });
export type SendNotificationRequest = z.input<typeof sendNotificationRequestSchema>;

export const audiencePreviewRequestSchema = z.strictObject({ audience: audienceSchema }).meta({ id: 'NotificationAudiencePreviewRequest' });
export const audiencePreviewSchema = z
  .object({
    recipients: z.number().int().describe('Accounts that would receive it now'),
    unknown: z.array(z.string()).describe('kind=users: listed ids or e-mails that are not accounts'),
  })
  .meta({ id: 'NotificationAudiencePreview' });
export type AudiencePreview = z.infer<typeof audiencePreviewSchema>;

export const deliveryCountsSchema = z.object({
  recipients: z.number().int(),
  read: z.number().int().describe('In-app deliveries the user marked read'),
  email_sent: z.number().int(),
  email_failed: z.number().int(),
  email_pending: z.number().int(),
});
export type DeliveryCounts = z.infer<typeof deliveryCountsSchema>;

export const adminNotificationSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    body: z.string(),
    audience: z.object({ kind: audienceKindSchema, user_ids: z.array(z.string()), role: roleSchema.nullable() }),
    channels: z.object({ in_app: z.boolean(), email: z.boolean() }),
    template_id: z.string().nullable(),
    status: notificationStatusSchema,
    scheduled_at: isoDate.nullable(),
    sent_at: isoDate.nullable(),
    cancelled_at: isoDate.nullable(),
    error: z.string().nullable(),
    created_by: z.object({ id: z.string(), email: z.string() }),
    created_at: isoDate,
    counts: deliveryCountsSchema,
  })
  .meta({ id: 'AdminNotification' });
export type AdminNotification = z.infer<typeof adminNotificationSchema>;

export const adminNotificationListQuerySchema = z.object({ status: notificationStatusSchema.optional(), page, limit: limitOf(100, 20) });
export const adminNotificationListSchema = z
  .object({
    items: z.array(adminNotificationSchema),
    total: z.number().int(),
    page: z.number().int(),
    limit: z.number().int(),
    total_pages: z.number().int(),
  })
  .meta({ id: 'AdminNotificationList' });
export type AdminNotificationList = z.infer<typeof adminNotificationListSchema>;

export const notificationDeliverySchema = z
  .object({
    user_id: z.string(),
    email: z.string(),
    in_app: z.boolean(),
    read_at: isoDate.nullable(),
    email_status: emailDeliveryStatusSchema,
    email_error: z.string().nullable(),
    email_sent_at: isoDate.nullable(),
    delivered_at: isoDate,
  })
  .meta({ id: 'NotificationDelivery' });
export type NotificationDelivery = z.infer<typeof notificationDeliverySchema>;

export const deliveriesQuerySchema = z.object({ email_status: emailDeliveryStatusSchema.optional(), page, limit: limitOf(200, 50) });
export const notificationDeliveryListSchema = z
  .object({
    items: z.array(notificationDeliverySchema),
    total: z.number().int(),
    page: z.number().int(),
    limit: z.number().int(),
    total_pages: z.number().int(),
  })
  .meta({ id: 'NotificationDeliveryList' });
export type NotificationDeliveryList = z.infer<typeof notificationDeliveryListSchema>;

export const notificationTemplateSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    title: z.string(),
    body: z.string(),
    created_by: z.string(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .meta({ id: 'NotificationTemplate' });
export type NotificationTemplate = z.infer<typeof notificationTemplateSchema>;
export const notificationTemplateListSchema = z.object({ items: z.array(notificationTemplateSchema) }).meta({ id: 'NotificationTemplateList' });
export type NotificationTemplateList = z.infer<typeof notificationTemplateListSchema>;

export const templateRequestSchema = z
  .strictObject({ name: z.string().trim().min(1).max(100), title, body })
  .meta({ id: 'NotificationTemplateRequest' });
export type TemplateRequest = z.input<typeof templateRequestSchema>;

export const deletedResponseSchema = z.object({ id: z.string(), deleted: z.literal(true) }).meta({ id: 'NotificationDeleted' });

// -------------------------------------------------------------------- user side

export const userNotificationSchema = z
  .object({
    id: z.string().describe('The notification id (use it to mark it read)'),
    title: z.string().describe('Plain text; placeholders already filled'),
    body: z.string().describe('Plain text; placeholders already filled'),
    delivered_at: isoDate,
    read_at: isoDate.nullable(),
  })
  .meta({ id: 'UserNotification' });
export type UserNotification = z.infer<typeof userNotificationSchema>;

export const userNotificationsQuerySchema = z.object({ page, limit: limitOf(50, 10), unread: z.enum(['true', 'false']).optional() });
export const userNotificationListSchema = z
  .object({
    items: z.array(userNotificationSchema),
    unread_count: z.number().int(),
    total: z.number().int(),
    page: z.number().int(),
    limit: z.number().int(),
    total_pages: z.number().int(),
  })
  .meta({ id: 'UserNotificationList' });
export type UserNotificationList = z.infer<typeof userNotificationListSchema>;

export const markReadResponseSchema = z.object({ updated: z.number().int(), unread_count: z.number().int() }).meta({ id: 'NotificationMarkRead' });
export type MarkReadResponse = z.infer<typeof markReadResponseSchema>;
