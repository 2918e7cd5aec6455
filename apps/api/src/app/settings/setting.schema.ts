import { Schema } from 'mongoose';

export const SETTING_MODEL = 'Setting';

/** One document per setting key, so concurrent edits of different keys never clobber each other. */
export interface SettingDocument {
  _id: string;
  value: unknown;
  updatedAt: Date;
  updatedBy: string | null;
}

export const settingSchema = new Schema<SettingDocument>(
  {
    _id: { type: String, required: true },
    value: { type: Schema.Types.Mixed },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, default: null },
  },
  { collection: 'settings', versionKey: false, minimize: false },
);
