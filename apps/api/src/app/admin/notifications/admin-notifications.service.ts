import {
  AdminNotification,
  AdminNotificationList,
  AudiencePreview,
  CreateNotificationInput,
  ErrorCode,
  NOTIFICATION_MAX_SCHEDULE_DAYS,
  NotificationAudienceInput,
  NotificationDeliveryList,
  NotificationErrorCode,
  NotificationStatus,
  NotificationTemplate,
  NotificationTemplateList,
  TemplateRequest,
} from '@ddx/contracts';
import { AppConfig } from '@ddx/server-config';
import {
  DeliveryRepository,
  DuplicateTemplateNameError,
  NotificationAudience,
  NotificationAudienceResolver,
  NotificationDoc,
  NotificationRepository,
} from '@ddx/server-database';
import { NotificationQueue } from '@ddx/server-queue';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

import { ActivityAction } from '../../activity/activity-action';
import { AppException } from '../../common/app-exception';
import { AdminActor } from '../shared/admin-actor.decorator';
import { AdminAudit } from '../shared/admin-audit.service';
import { pageOf } from '../shared/page';
import { toAdminNotification, toDelivery, toTemplate } from './notification.mapper';

/** A `scheduled_at` this little in the past (clock skew, slow form) means "now". */
const PAST_GRACE_MS = 60_000;
const DAY = 24 * 60 * 60 * 1000;

