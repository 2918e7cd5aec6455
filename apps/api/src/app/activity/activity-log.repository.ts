import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { FilterQuery, Model } from 'mongoose';

import { ACTIVITY_LOG_MODEL, ActivityLogDocument } from './activity-log.schema';

export interface ActivityLogEntry extends ActivityLogDocument {
  id: string;
}

export interface ActivityLogQuery {
  action?: string;
  actorId?: string;
  actorEmail?: string;
  limit?: number;
  skip?: number;
}

@Injectable()
export class ActivityLogRepository {
  constructor(@InjectModel(ACTIVITY_LOG_MODEL) private readonly model: Model<ActivityLogDocument>) {}

  async insert(entry: ActivityLogDocument): Promise<void> {
    await this.model.create(entry);
  }

  /** Newest first. Filters are exact matches (no regex from user input). */
  async find(query: ActivityLogQuery = {}): Promise<ActivityLogEntry[]> {
    const filter: FilterQuery<ActivityLogDocument> = {};
    if (query.action) filter.action = query.action;
    if (query.actorId) filter.actorId = query.actorId;
    if (query.actorEmail) filter.actorEmail = query.actorEmail;
    const docs = await this.model
      .find(filter)
      .sort({ at: -1 })
      .skip(query.skip ?? 0)
      .limit(Math.min(query.limit ?? 50, 500))
      .lean()
      .exec();
    return docs.map(({ _id, ...rest }) => ({ id: String(_id), ...rest }));
  }
}
