import { Injectable } from '@nestjs/common';

import { SettingsService } from '../settings/settings.service';
import { UploadSettings } from './upload-settings';

export interface EffectiveLimits {
  maxFileBytes: number;
  dailyBytes: number;
}

@Injectable()
export class UploadPolicy {
  constructor(private readonly settings: SettingsService) {}

  current(): Promise<UploadSettings> {
    return this.settings.getAll();
  }

  limitsFor(settings: UploadSettings, signedIn: boolean): EffectiveLimits {
    const perFile = signedIn ? settings.userMaxFileBytes : settings.anonymousMaxFileBytes;
    return {
      maxFileBytes: Math.min(perFile, settings.absoluteMaxFileBytes),
      dailyBytes: signedIn ? settings.userDailyBytes : settings.anonymousDailyBytes,
    };
  }
}
