import { InitiateUploadResponse, PublicFile, QuotaInfo, UPLOAD_CHUNK_SIZE, WS_UPLOAD_PREFIX } from '@ddx/contracts';
import { DailyUsageRepository, FileDoc, FileRepository, SecretBox, usageKey, UserStorageRepository } from '@ddx/server-database';
import { DriveAccountPool, DriveError, NoStorageAvailableError, Reservation } from '@ddx/server-drive';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

import { blockedExtensionOf, sanitizeFilename } from './filename-sanitizer';
import { UploadAdmission } from './upload-admission';
import { UploadErrors } from './upload-errors';
import { UploadPolicy } from './upload-policy';
import { UploadSettings } from './upload-settings';
import { UploadLedger } from '@ddx/server-uploads';
import { newUploadToken, uploadTokenMatches } from './upload-token';

export interface UploadActor {
  userId: string | null;
  ip: string;
}

export interface FileSpec {
  filename: string;
  size: number;
  content_type: string;
}

/** Sessions on accounts that fail at creation are moved to another account this many times. */
const MAX_ACCOUNT_ATTEMPTS = 3;

/**
 * Initiation: admission first (hourly allowance, in-progress cap; see
 * UploadAdmission), then every limit is charged with an atomic conditional update
 * before any storage is touched, and every charge is given back if a later
 * step fails — so a refused or failed initiation leaves nothing reserved.
 */
@Injectable()
export class UploadService {
  private readonly logger = new Logger(UploadService.name);

  constructor(
    private readonly policy: UploadPolicy,
    private readonly files: FileRepository,
    private readonly daily: DailyUsageRepository,
    private readonly userStorage: UserStorageRepository,
    private readonly pool: DriveAccountPool,
    private readonly secrets: SecretBox,
    private readonly releaser: UploadLedger,
    private readonly admission: UploadAdmission,
  ) {}

  async initiate(spec: FileSpec, actor: UploadActor, batchId: string | null = null): Promise<InitiateUploadResponse> {
    const settings = await this.policy.current();
    this.check(spec, actor, settings);
    const admission = await this.admission.admit(actor, settings, 1);
    try {
      return await this.open(spec, actor, settings, batchId);
    } finally {
      await admission.release();
    }
  }

  /** All files are checked before any is opened; a failure rolls back the ones opened. */
  async initiateBatch(specs: FileSpec[], actor: UploadActor): Promise<{ batch_id: string; files: InitiateUploadResponse[] }> {
    const settings = await this.policy.current();
    if (specs.length > settings.maxFilesPerBatch) throw UploadErrors.tooManyFiles(settings.maxFilesPerBatch);
    for (const spec of specs) this.check(spec, actor, settings);
    const admission = await this.admission.admit(actor, settings, specs.length);
    const batchId = randomUUID();
    const opened: InitiateUploadResponse[] = [];
    try {
      for (const spec of specs) opened.push(await this.open(spec, actor, settings, batchId));
    } catch (e) {
      for (const o of opened) await this.releaser.end(o.file_id, 'cancelled', 'BATCH_ROLLED_BACK').catch(() => undefined);
      throw e;
    } finally {
      await admission.release();
    }
    return { batch_id: batchId, files: opened };
  }

  async cancel(fileId: string, actor: UploadActor, uploadToken: string | undefined): Promise<void> {
    const file = await this.files.findById(fileId);
    if (!file) throw UploadErrors.notFound();
    const isOwner = file.ownerId !== null && file.ownerId === actor.userId;
    if (!isOwner && !uploadTokenMatches(uploadToken, file.uploadTokenHash)) throw UploadErrors.forbidden();
    if (!(await this.releaser.end(fileId, 'cancelled', 'CANCELLED'))) throw UploadErrors.notActive();
  }

  async quotaInfo(actor: UploadActor): Promise<QuotaInfo> {
    const settings = await this.policy.current();
    const signedIn = actor.userId !== null;
    const limits = this.policy.limitsFor(settings, signedIn);
    const day = utcDay(new Date());
    const used = await this.daily.used(usageKey(signedIn ? 'user' : 'ip', actor.userId ?? actor.ip, day));
    const storage = actor.userId ? await this.userStorage.get(actor.userId) : null;
    return {
      scope: signedIn ? 'user' : 'anonymous',
      max_file_size_bytes: limits.maxFileBytes,
      daily_limit_bytes: limits.dailyBytes,
      daily_used_bytes: used,
      daily_remaining_bytes: Math.max(0, limits.dailyBytes - used),
      storage_quota_bytes: storage?.quota ?? null,
      storage_used_bytes: storage?.used ?? null,
      storage_remaining_bytes: storage ? Math.max(0, storage.free) : null,
      resets_at: new Date(`${utcDay(new Date(Date.now() + 86_400_000))}T00:00:00.000Z`).toISOString(),
    };
  }

