import { AudienceKind, EmailDeliveryStatus, NotificationStatus, Role } from '@ddx/contracts';
import { Schema, Types } from 'mongoose';

export const NOTIFICATIONS_COLLECTION = 'notifications';
export const NOTIFICATION_DELIVERIES_COLLECTION = 'notification_deliveries';
export const NOTIFICATION_TEMPLATES_COLLECTION = 'notification_templates';

export interface NotificationAudience {
  kind: AudienceKind;
  /** kind=users: account ids (hex), resolved from ids and e-mails when the notification was created. */
  userIds: string[];
  /** kind=role */
  role: Role | null;
}

export interface NotificationCounts {
  recipients: number;
  emailSent: number;
  emailFailed: number;
}

export interface NotificationDoc {
  /** UUID; also the BullMQ job id of its send job. */
  _id: string;
  title: string;
  body: string;
  audience: NotificationAudience;
  channels: { inApp: boolean; email: boolean };
  templateId: string | null;
  status: NotificationStatus;
  /** When the worker sends it (null for drafts). */
  scheduledAt: Date | null;
  createdBy: { id: string; email: string };
  /** Last user id the fan-out finished (ascending `_id` order): a retried job resumes after it. */
  cursor: string | null;
  /** Filled when sending ends (the live counts come from the deliveries). */
  counts: NotificationCounts;
  startedAt: Date | null;
  sentAt: Date | null;
  cancelledAt: Date | null;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One recipient of one notification; unique per (notificationId, userId), so a retried job never delivers twice. */
export interface NotificationDeliveryDoc {
  _id: Types.ObjectId;
  notificationId: string;
  userId: string;
  /** The recipient's address and name at delivery time: what `{{email}}`/`{{name}}` are filled with. */
  userEmail: string;
  userName: string | null;
  /** Shown in the user's bell. */
  inApp: boolean;
  readAt: Date | null;
  emailStatus: EmailDeliveryStatus;
  emailError: string | null;
  emailSentAt: Date | null;
  deliveredAt: Date;
}

export interface NotificationTemplateDoc {
  _id: string;
  name: string;
  title: string;
  body: string;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export const notificationSchema = new Schema<NotificationDoc>(
  {
    _id: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    audience: {
      kind: { type: String, required: true },
      userIds: { type: [String], default: [] },
      role: { type: String, default: null },
    },
    channels: { inApp: { type: Boolean, required: true }, email: { type: Boolean, required: true } },
    templateId: { type: String, default: null },
    status: { type: String, required: true },
    scheduledAt: { type: Date, default: null },
    createdBy: { id: { type: String, required: true }, email: { type: String, required: true } },
    cursor: { type: String, default: null },
    counts: {
      recipients: { type: Number, default: 0 },
      emailSent: { type: Number, default: 0 },
      emailFailed: { type: Number, default: 0 },
    },
    startedAt: { type: Date, default: null },
    sentAt: { type: Date, default: null },
    cancelledAt: { type: Date, default: null },
    error: { type: String, default: null },
  },
  { collection: NOTIFICATIONS_COLLECTION, timestamps: true, versionKey: false, minimize: false },
);
notificationSchema.index({ createdAt: -1 });
notificationSchema.index({ status: 1, scheduledAt: 1 });

export const notificationDeliverySchema = new Schema<NotificationDeliveryDoc>(
  {
    notificationId: { type: String, required: true },
    userId: { type: String, required: true },
    userEmail: { type: String, required: true },
    userName: { type: String, default: null },
    inApp: { type: Boolean, required: true },
    readAt: { type: Date, default: null },
    emailStatus: { type: String, required: true },
    emailError: { type: String, default: null },
    emailSentAt: { type: Date, default: null },
    deliveredAt: { type: Date, required: true },
  },
  { collection: NOTIFICATION_DELIVERIES_COLLECTION, versionKey: false, minimize: false },
);
notificationDeliverySchema.index({ notificationId: 1, userId: 1 }, { unique: true });
notificationDeliverySchema.index({ userId: 1, inApp: 1, deliveredAt: -1 });
notificationDeliverySchema.index({ userId: 1, inApp: 1, readAt: 1 });
notificationDeliverySchema.index({ notificationId: 1, emailStatus: 1 });

export const notificationTemplateSchema = new Schema<NotificationTemplateDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    createdBy: { type: String, required: true },
  },
  { collection: NOTIFICATION_TEMPLATES_COLLECTION, timestamps: true, versionKey: false },
);
notificationTemplateSchema.index({ name: 1 }, { unique: true });
