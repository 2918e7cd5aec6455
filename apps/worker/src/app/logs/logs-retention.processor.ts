import { LOG_KINDS, LOG_RETENTION_DEFAULTS, LOG_RETENTION_SETTING, LogKind, logRetentionDaysSchema } from '@ddx/contracts';
import { ACTIVITY_LOGS_COLLECTION, purgeLogsBefore, readStoredSetting, SYSTEM_LOGS_PURGED_ACTION } from '@ddx/server-database';
import { LogsJob, LogsQueue, QueueName } from '@ddx/server-queue';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Job } from 'bullmq';
import { Connection } from 'mongoose';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface LogsPurgeOutcome {
  kind: LogKind;
  retentionDays: number;
  deleted: number;
  cutoff: string | null;
}

/**
 * Log retention. FerretDB has no TTL indexes, so once a day (one schedule
 * for all workers, upserted under the same id) entries of each log older
 * than its retention setting (`activityLogRetentionDays`,
 * `accessLogRetentionDays`, `errorLogRetentionDays`; 0 keeps them) are
 * deleted, and what was deleted is written to the activity log.
 */
@Processor(QueueName.logs)
export class LogsRetentionProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(LogsRetentionProcessor.name);

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly queue: LogsQueue,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.scheduleDailyPurge();
  }

  async process(job: Job): Promise<LogsPurgeOutcome[]> {
    if (job.name !== LogsJob.purge) throw new Error(`unknown logs job: ${job.name}`);
    const now = Date.now();
    const outcomes: LogsPurgeOutcome[] = [];
    for (const kind of LOG_KINDS) {
      const retentionDays = await this.retentionDays(kind);
      if (retentionDays === 0) {
        outcomes.push({ kind, retentionDays, deleted: 0, cutoff: null });
        continue;
      }
      const cutoff = new Date(now - retentionDays * DAY_MS);
      const deleted = await purgeLogsBefore(this.connection, kind, cutoff);
      outcomes.push({ kind, retentionDays, deleted, cutoff: cutoff.toISOString() });
      if (deleted > 0) {
        await this.connection.collection(ACTIVITY_LOGS_COLLECTION).insertOne({
          actorType: 'system',
          actorId: null,
          actorEmail: null,
          action: SYSTEM_LOGS_PURGED_ACTION,
          target: kind,
          ip: null,
          details: { kind, retention_days: retentionDays, cutoff: cutoff.toISOString(), deleted },
          at: new Date(),
        });
        this.logger.log({ msg: 'old log entries deleted', kind, deleted, retentionDays });
      }
    }
    return outcomes;
  }

  private async retentionDays(kind: LogKind): Promise<number> {
    const key = LOG_RETENTION_SETTING[kind];
    const parsed = logRetentionDaysSchema.safeParse(await readStoredSetting(this.connection, key));
    return parsed.success ? parsed.data : LOG_RETENTION_DEFAULTS[key];
  }
}
