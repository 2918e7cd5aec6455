import { Schema } from 'mongoose';

import { ActorType } from './activity-action';

export const ACTIVITY_LOG_MODEL = 'ActivityLog';

export interface ActivityLogDocument {
  actorType: ActorType;
  /** users._id as a string; null for anonymous attempts and the system. */
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  details: Record<string, unknown> | null;
  at: Date;
}

export const activityLogSchema = new Schema<ActivityLogDocument>(
  {
    actorType: { type: String, required: true, enum: ['user', 'admin', 'system'] },
    actorId: { type: String, default: null },
    actorEmail: { type: String, default: null },
    action: { type: String, required: true },
    target: { type: String, default: null },
    ip: { type: String, default: null },
    details: { type: Schema.Types.Mixed, default: null },
    at: { type: Date, required: true },
  },
  { collection: 'activity_logs', versionKey: false, minimize: false },
);
activityLogSchema.index({ at: -1 });
activityLogSchema.index({ action: 1, at: -1 });
activityLogSchema.index({ actorId: 1, at: -1 });