  async history(userId: string, page: number, limit: number): Promise<{ items: PublicFile[]; total: number; page: number; limit: number }> {
    const { items, total } = await this.files.listByOwner(userId, page, limit);
    return { items: items.map(toPublicFile), total, page, limit };
  }

  private check(spec: FileSpec, actor: UploadActor, settings: UploadSettings): void {
    if (settings.maintenanceMode) throw UploadErrors.maintenance(settings.maintenanceMessage);
    if (!actor.userId && !settings.anonymousUploadsAllowed) throw UploadErrors.anonymousClosed();
    const blockedExt = blockedExtensionOf(spec.filename, settings.blockedExtensions);
    if (blockedExt) throw UploadErrors.typeBlocked(blockedExt);
    const mime = spec.content_type.toLowerCase().split(';')[0]?.trim() ?? '';
    if (settings.blockedMimeTypes.map((m) => m.toLowerCase()).includes(mime)) throw UploadErrors.typeBlocked(mime);
    const limits = this.policy.limitsFor(settings, actor.userId !== null);
    if (spec.size > limits.maxFileBytes) throw UploadErrors.tooLarge(limits.maxFileBytes);
  }

  private async open(spec: FileSpec, actor: UploadActor, settings: UploadSettings, batchId: string | null): Promise<InitiateUploadResponse> {
    const limits = this.policy.limitsFor(settings, actor.userId !== null);
    const dailyKey = usageKey(actor.userId ? 'user' : 'ip', actor.userId ?? actor.ip, utcDay(new Date()));
    const undo: Array<() => Promise<void>> = [];
    try {
      if (!(await this.daily.tryConsume(dailyKey, spec.size, limits.dailyBytes))) {
        throw UploadErrors.dailyQuota(limits.dailyBytes, Math.max(0, limits.dailyBytes - (await this.daily.used(dailyKey))));
      }
      undo.push(() => this.daily.giveBack(dailyKey, spec.size));

      if (actor.userId) {
        const userId = actor.userId;
        if (!(await this.userStorage.reserve(userId, spec.size))) {
          throw UploadErrors.storageQuota((await this.userStorage.get(userId))?.free ?? 0);
        }
        undo.push(() => this.userStorage.release(userId, spec.size));
      }

      const filename = sanitizeFilename(spec.filename);
      const fileId = randomUUID();
      const { reservation, sessionUri } = await this.openDriveSession(filename, spec);
      undo.push(() => this.pool.release(reservation));

      const token = newUploadToken();
      const expiresAt = new Date(Date.now() + settings.uploadSessionTtlHours * 3_600_000);
      await this.files.create({
        _id: fileId,
        ownerId: actor.userId,
        filename,
        originalFilename: spec.filename,
        sizeBytes: spec.size,
        contentType: spec.content_type || 'application/octet-stream',
        batchId,
        ip: actor.ip,
        uploadTokenHash: token.hash,
        driveAccountId: reservation.accountId,
        driveSessionSealed: this.secrets.seal(sessionUri, fileId),
        accountReservedBytes: reservation.bytes,
        userReservedBytes: actor.userId ? spec.size : 0,
        dailyUsageKey: dailyKey,
        expiresAt,
      });
      return {
        file_id: fileId,
        upload_url: `${WS_UPLOAD_PREFIX}/upload/${fileId}`,
        upload_token: token.token,
        chunk_size: UPLOAD_CHUNK_SIZE,
        expires_at: expiresAt.toISOString(),
        filename,
      };
    } catch (e) {
      for (const step of undo.reverse()) await step().catch((err: unknown) => this.logger.error({ msg: 'rollback step failed', err }));
      throw e;
    }
  }

  /** Reserves space on an account and opens a resumable session there (the pool moves on when an account refuses). */
  private async openDriveSession(filename: string, spec: FileSpec): Promise<{ reservation: Reservation; sessionUri: string }> {
    try {
      const { reservation, session } = await this.pool.openSession(
        { name: filename, mimeType: spec.content_type || 'application/octet-stream', size: spec.size },
        { attempts: MAX_ACCOUNT_ATTEMPTS },
      );
      return { reservation, sessionUri: session.uri };
    } catch (e) {
      if (e instanceof NoStorageAvailableError) throw UploadErrors.noStorage();
      if (e instanceof DriveError) {
        this.logger.warn({ msg: 'Drive refused a new session on every account tried', kind: e.kind });
        throw UploadErrors.storageError();
      }
      throw e;
    }
  }
}

export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function toPublicFile(f: FileDoc): PublicFile {
  return {
    file_id: f._id,
    filename: f.filename,
    size: f.sizeBytes,
    content_type: f.contentType,
    status: f.status,
    created_at: new Date(f.createdAt).toISOString(),
    completed_at: f.completedAt ? new Date(f.completedAt).toISOString() : null,
    download_url: f.status === 'completed' ? `/api/v1/download/stream/${f._id}` : null,
    batch_id: f.batchId,
  };
}
