import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';

import { SETTING_MODEL, SettingDocument } from './setting.schema';

export interface StoredSetting {
  key: string;
  value: unknown;
}

@Injectable()
export class SettingsRepository {
  constructor(@InjectModel(SETTING_MODEL) private readonly model: Model<SettingDocument>) {}

  async findAll(): Promise<StoredSetting[]> {
    const docs = await this.model.find({}, { value: 1 }).lean().exec();
    return docs.map((d) => ({ key: d._id, value: d.value }));
  }

  async upsert(key: string, value: unknown, updatedBy: string | null): Promise<void> {
    await this.model.updateOne({ _id: key }, { $set: { value, updatedAt: new Date(), updatedBy } }, { upsert: true }).exec();
  }
}
