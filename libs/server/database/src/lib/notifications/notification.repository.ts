import { NotificationStatus } from '@ddx/contracts';
import { Model } from 'mongoose';

import { NotificationCounts, NotificationDoc, NotificationTemplateDoc } from './notification.schema';

export type NewNotification = Pick<NotificationDoc, '_id' | 'title' | 'body' | 'audience' | 'channels' | 'templateId' | 'status' | 'scheduledAt' | 'createdBy'>;

/**
 * `notifications` and `notification_templates`. Every state change is
 * conditional on the current status, so the api (cancel) and the worker
 * (start sending) can never both win.
 */
export class NotificationRepository {
  constructor(
    private readonly model: Model<NotificationDoc>,
    private readonly templates: Model<NotificationTemplateDoc>,
  ) {}

  async create(n: NewNotification): Promise<NotificationDoc> {
    const doc = await this.model.create({ ...n, cursor: null, counts: { recipients: 0, emailSent: 0, emailFailed: 0 } });
    return doc.toObject();
  }

  findById(id: string): Promise<NotificationDoc | null> {
    return this.model.findById(id).lean<NotificationDoc>().exec();
  }

  findByIds(ids: string[]): Promise<NotificationDoc[]> {
    return this.model.find({ _id: { $in: ids } }).lean<NotificationDoc[]>().exec();
  }

  async list(filter: { status?: NotificationStatus }, page: number, limit: number): Promise<{ items: NotificationDoc[]; total: number }> {
    const query = filter.status ? { status: filter.status } : {};
    const [items, total] = await Promise.all([
      this.model
        .find(query)
        .sort({ createdAt: -1, _id: -1 })
        .skip((page - 1) * limit)
        .limit(limit)
        .lean<NotificationDoc[]>()
        .exec(),
      this.model.countDocuments(query).exec(),
    ]);
    return { items, total };
  }

  /** Moves `from` → `to` (with extra fields) only if the status is still one of `from`; returns the new document or null. */
  transition(id: string, from: NotificationStatus[], to: NotificationStatus, set: Partial<NotificationDoc> = {}): Promise<NotificationDoc | null> {
    return this.model
      .findOneAndUpdate({ _id: id, status: { $in: from } }, { $set: { ...set, status: to } }, { new: true })
      .lean<NotificationDoc>()
      .exec();
  }

  async saveCursor(id: string, cursor: string): Promise<void> {
    await this.model.updateOne({ _id: id, status: 'sending' }, { $set: { cursor } }).exec();
  }

  async finish(id: string, counts: NotificationCounts): Promise<NotificationDoc | null> {
    return this.transition(id, ['sending'], 'sent', { counts, sentAt: new Date(), error: null });
  }

  async fail(id: string, error: string): Promise<void> {
    await this.model.updateOne({ _id: id, status: { $in: ['scheduled', 'sending'] } }, { $set: { status: 'failed', error: error.slice(0, 500) } }).exec();
  }

  async delete(id: string): Promise<boolean> {
    return (await this.model.deleteOne({ _id: id }).exec()).deletedCount === 1;
  }

  /**
   * Notifications that should have a send job: scheduled ones (any time) and
   * ones whose sending was interrupted, in id order, a bounded page at a
   * time (`after` = last id of the previous page).
   */
  pending(limit: number, afterId?: string): Promise<Array<Pick<NotificationDoc, '_id' | 'status' | 'scheduledAt'>>> {
    const filter: Record<string, unknown> = { status: { $in: ['scheduled', 'sending'] } };
    if (afterId) filter['_id'] = { $gt: afterId };
    return this.model.find(filter, { status: 1, scheduledAt: 1 }).sort({ _id: 1 }).limit(limit).lean<Array<Pick<NotificationDoc, '_id' | 'status' | 'scheduledAt'>>>().exec();
  }

  // ------------------------------------------------------------- templates

  listTemplates(): Promise<NotificationTemplateDoc[]> {
    return this.templates.find().sort({ name: 1 }).limit(500).lean<NotificationTemplateDoc[]>().exec();
  }

  findTemplate(id: string): Promise<NotificationTemplateDoc | null> {
    return this.templates.findById(id).lean<NotificationTemplateDoc>().exec();
  }

  /** Throws `DuplicateTemplateNameError` when the name is taken. */
  async createTemplate(t: Pick<NotificationTemplateDoc, '_id' | 'name' | 'title' | 'body' | 'createdBy'>): Promise<NotificationTemplateDoc> {
    try {
      return (await this.templates.create(t)).toObject();
    } catch (e) {
      throw duplicate(e);
    }
  }

  async updateTemplate(id: string, set: Pick<NotificationTemplateDoc, 'name' | 'title' | 'body'>): Promise<NotificationTemplateDoc | null> {
    try {
      return await this.templates.findOneAndUpdate({ _id: id }, { $set: set }, { new: true }).lean<NotificationTemplateDoc>().exec();
    } catch (e) {
      throw duplicate(e);
    }
  }

  async deleteTemplate(id: string): Promise<boolean> {
    return (await this.templates.deleteOne({ _id: id }).exec()).deletedCount === 1;
  }

  /** Indexes (unique template name, unique delivery) must exist before the first write. */
  async init(): Promise<void> {
    await Promise.all([this.model.init(), this.templates.init()]);
  }
}

export class DuplicateTemplateNameError extends Error {
  constructor() {
    super('template name taken');
    this.name = 'DuplicateTemplateNameError';
  }
}

function duplicate(e: unknown): unknown {
  return (e as { code?: number }).code === 11000 ? new DuplicateTemplateNameError() : e;
}
