import { ErrorCode } from '@ddx/contracts';
import { FileRepository } from '@ddx/server-database';
import { REDIS } from '@ddx/server-queue';
import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { createHash } from 'node:crypto';

import { RateLimiter, RateLimitPolicy } from '../auth';
import { AppException } from '../common/app-exception';
import { UploadLock } from './upload-lock';
import { UploadSettings } from './upload-settings';

const HOUR_MS = 3_600_000;

export interface InitiatingActor {
  userId: string | null;
  ip: string;
}

/**
 * Hourly initiation allowance: per user when signed in, per IP otherwise.
 * Redis down → uploads go on (logged); the in-progress cap, kept in the
 * database, still bounds what one actor holds.
 */
export function initiationPolicy(settings: Pick<UploadSettings, 'uploadInitiationsPerHourPerClient' | 'uploadInitiationsPerHourPerUser'>, signedIn: boolean): RateLimitPolicy {
  return signedIn
    ? { name: 'upload-initiate:user', limit: settings.uploadInitiationsPerHourPerUser, windowMs: HOUR_MS, failMode: 'open' }
    : { name: 'upload-initiate:ip', limit: settings.uploadInitiationsPerHourPerClient, windowMs: HOUR_MS, failMode: 'open' };
}

export interface Admission {
  /** Lets the actor's next initiation in; call once this one's records exist (or it failed). */
  release(): Promise<void>;
}

/**
 * Gatekeeper of upload initiation, which costs a Drive call and a record
 * each time: an hourly allowance of files, and a cap on the uploads one
 * actor holds unfinished. Initiations of one actor run one after another
 * (a short Redis lock across replicas), so parallel requests cannot all
 * pass the cap before any of them has created its record.
 */
@Injectable()
export class UploadAdmission {
  private readonly logger = new Logger(UploadAdmission.name);

  constructor(
    private readonly limiter: RateLimiter,
    private readonly files: FileRepository,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async admit(actor: InitiatingActor, settings: UploadSettings, files: number): Promise<Admission> {
    await this.charge(actor, settings, files);
    const actorKey = createHash('sha256')
      .update(actor.userId ? `user:${actor.userId}` : `ip:${actor.ip}`)
      .digest('hex')
      .slice(0, 32);
    const lock = await this.serialize(actorKey);
    if (!lock) throw new AppException(429, ErrorCode.RATE_LIMITED, 'Too many uploads are starting at once. Please try again in a moment.', undefined, { 'Retry-After': '5' });
    try {
      const inProgress = await this.files.countInProgress(actor.userId ? { ownerId: actor.userId } : { ownerId: null, ip: actor.ip });
      if (inProgress + files > settings.maxUploadsInProgress) {
        const max = settings.maxUploadsInProgress;
        throw new AppException(
          429,
          ErrorCode.TOO_MANY_UPLOADS_IN_PROGRESS,
          inProgress === 0
            ? `At most ${max} uploads can be in progress at once and this batch has ${files} files. Please upload at most ${max} at a time.`
            : `You have ${inProgress} unfinished upload${inProgress === 1 ? '' : 's'}; at most ${max} can be in progress at once. Finish or cancel one of them before starting ${files === 1 ? 'another' : `${files} more`}.`,
        );
      }
      return lock;
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  /** The actor's initiation lock; without Redis, initiations go on unserialised (the cap may then be passed by a few). */
  private async serialize(actorKey: string): Promise<Admission | null> {
    try {
      return await UploadLock.acquire(this.redis, `initiate:${actorKey}`, { ttlMs: 30_000, waitMs: 15_000 });
    } catch (err) {
      this.logger.error({ err }, 'upload initiation lock unavailable (Redis); going on without it');
      return { release: async () => undefined };
    }
  }

  /** One hit per file. A refused request gives its hits back, so a smaller batch or a single file can still go. */
  private async charge(actor: InitiatingActor, settings: UploadSettings, files: number): Promise<void> {
    const policy = initiationPolicy(settings, actor.userId !== null);
    const subject = actor.userId ?? actor.ip;
    for (let charged = 0; charged < files; charged++) {
      const hit = await this.limiter.hit(policy, subject);
      if (hit.allowed) continue;
      for (let i = 0; i <= charged; i++) await this.limiter.refund(policy, subject);
      const minutes = Math.max(1, Math.ceil(hit.retryAfterMs / 60_000));
      throw new AppException(
        429,
        ErrorCode.RATE_LIMITED,
        files === 1
          ? `You have started ${policy.limit} uploads in the last hour, the most allowed. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`
          : `Starting these ${files} files would go past the ${policy.limit} uploads allowed per hour. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} or upload fewer files.`,
        undefined,
        { 'Retry-After': String(Math.max(1, Math.ceil(hit.retryAfterMs / 1000))) },
      );
    }
  }
}
