import {
  AdminErrorCode,
  AdminFileList,
  AdminUser,
  AdminUserDetail,
  AdminUserExportQuery,
  AdminUserFilesQuery,
  AdminUserList,
  AdminUserListQuery,
  BulkResult,
  canAssignRole,
  canModerate,
  canResetPassword,
  ErrorCode,
  isAdminRole,
  Role,
  UserBulkRequest,
  UserDeletion,
} from '@ddx/contracts';
import { FileRepository, UserStorageRepository } from '@ddx/server-database';
import { Injectable } from '@nestjs/common';

import { ActivityAction } from '../../activity/activity-action';
import { PasswordHasher, PasswordPolicy } from '../../auth';
import { AppException } from '../../common/app-exception';
import { UserRecord } from '../../users/user.record';
import { UserRepository } from '../../users/user.repository';
import { PrincipalRevocations } from '../../ws-tickets/principal-revocations';
import { AdminActor } from '../shared/admin-actor.decorator';
import { AdminAudit } from '../shared/admin-audit.service';
import { toAdminFile } from '../shared/admin-file.mapper';
import { csvLine } from '../shared/csv';
import { ExportFile } from '../shared/export-file';
import { FileRemoval } from '../shared/file-removal.service';
import { fileSort } from '../shared/file-sort';
import { pageOf } from '../shared/page';
import { toAdminUser, USER_EXPORT_COLUMNS } from './admin-user.mapper';
import { AdminUserRepository, UserSortField } from './admin-user.repository';

const SORT_FIELDS: Record<AdminUserListQuery['sort_by'], UserSortField> = {
  email: 'email',
  role: 'role',
  status: 'status',
  created_at: 'createdAt',
  last_login_at: 'lastLoginAt',
};

type StatusAction = 'suspend' | 'ban' | 'reactivate';
const STATUS_OF: Record<StatusAction, UserRecord['status']> = { suspend: 'suspended', ban: 'banned', reactivate: 'active' };
const ACTION_OF: Record<StatusAction, ActivityAction> = {
  suspend: ActivityAction.adminUserSuspend,
  ban: ActivityAction.adminUserBan,
  reactivate: ActivityAction.adminUserReactivate,
};

export type UserExport = ExportFile;

