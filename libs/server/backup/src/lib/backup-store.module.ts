import { AppConfig } from '@ddx/server-config';
import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';

import { backupStoreFromConfig } from './backup-config';
import { BackupStore } from './backup-store';

/** Injection token: the configured BackupStore, or null when backups are disabled. */
export const BACKUP_STORE = Symbol('BACKUP_STORE');

@Global()
@Module({
  providers: [{ provide: BACKUP_STORE, inject: [AppConfig], useFactory: (config: AppConfig) => backupStoreFromConfig(config) }],
  exports: [BACKUP_STORE],
})
export class BackupStoreModule implements OnApplicationShutdown {
  constructor(@Inject(BACKUP_STORE) private readonly store: BackupStore | null) {}

  onApplicationShutdown(): void {
    this.store?.close();
  }
}
