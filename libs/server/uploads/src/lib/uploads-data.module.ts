import {
  DAILY_USAGE_COLLECTION,
  DailyUsageDoc,
  dailyUsageSchema,
  DailyUsageRepository,
  FILES_COLLECTION,
  FileDoc,
  FileRepository,
  fileSchema,
  SecretBox,
  UserStorageRepository,
} from '@ddx/server-database';
import { DriveAccountPool } from '@ddx/server-drive';
import { Global, Logger, Module } from '@nestjs/common';
import { getConnectionToken, getModelToken, MongooseModule } from '@nestjs/mongoose';
import { Connection, Model } from 'mongoose';

import { UploadLedger } from './upload-ledger';

export const FILE_MODEL = 'File';
export const DAILY_USAGE_MODEL = 'DailyUsage';

/** Files, usage ledgers and the UploadLedger, shared by api and worker. */
@Global()
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: FILE_MODEL, schema: fileSchema, collection: FILES_COLLECTION },
      { name: DAILY_USAGE_MODEL, schema: dailyUsageSchema, collection: DAILY_USAGE_COLLECTION },
    ]),
  ],
  providers: [
    { provide: FileRepository, inject: [getModelToken(FILE_MODEL)], useFactory: (m: Model<FileDoc>) => new FileRepository(m) },
    {
      provide: DailyUsageRepository,
      inject: [getModelToken(DAILY_USAGE_MODEL)],
      useFactory: (m: Model<DailyUsageDoc>) => new DailyUsageRepository(m),
    },
    { provide: UserStorageRepository, inject: [getConnectionToken()], useFactory: (c: Connection) => new UserStorageRepository(c) },
    {
      provide: UploadLedger,
      inject: [FileRepository, DailyUsageRepository, UserStorageRepository, DriveAccountPool, SecretBox],
      useFactory: (files: FileRepository, daily: DailyUsageRepository, storage: UserStorageRepository, pool: DriveAccountPool, secrets: SecretBox) => {
        const logger = new Logger('UploadLedger');
        return new UploadLedger(files, daily, storage, pool, secrets, { warn: (m) => logger.warn(m) });
      },
    },
  ],
  exports: [FileRepository, DailyUsageRepository, UserStorageRepository, UploadLedger],
})
export class UploadsDataModule {}