/**
 * User administration. Who may act on whom comes from the contracts
 * (canModerate, canResetPassword, canAssignRole); every change that matters
 * for access (status, password, role) bumps tokenVersion in the same write,
 * so the user's tokens stop working on their next request.
 */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly users: UserRepository,
    private readonly directory: AdminUserRepository,
    private readonly files: FileRepository,
    private readonly storage: UserStorageRepository,
    private readonly removal: FileRemoval,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly audit: AdminAudit,
    private readonly revocations: PrincipalRevocations,
  ) {}

  async list(q: AdminUserListQuery): Promise<AdminUserList> {
    const { items, total } = await this.directory.search({
      search: q.search,
      role: q.role,
      status: q.status,
      sort: { field: SORT_FIELDS[q.sort_by], direction: q.sort_order === 'asc' ? 1 : -1 },
      skip: (q.page - 1) * q.limit,
      limit: q.limit,
    });
    const usage = await this.files.usageByOwners(items.map((u) => u.id));
    return { items: items.map((u) => toAdminUser(u, usage.get(u.id))), ...pageOf(total, q.page, q.limit) };
  }

  async detail(id: string): Promise<AdminUserDetail> {
    const user = await this.target(id);
    const [usage, ledger] = await Promise.all([this.files.usageByOwners([id]), this.storage.get(id)]);
    return {
      ...toAdminUser(user, usage.get(id)),
      storage: {
        quota_bytes: ledger?.quota ?? user.storageQuotaBytes,
        used_bytes: ledger?.used ?? 0,
        reserved_bytes: ledger?.reserved ?? 0,
        free_bytes: ledger?.free ?? 0,
      },
    };
  }

  async filesOf(id: string, q: AdminUserFilesQuery): Promise<AdminFileList> {
    const user = await this.target(id);
    const { items, total } = await this.files.search({
      ownerId: id,
      statuses: q.status ? [q.status] : undefined,
      sort: fileSort(q.sort_by, q.sort_order),
      skip: (q.page - 1) * q.limit,
      limit: q.limit,
    });
    return { items: items.map((f) => toAdminFile(f, user.email)), ...pageOf(total, q.page, q.limit) };
  }

  async changeStatus(actor: AdminActor, id: string, action: StatusAction, reason: string | null): Promise<AdminUser> {
    const user = await this.target(id);
    await this.assertNotSelf(actor, user, action);
    await this.assertCan(actor, user, action, canModerate(actor.admin.role, user.role));
    const updated = await this.users.setStatus(id, STATUS_OF[action], action === 'reactivate' ? null : reason);
    if (!updated) throw notFound();
    if (action !== 'reactivate') await this.revocations.publish({ userId: id, status: action === 'ban' ? 'banned' : 'suspended' });
    await this.audit.record(actor, ACTION_OF[action], id, { email: user.email, from: user.status, to: updated.status, reason });
    return this.view(updated);
  }

  async setQuota(actor: AdminActor, id: string, quotaBytes: number): Promise<AdminUser> {
    const user = await this.target(id);
    // A superadmin sets anyone's quota; an admin only regular users'.
    await this.assertCan(actor, user, 'set_quota', actor.admin.role === Role.superadmin || canModerate(actor.admin.role, user.role));
    await this.storage.setQuota(id, quotaBytes);
    await this.audit.record(actor, ActivityAction.adminUserQuota, id, { email: user.email, from: user.storageQuotaBytes, to: quotaBytes });
    return this.view(await this.target(id));
  }

  async resetPassword(actor: AdminActor, id: string, password: string): Promise<AdminUser> {
    const user = await this.target(id);
    await this.assertCan(actor, user, 'reset_password', canResetPassword(actor.admin.role, user.role));
    await this.policy.assertAcceptable(password, user.email);
    const updated = await this.users.setPassword(id, await this.hasher.hash(password));
    if (!updated) throw notFound();
    await this.audit.record(actor, ActivityAction.adminUserPasswordReset, id, { email: user.email, role: user.role });
    return this.view(updated);
  }

  async setRole(actor: AdminActor, id: string, role: Role): Promise<AdminUser> {
    const user = await this.target(id);
    await this.assertNotSelf(actor, user, 'set_role');
    if (user.role === role) return this.view(user);
    await this.assertCan(actor, user, 'set_role', canAssignRole(actor.admin.role, user.role, role));
    // An unproved address may have been registered by someone else in the owner's name.
    if (isAdminRole(role) && !user.emailVerified) {
      throw new AppException(
        409,
        ErrorCode.EMAIL_NOT_VERIFIED,
        'This account has not confirmed its e-mail address, so it cannot be given an admin role. Ask its owner to confirm it first.',
      );
    }
    const updated = await this.users.setRole(id, role);
    if (!updated) throw notFound();
    await this.audit.record(actor, ActivityAction.adminUserRole, id, { email: user.email, from: user.role, to: role });
    return this.view(updated);
  }

  /**
   * Bans first (tokens and downloads stop at once), then deletes every file
   * through the cleanup queue, then the account. If anything fails midway
   * the account is still there, banned, and the call can simply be repeated.
   */
  async remove(actor: AdminActor, id: string, reason: string | null): Promise<UserDeletion> {
    const user = await this.target(id);
    await this.assertNotSelf(actor, user, 'delete');
    await this.assertCan(actor, user, 'delete', canModerate(actor.admin.role, user.role));
    await this.users.setStatus(id, 'banned', reason ?? 'Account deleted by an administrator.');
    await this.revocations.publish({ userId: id, status: 'banned' });
    let filesDeleted = 0;
    let purgesQueued = 0;
    for (const file of await this.files.findByOwner(id)) {
      const r = await this.removal.remove(file);
      if (r.removed) filesDeleted++;
      if (r.purgeQueued) purgesQueued++;
    }
    await this.directory.deleteById(id);
    await this.audit.record(actor, ActivityAction.adminUserDelete, id, { email: user.email, role: user.role, reason, filesDeleted, purgesQueued });
    return { user_id: id, email: user.email, files_deleted: filesDeleted, purges_queued: purgesQueued };
  }

  /** Each id goes through the single-user action (same rules, same log entry); failures are listed, not fatal. */
  async bulk(actor: AdminActor, body: UserBulkRequest): Promise<BulkResult> {
    const result: BulkResult = { action: body.action, succeeded: [], failed: [] };
    for (const id of [...new Set(body.ids)]) {
      try {
        if (body.action === 'delete') await this.remove(actor, id, body.reason ?? null);
        else await this.changeStatus(actor, id, body.action, body.reason ?? null);
        result.succeeded.push(id);
      } catch (e) {
        if (!(e instanceof AppException)) throw e;
        result.failed.push({ id, error: String(e.code), message: e.message });
      }
    }
    await this.audit.record(actor, ActivityAction.adminUsersBulk, null, {
      action: body.action,
      reason: body.reason ?? null,
      succeeded: result.succeeded.length,
      failed: result.failed.length,
    });
    return result;
  }

  /** Streams every matching user as CSV (header first) or JSON, a batch of users per query. */
  async export(actor: AdminActor, q: AdminUserExportQuery): Promise<UserExport> {
    const filter = { search: q.search, role: q.role, status: q.status };
    const stamp = new Date().toISOString();
    await this.audit.record(actor, ActivityAction.adminUsersExport, null, { format: q.format, filter });
    const rows = this.rows(filter);
    const chunks =
      q.format === 'csv'
        ? (async function* () {
            yield csvLine([...USER_EXPORT_COLUMNS]);
            for await (const user of rows) yield csvLine(USER_EXPORT_COLUMNS.map((c) => user[c]));
          })()
        : (async function* () {
            yield `{"exported_at":${JSON.stringify(stamp)},"users":[`;
            let n = 0;
            for await (const user of rows) yield `${n++ ? ',' : ''}${JSON.stringify(user)}`;
            yield `],"total":${n}}`;
          })();
    return {
      filename: `users-${stamp.slice(0, 19).replace(/[:T]/g, '-')}.${q.format}`,
      contentType: q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      chunks,
    };
  }

  private async *rows(filter: { search?: string; role?: Role; status?: UserRecord['status'] }): AsyncGenerator<AdminUser> {
    for await (const batch of this.directory.batches(filter)) {
      const usage = await this.files.usageByOwners(batch.map((u) => u.id));
      for (const u of batch) yield toAdminUser(u, usage.get(u.id));
    }
  }

  private async view(user: UserRecord): Promise<AdminUser> {
    const usage = await this.files.usageByOwners([user.id]);
    return toAdminUser(user, usage.get(user.id));
  }

  private async target(id: string): Promise<UserRecord> {
    const user = await this.users.findById(id);
    if (!user) throw notFound();
    return user;
  }

  private async assertNotSelf(actor: AdminActor, user: UserRecord, attempted: string): Promise<void> {
    if (actor.admin.id === user.id) throw await this.audit.refuse(actor, user.id, attempted, 'You cannot do this to your own account.', AdminErrorCode.SELF_ACTION);
  }

  private async assertCan(actor: AdminActor, user: UserRecord, attempted: string, allowed: boolean): Promise<void> {
    if (!allowed) {
      throw await this.audit.refuse(actor, user.id, attempted, `Your administrator role cannot do this to an account with the role "${user.role}".`);
    }
  }
}

function notFound(): AppException {
  return new AppException(404, ErrorCode.NOT_FOUND, 'This user does not exist.');
}