/** Composing, scheduling and cancelling notifications; the worker sends them. */
@Injectable()
export class AdminNotificationsService {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly audience: NotificationAudienceResolver,
    private readonly config: AppConfig,
    private readonly audit: AdminAudit,
    private readonly queue: NotificationQueue,
  ) {}

  async list(status: NotificationStatus | undefined, page: number, limit: number): Promise<AdminNotificationList> {
    const { items, total } = await this.notifications.list({ status }, page, limit);
    const counts = await this.deliveries.countsFor(items.map((n) => n._id));
    return { items: items.map((n) => toAdminNotification(n, counts.get(n._id))), ...pageOf(total, page, limit) };
  }

  async get(id: string): Promise<AdminNotification> {
    const n = await this.mustFind(id);
    return toAdminNotification(n, (await this.deliveries.countsFor([id])).get(id));
  }

  async deliveriesOf(id: string, emailStatus: NotificationDeliveryList['items'][number]['email_status'] | undefined, page: number, limit: number): Promise<NotificationDeliveryList> {
    await this.mustFind(id);
    const { items, total } = await this.deliveries.listFor(id, { emailStatus }, page, limit);
    return { items: items.map(toDelivery), ...pageOf(total, page, limit) };
  }

  async preview(input: NotificationAudienceInput): Promise<AudiencePreview> {
    const { audience, unknown } = await this.toAudience(input);
    const recipients = audience.kind === 'users' && !audience.userIds.length ? 0 : await this.audience.count(audience);
    return { recipients, unknown };
  }

  async create(actor: AdminActor, input: CreateNotificationInput): Promise<AdminNotification> {
    let { title, body } = input;
    const templateId = input.template_id ?? null;
    if (templateId) {
      const template = await this.notifications.findTemplate(templateId);
      if (!template) throw new AppException(404, ErrorCode.NOT_FOUND, 'This template does not exist.');
      title ??= template.title;
      body ??= template.body;
    }
    if (!title || !body) throw new AppException(400, NotificationErrorCode.CONTENT_MISSING, 'Give a title and a body, or a template to take them from.');
    if (input.draft && input.scheduled_at) throw new AppException(400, ErrorCode.VALIDATION, 'A draft has no send time: choose the time when you send it.');
    this.assertEmailPossible(input.channels.email);
    const scheduledAt = input.draft ? null : this.sendTime(input.scheduled_at);
    const audience = await this.assertAudience(input.audience);

    const n = await this.notifications.create({
      _id: randomUUID(),
      title,
      body,
      audience,
      channels: { inApp: input.channels.in_app, email: input.channels.email },
      templateId,
      status: input.draft ? 'draft' : 'scheduled',
      scheduledAt,
      createdBy: { id: actor.admin.id, email: actor.admin.email },
    });
    if (scheduledAt) await this.queue.enqueueSend(n._id, scheduledAt);
    await this.audit.record(actor, ActivityAction.adminNotificationCreate, n._id, {
      title,
      audience: input.audience.kind,
      recipients: audience.kind === 'users' ? audience.userIds.length : undefined,
      role: audience.role ?? undefined,
      channels: input.channels,
      status: n.status,
      scheduledAt: scheduledAt?.toISOString() ?? null,
      templateId,
    });
    return toAdminNotification(n, undefined);
  }

  /** Sends a draft now or at `scheduled_at`. */
  async send(actor: AdminActor, id: string, scheduledAtInput: string | undefined): Promise<AdminNotification> {
    const current = await this.mustFind(id);
    if (current.status !== 'draft') throw new AppException(409, NotificationErrorCode.NOTIFICATION_STATE, `Only a draft can be sent this way; this notification is ${current.status}.`);
    this.assertEmailPossible(current.channels.email);
    const scheduledAt = this.sendTime(scheduledAtInput);
    await this.assertAudience({ kind: current.audience.kind, user_ids: current.audience.userIds, role: current.audience.role ?? undefined }, current.audience);
    const n = await this.notifications.transition(id, ['draft'], 'scheduled', { scheduledAt });
    if (!n) throw new AppException(409, NotificationErrorCode.NOTIFICATION_STATE, 'This draft was sent or cancelled meanwhile.');
    await this.queue.enqueueSend(id, scheduledAt);
    await this.audit.record(actor, ActivityAction.adminNotificationSend, id, { title: n.title, scheduledAt: scheduledAt.toISOString() });
    return this.get(id);
  }

  async cancel(actor: AdminActor, id: string): Promise<AdminNotification> {
    const current = await this.mustFind(id);
    const n = await this.notifications.transition(id, ['draft', 'scheduled'], 'cancelled', { cancelledAt: new Date() });
    if (!n) {
      const now = (await this.notifications.findById(id))?.status ?? current.status;
      throw new AppException(409, NotificationErrorCode.NOTIFICATION_STATE, `Only a draft or a scheduled notification can be cancelled; this one is ${now}.`);
    }
    const jobRemoved = await this.queue.removeSend(id);
    await this.audit.record(actor, ActivityAction.adminNotificationCancel, id, { title: n.title, previousStatus: current.status, scheduledAt: current.scheduledAt?.toISOString() ?? null, jobRemoved });
    return this.get(id);
  }

  /** Removes the notification and its deliveries (it leaves every bell). Not while it is being sent. */
  async delete(actor: AdminActor, id: string): Promise<{ id: string; deleted: true }> {
    const current = await this.mustFind(id);
    // Stop a pending send first, so the worker cannot start it while the records go.
    if (current.status === 'draft' || current.status === 'scheduled') await this.notifications.transition(id, ['draft', 'scheduled'], 'cancelled', { cancelledAt: new Date() });
    const latest = await this.notifications.findById(id);
    if (latest?.status === 'sending') throw new AppException(409, NotificationErrorCode.NOTIFICATION_STATE, 'This notification is being sent; delete it once sending ends.');
    await this.queue.removeSend(id);
    const deliveries = await this.deliveries.deleteFor(id);
    await this.notifications.delete(id);
    await this.audit.record(actor, ActivityAction.adminNotificationDelete, id, { title: current.title, status: current.status, deliveries });
    return { id, deleted: true };
  }

  // -------------------------------------------------------------- templates

  async templates(): Promise<NotificationTemplateList> {
    return { items: (await this.notifications.listTemplates()).map(toTemplate) };
  }

  async createTemplate(actor: AdminActor, input: TemplateRequest): Promise<NotificationTemplate> {
    const t = await this.templateWrite(() => this.notifications.createTemplate({ _id: randomUUID(), name: input.name, title: input.title, body: input.body, createdBy: actor.admin.email }));
    await this.audit.record(actor, ActivityAction.adminNotificationTemplateCreate, t._id, { name: t.name });
    return toTemplate(t);
  }

  async updateTemplate(actor: AdminActor, id: string, input: TemplateRequest): Promise<NotificationTemplate> {
    const before = await this.notifications.findTemplate(id);
    if (!before) throw new AppException(404, ErrorCode.NOT_FOUND, 'This template does not exist.');
    const t = await this.templateWrite(() => this.notifications.updateTemplate(id, { name: input.name, title: input.title, body: input.body }));
    if (!t) throw new AppException(404, ErrorCode.NOT_FOUND, 'This template does not exist.');
    await this.audit.record(actor, ActivityAction.adminNotificationTemplateUpdate, id, { name: t.name, previousName: before.name });
    return toTemplate(t);
  }

  async deleteTemplate(actor: AdminActor, id: string): Promise<{ id: string; deleted: true }> {
    const before = await this.notifications.findTemplate(id);
    if (!before || !(await this.notifications.deleteTemplate(id))) throw new AppException(404, ErrorCode.NOT_FOUND, 'This template does not exist.');
    await this.audit.record(actor, ActivityAction.adminNotificationTemplateDelete, id, { name: before.name });
    return { id, deleted: true };
  }

  // ---------------------------------------------------------------- helpers

  private async mustFind(id: string): Promise<NotificationDoc> {
    const n = await this.notifications.findById(id);
    if (!n) throw new AppException(404, ErrorCode.NOT_FOUND, 'This notification does not exist.');
    return n;
  }

  private async templateWrite<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (e) {
      if (e instanceof DuplicateTemplateNameError) throw new AppException(409, NotificationErrorCode.TEMPLATE_NAME_TAKEN, 'A template with this name exists already.');
      throw e;
    }
  }

  private assertEmailPossible(email: boolean): void {
    if (email && !this.config.SMTP_URL) {
      throw new AppException(409, NotificationErrorCode.EMAIL_NOT_CONFIGURED, 'E-mail cannot be sent: the server has no mail server configured (SMTP_URL).');
    }
  }

  /** Now when omitted; refused in the past (beyond a minute of grace) or more than a year ahead. */
  private sendTime(input: string | undefined): Date {
    const now = Date.now();
    if (!input) return new Date(now);
    const at = new Date(input);
    if (at.getTime() < now - PAST_GRACE_MS) throw new AppException(400, NotificationErrorCode.SCHEDULE_IN_PAST, 'The send time is in the past: choose a time to come, or send it now.');
    if (at.getTime() > now + NOTIFICATION_MAX_SCHEDULE_DAYS * DAY) {
      throw new AppException(400, NotificationErrorCode.SCHEDULE_TOO_FAR, `A notification can be scheduled at most ${NOTIFICATION_MAX_SCHEDULE_DAYS} days ahead.`);
    }
    return new Date(Math.max(at.getTime(), now));
  }

  /** The stored audience, refusing one that names unknown accounts or reaches nobody now. */
  private async assertAudience(input: NotificationAudienceInput, resolved?: NotificationAudience): Promise<NotificationAudience> {
    let audience = resolved;
    if (!audience) {
      const out = await this.toAudience(input);
      if (out.unknown.length) {
        throw new AppException(
          400,
          NotificationErrorCode.UNKNOWN_RECIPIENTS,
          `${out.unknown.length} listed recipient(s) are not accounts: ${out.unknown.slice(0, 5).join(', ')}${out.unknown.length > 5 ? ', …' : ''}`,
          out.unknown.slice(0, 100).map((u) => ({ path: 'body.audience', message: `${u} is not an account` })),
        );
      }
      audience = out.audience;
    }
    if ((audience.kind === 'users' && !audience.userIds.length) || (await this.audience.count(audience)) === 0) {
      throw new AppException(400, NotificationErrorCode.EMPTY_AUDIENCE, 'Nobody would receive this notification: the audience matches no active account.');
    }
    return audience;
  }

  private async toAudience(input: NotificationAudienceInput): Promise<{ audience: NotificationAudience; unknown: string[] }> {
    const listed = (input.user_ids?.length ?? 0) + (input.emails?.length ?? 0);
    if (input.kind !== 'users' && listed) throw new AppException(400, ErrorCode.VALIDATION, 'Recipients can only be listed for the "users" audience.');
    if (input.kind !== 'role' && input.role) throw new AppException(400, ErrorCode.VALIDATION, 'A role can only be given for the "role" audience.');
    switch (input.kind) {
      case 'users': {
        if (!listed) throw new AppException(400, NotificationErrorCode.EMPTY_AUDIENCE, 'List at least one recipient (user id or e-mail).');
        const { ids, unknown } = await this.audience.resolve(input.user_ids ?? [], input.emails ?? []);
        return { audience: { kind: 'users', userIds: ids, role: null }, unknown };
      }
      case 'role':
        if (!input.role) throw new AppException(400, ErrorCode.VALIDATION, 'Choose the role whose accounts receive it.');
        return { audience: { kind: 'role', userIds: [], role: input.role }, unknown: [] };
      default:
        return { audience: { kind: input.kind, userIds: [], role: null }, unknown: [] };
    }
  }
}
