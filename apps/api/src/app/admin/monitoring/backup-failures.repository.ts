import { FILES_COLLECTION } from '@ddx/server-database';
import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';

/** Reads the alerts need from the files collection (no rules here). */
@Injectable()
export class BackupFailuresRepository {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  /** Stored files whose backup was marked failed (for good) since `since`. */
  countFailedSince(since: Date): Promise<number> {
    return this.connection.collection(FILES_COLLECTION).countDocuments({ status: 'completed', backupStatus: 'failed', updatedAt: { $gte: since } });
  }
}
