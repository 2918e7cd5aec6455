import {
  AddStorageAccountRequest,
  AdminErrorCode,
  AdminStorageAccount,
  AdminStorageList,
  DeleteAllFiles,
  ErrorCode,
  hasPermissions,
  Permission,
  StorageAccountRemoval,
} from '@ddx/contracts';
import { FileRepository } from '@ddx/server-database';
import { DriveAccountNotFoundError, DriveAccountPool, DriveCredential, driveCredentialSchema, DriveError } from '@ddx/server-drive';
import { UploadLedger } from '@ddx/server-uploads';
import { Injectable, Logger } from '@nestjs/common';
import { createPrivateKey } from 'node:crypto';

import { ActivityAction } from '../../activity/activity-action';
import { AppException } from '../../common/app-exception';
import { OrphanScanner } from '../files/orphan-scanner.service';
import { AdminActor } from '../shared/admin-actor.decorator';
import { AdminAudit } from '../shared/admin-audit.service';
import { FileRemoval } from '../shared/file-removal.service';
import { storageTotals, toAdminStorageAccount } from './admin-storage.mapper';

/** Drive failures that mean "these credentials do not work", not "Drive is busy". */
const REJECTED_KINDS = new Set(['auth_revoked', 'bad_request', 'not_found']);
/** Ids listed in the activity log for one removal, at most. */
const LOGGED_IDS = 500;

/** The Drive account pool as admins manage it. Credentials go in, never out. */
@Injectable()
export class AdminStorageService {
  private readonly logger = new Logger(AdminStorageService.name);

  constructor(
    private readonly pool: DriveAccountPool,
    private readonly files: FileRepository,
    private readonly ledger: UploadLedger,
    private readonly removal: FileRemoval,
    private readonly orphans: OrphanScanner,
    private readonly audit: AdminAudit,
  ) {}

  async list(): Promise<AdminStorageList> {
    const [accounts, usage] = await Promise.all([this.pool.list(), this.files.usageByAccounts()]);
    const views = accounts.map((a) => toAdminStorageAccount(a, usage.get(a._id)));
    return { accounts: views, totals: storageTotals(views) };
  }

  async detail(id: string): Promise<AdminStorageAccount> {
    const account = await this.pool.get(id);
    if (!account) throw notFound();
    return toAdminStorageAccount(account, (await this.files.usageByAccounts()).get(id));
  }

  /** The credential is proven with live Drive calls before anything is stored. */
  async add(actor: AdminActor, body: AddStorageAccountRequest): Promise<AdminStorageAccount> {
    try {
      const view = await this.pool.addAccount({ label: body.label, credential: toCredential(body.credential) });
      await this.audit.record(actor, ActivityAction.adminStorageAdd, view._id, { email: view.email, label: view.label, kind: view.kind });
      return toAdminStorageAccount(view);
    } catch (e) {
      if (e instanceof Error && /^Mongo/.test(e.name) && (e as { code?: number }).code !== 11000) throw e;
      const refused = e instanceof AppException ? e : this.refusal(e);
      await this.audit.record(actor, ActivityAction.adminStorageAddFailed, null, { kind: body.credential.kind, label: body.label ?? null, reason: refused.message });
      throw refused;
    }
  }

  async setEnabled(actor: AdminActor, id: string, enabled: boolean): Promise<AdminStorageAccount> {
    try {
      const view = await this.pool.setEnabled(id, enabled);
      await this.audit.record(actor, enabled ? ActivityAction.adminStorageEnable : ActivityAction.adminStorageDisable, id, { email: view.email });
      return this.detail(id);
    } catch (e) {
      if (e instanceof DriveAccountNotFoundError) throw notFound();
      throw e;
    }
  }

  /** Reads quota and usage from Drive now; a failure is recorded on the account (health, last error), not thrown. */
  async check(actor: AdminActor, id: string): Promise<AdminStorageAccount> {
    const view = await this.pool.refreshAccount(id);
    if (!view) throw notFound();
    await this.audit.record(actor, ActivityAction.adminStorageCheck, id, { health: view.health, lastError: view.lastError, usage: view.quotaUsageBytes });
    return this.detail(id);
  }

  async refreshAll(actor: AdminActor): Promise<AdminStorageList> {
    const views = await this.pool.refreshAll();
    await this.audit.record(actor, ActivityAction.adminStorageRefreshAll, null, {
      accounts: views.length,
      unhealthy: views.filter((v) => v.health !== 'healthy').map((v) => v._id),
    });
    return this.list();
  }

