import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';

import { SETTING_MODEL, settingSchema } from './setting.schema';
import { SettingsRepository } from './settings.repository';
import { SettingsService } from './settings.service';

/** Global: every feature that enforces an admin setting injects SettingsService. */
@Global()
@Module({
  imports: [MongooseModule.forFeature([{ name: SETTING_MODEL, schema: settingSchema }])],
  providers: [SettingsRepository, SettingsService],
  exports: [SettingsService],
})
export class SettingsModule {}
