import { AppConfig } from '@ddx/server-config';
import { SecretBox } from '@ddx/server-database';
import { Global, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { getModelToken, MongooseModule } from '@nestjs/mongoose';
import { Model } from 'mongoose';

import { DriveClient } from '../drive-client';
import { DriveAccountPool } from './drive-account-pool';
import { DriveAccountRepository } from './drive-account.repository';
import { DRIVE_ACCOUNTS_COLLECTION, DriveAccountDoc, driveAccountSchema } from './drive-account.schema';
import { accountsFromEnv } from './drive-credentials';

const DRIVE_ACCOUNT_MODEL = 'DriveAccount';

/** Imports accounts declared in env the first time a process finds the pool empty. */
class EnvAccountImporter implements OnApplicationBootstrap {
  private readonly logger = new Logger('DriveAccountPool');

  constructor(
    private readonly pool: DriveAccountPool,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Numbered GDRIVE_ACCOUNT_<n>_* variables are open-ended, so they are read from the raw env.
    const declared = accountsFromEnv({ ...process.env, GDRIVE_ACCOUNTS_JSON: this.config.GDRIVE_ACCOUNTS_JSON });
    if (declared.length === 0) return;
    const result = await this.pool.importFromEnv(declared);
    if (result.imported) this.logger.log({ msg: 'imported Drive accounts from env', count: result.imported });
    for (const f of result.failed) this.logger.error({ msg: 'Drive account from env failed its check', label: f.label, reason: f.reason });
  }
}

/**
 * The Drive account pool for api and worker. Global: uploads, downloads,
 * backups and admin screens share one pool (whose state is in MongoDB).
 */
@Global()
@Module({
  imports: [MongooseModule.forFeature([{ name: DRIVE_ACCOUNT_MODEL, schema: driveAccountSchema, collection: DRIVE_ACCOUNTS_COLLECTION }])],
  providers: [
    {
      provide: SecretBox,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new SecretBox(config.ENCRYPTION_KEY),
    },
    {
      provide: DriveAccountPool,
      inject: [getModelToken(DRIVE_ACCOUNT_MODEL), SecretBox, AppConfig],
      useFactory: (model: Model<DriveAccountDoc>, secrets: SecretBox, config: AppConfig) =>
        new DriveAccountPool<DriveClient>(
          new DriveAccountRepository(model),
          secrets,
          (credential) => new DriveClient({ credential, apiRoot: config.GDRIVE_API_ROOT, timeoutMs: 120_000 }),
          { folderName: config.GDRIVE_FOLDER_NAME },
        ),
    },
    { provide: EnvAccountImporter, inject: [DriveAccountPool, AppConfig], useFactory: (p: DriveAccountPool, c: AppConfig) => new EnvAccountImporter(p, c) },
  ],
  exports: [DriveAccountPool, SecretBox],
})
export class DrivePoolModule {}
