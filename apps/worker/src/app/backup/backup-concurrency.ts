import { backupConcurrencySettingSchema } from '@ddx/contracts';
import { AppConfig } from '@ddx/server-config';
import { readStoredSetting } from '@ddx/server-database';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';

import { BackupProcessor } from './backup.processor';

/** What a concurrency setting is applied to: a BullMQ Worker (settable at runtime). */
export interface ConcurrencyTarget {
  worker: { concurrency: number };
}

interface RunnableWorker {
  run(): Promise<void>;
  isRunning(): boolean;
}

export const BACKUP_CONCURRENCY_SETTING = 'backupConcurrency';
/** Floor of the re-read period when SETTINGS_CACHE_TTL_MS is very small. */
const MIN_POLL_MS = 250;

/**
 * Applies the admin setting `backupConcurrency` to this worker's backup
 * processor without a restart: the stored value is re-read every
 * SETTINGS_CACHE_TTL_MS (the period in which api replicas pick up a setting
 * change too) and set as the BullMQ Worker's concurrency. Unset (null) or
 * invalid: the worker's BACKUP_CONCURRENCY. A lower value lets running
 * copies finish and starts no new one until fewer run; a higher one starts
 * more as soon as the worker looks for its next job.
 */
@Injectable()
export class BackupConcurrency implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(BackupConcurrency.name);
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly config: AppConfig,
    private readonly processor: BackupProcessor,
  ) {}

  static create(connection: Connection, config: Pick<AppConfig, 'BACKUP_CONCURRENCY' | 'SETTINGS_CACHE_TTL_MS'>, target: ConcurrencyTarget): BackupConcurrency {
    return new BackupConcurrency(connection, config as AppConfig, target as BackupProcessor);
  }

  /** Applies the setting first, then starts the backup worker (created with autorun: false), so it never runs above it. */
  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.schedule();
    const worker = this.processor.worker as ConcurrencyTarget['worker'] & Partial<RunnableWorker>;
    if (worker.run && worker.isRunning && !worker.isRunning()) {
      worker.run().catch((err: unknown) => this.logger.error({ msg: 'backup worker stopped with an error', err: err instanceof Error ? err.message : String(err) }));
    }
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Reads the setting once and applies it; returns the concurrency in force. */
  async refresh(): Promise<number> {
    const worker = this.processor.worker;
    try {
      const target = await this.wanted();
      if (worker.concurrency !== target) {
        this.logger.log({ msg: 'backup concurrency changed', from: worker.concurrency, to: target });
        worker.concurrency = target;
      }
    } catch (err) {
      // Database hiccup: keep what is in force and try again at the next tick.
      this.logger.warn({ msg: 'could not read the backup concurrency setting', err: err instanceof Error ? err.message : String(err) });
    }
    return worker.concurrency;
  }

  private async wanted(): Promise<number> {
    const stored = await readStoredSetting(this.connection, BACKUP_CONCURRENCY_SETTING);
    if (stored === undefined || stored === null) return this.config.BACKUP_CONCURRENCY;
    const parsed = backupConcurrencySettingSchema.safeParse(stored);
    if (parsed.success && parsed.data !== null) return parsed.data;
    this.logger.warn({ msg: 'ignoring an invalid backupConcurrency setting', value: String(stored).slice(0, 50) });
    return this.config.BACKUP_CONCURRENCY;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.refresh().finally(() => this.schedule()), Math.max(MIN_POLL_MS, this.config.SETTINGS_CACHE_TTL_MS));
    this.timer.unref();
  }
}