  /**
   * Refused (409) while completed files or uploads in flight live on the
   * account; with force (superadmin) uploads in flight are cancelled, the
   * files' records stop pointing to the account (downloads fall back to the
   * backup copy) and the response lists what is served from backup and what
   * is lost. The files stay in the Google account itself.
   */
  async remove(actor: AdminActor, id: string, force: boolean): Promise<StorageAccountRemoval> {
    if (force && !hasPermissions(actor.admin.role, [Permission.destructiveStorage])) {
      throw await this.audit.refuse(actor, id, 'storage_force_remove', 'Only a superadmin can force the removal of a storage account.');
    }
    const account = await this.pool.get(id);
    if (!account) throw notFound();
    const [stored, active] = await Promise.all([this.files.findByAccount(id, ['completed']), this.files.findByAccount(id, ['pending', 'uploading'])]);
    const fromBackup = stored.filter((f) => f.backupStatus === 'completed' && f.backupPath);
    const lost = stored.filter((f) => !(f.backupStatus === 'completed' && f.backupPath));
    if ((stored.length || active.length) && !force) {
      throw new AppException(
        409,
        AdminErrorCode.ACCOUNT_HAS_FILES,
        `${stored.length} stored file(s) (${lost.length} without a backup copy) and ${active.length} upload(s) in progress are on this account. ` +
          'Delete them first, or have a superadmin force the removal.',
      );
    }
    let cancelled = 0;
    for (const f of active) if (await this.ledger.end(f._id, 'cancelled', 'CANCELLED')) cancelled++;
    const detached = await this.files.detachFromAccount(id);
    try {
      await this.pool.remove(id);
    } catch (e) {
      if (e instanceof DriveAccountNotFoundError) throw notFound();
      throw e;
    }
    const item = (f: { _id: string; filename: string }) => ({ file_id: f._id, filename: f.filename });
    await this.audit.record(actor, ActivityAction.adminStorageRemove, id, {
      email: account.email,
      force,
      uploadsCancelled: cancelled,
      recordsDetached: detached,
      servedFromBackup: fromBackup.slice(0, LOGGED_IDS).map((f) => f._id),
      lost: lost.slice(0, LOGGED_IDS).map((f) => f._id),
    });
    return {
      account_id: id,
      removed: true,
      uploads_cancelled: cancelled,
      served_from_backup: fromBackup.map(item),
      lost: lost.map(item),
      message:
        stored.length === 0
          ? 'The storage account was removed.'
          : `The storage account was removed: ${fromBackup.length} file(s) will be served from the backup copy only, ${lost.length} file(s) are no longer downloadable. Their bytes stay in the Google account.`,
    };
  }

  /**
   * Every file record on the account is deleted the usual way (uploads in
   * flight cancelled, stored files purged from Drive and WebDAV by the
   * cleanup queue); Drive files in the folder that no record points to are
   * deleted now.
   */
  async deleteAllFiles(actor: AdminActor, id: string): Promise<DeleteAllFiles> {
    const account = await this.pool.get(id);
    if (!account) throw notFound();
    const out: DeleteAllFiles = { account_id: id, files_deleted: 0, purges_queued: 0, uploads_cancelled: 0, untracked_deleted: 0 };
    for (const f of await this.files.findByAccount(id, ['pending', 'uploading', 'completed', 'failed', 'cancelled'])) {
      const r = await this.removal.remove(f);
      if (r.removed) out.files_deleted++;
      if (r.purgeQueued) out.purges_queued++;
      if (r.cancelledUpload) out.uploads_cancelled++;
    }
    try {
      out.untracked_deleted = await this.orphans.deleteUntracked(id, 0);
    } catch (e) {
      this.logger.warn({ msg: 'could not delete untracked Drive files', accountId: id, err: String(e) });
    }
    await this.audit.record(actor, ActivityAction.adminStorageDeleteAllFiles, id, { email: account.email, ...out });
    return out;
  }

  private refusal(e: unknown): AppException {
    if ((e as { code?: number }).code === 11000) {
      return new AppException(409, AdminErrorCode.ACCOUNT_EXISTS, 'This Google account is already in the storage pool.');
    }
    if (e instanceof DriveError) {
      if (REJECTED_KINDS.has(e.kind)) return new AppException(400, AdminErrorCode.CREDENTIALS_REJECTED, `Google Drive refused these credentials (${e.reason ?? e.kind}).`);
      return new AppException(503, AdminErrorCode.DRIVE_UNAVAILABLE, 'Google Drive could not be reached to check these credentials. Try again shortly.');
    }
    // google-auth-library refuses malformed keys before any request.
    this.logger.warn({ msg: 'storage credential refused before reaching Drive', err: String(e) });
    return new AppException(400, AdminErrorCode.CREDENTIALS_REJECTED, 'These credentials cannot be used with Google Drive.');
  }
}

function toCredential(input: AddStorageAccountRequest['credential']): DriveCredential {
  let candidate: unknown;
  if (input.kind === 'oauth') {
    candidate = { kind: 'oauth', clientId: input.client_id, clientSecret: input.client_secret, refreshToken: input.refresh_token };
  } else {
    let json: unknown = input.key_json;
    if (typeof json === 'string') {
      try {
        json = JSON.parse(json);
      } catch {
        throw new AppException(400, ErrorCode.VALIDATION, 'The service-account key is not valid JSON.');
      }
    }
    candidate = { kind: 'service_account', json };
  }
  const parsed = driveCredentialSchema.safeParse(candidate);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AppException(400, ErrorCode.VALIDATION, `Invalid credential${first ? ` (${first.path.join('.')}: ${first.message})` : ''}.`);
  }
  const credential = parsed.data as DriveCredential;
  if (credential.kind === 'service_account' && typeof credential.json === 'object') {
    // Checked here: the Drive client would report an unreadable key as a connection error.
    try {
      createPrivateKey(credential.json.private_key);
    } catch {
      throw new AppException(400, AdminErrorCode.CREDENTIALS_REJECTED, 'The private key of this service-account key cannot be read.');
    }
  }
  if (credential.kind === 'service_account' && input.kind === 'service_account' && input.subject) credential.subject = input.subject;
  return credential;
}

function notFound(): AppException {
  return new AppException(404, ErrorCode.NOT_FOUND, 'This storage account does not exist.');
}
