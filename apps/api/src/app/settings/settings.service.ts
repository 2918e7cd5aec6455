import { AppConfig } from '@ddx/server-config';
import { Injectable, Logger } from '@nestjs/common';

import { SettingKey, Settings, SETTINGS_DEFAULTS, settingsSchema } from './settings.definitions';
import { SettingsRepository } from './settings.repository';

/**
 * Typed access to the `settings` collection, merged over the defaults.
 * Each process reuses what it read for SETTINGS_CACHE_TTL_MS, so a change
 * made on one replica is seen by every replica within that time (and at once
 * by the replica that made it).
 */
@Injectable()
export class SettingsService {
  private readonly logger = new Logger(SettingsService.name);
  private cache?: { settings: Settings; loadedAt: number };
  private loading?: Promise<Settings>;

  constructor(
    private readonly repository: SettingsRepository,
    private readonly config: AppConfig,
  ) {}

  async get<K extends SettingKey>(key: K): Promise<Settings[K]> {
    return (await this.getAll())[key];
  }

  async getAll(): Promise<Settings> {
    const cached = this.cache;
    if (cached && Date.now() - cached.loadedAt < this.config.SETTINGS_CACHE_TTL_MS) return cached.settings;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** Validates and stores a partial update; throws a ZodError on a bad value. */
  async update(patch: Partial<Settings>, updatedBy: string | null): Promise<Settings> {
    const valid = settingsSchema.partial().strict().parse(patch);
    for (const [key, value] of Object.entries(valid)) {
      if (value !== undefined) await this.repository.upsert(key, value, updatedBy);
    }
    this.cache = undefined;
    return this.getAll();
  }

  private async load(): Promise<Settings> {
    const settings: Settings = { ...SETTINGS_DEFAULTS };
    const shape = settingsSchema.shape as Record<string, (typeof settingsSchema.shape)[SettingKey]>;
    for (const { key, value } of await this.repository.findAll()) {
      const field = shape[key];
      if (!field) continue; // a key a newer or older version wrote
      const parsed = field.safeParse(value);
      if (parsed.success) (settings as Record<string, unknown>)[key] = parsed.data;
      else this.logger.warn({ key }, 'ignoring an invalid stored setting; using its default');
    }
    this.cache = { settings, loadedAt: Date.now() };
    return settings;
  }
}
