import { HttpClient, HttpErrorResponse, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import {
  AccountStatus,
  AddStorageAccountRequest,
  AdminApiRoutes,
  AdminFileDetail,
  AdminFileList,
  AdminProfile,
  AdminSettings,
  AdminStorageAccount,
  AdminStorageList,
  AdminTokenResponse,
  AdminUser,
  AdminUserDetail,
  AdminUserList,
  API_PREFIX,
  BackupBatch,
  BackupQueued,
  BackupSummary,
  BulkResult,
  DeleteAllFiles,
  FailedBackupList,
  FileBulkRequest,
  FileDeletion,
  IntegrityCheck,
  MessageResponse,
  OrphanCleanup,
  OrphanCleanupRequest,
  OrphanReport,
  Role,
  StorageAccountRemoval,
  UserBulkRequest,
  UserDeletion,
} from '@ddx/contracts';
import { catchError, from, Observable, switchMap, throwError } from 'rxjs';

const ADMIN = `${API_PREFIX}/admin`;
export const AdminAuthRoutes = {
  token: `${ADMIN}/auth/token`,
  me: `${ADMIN}/auth/me`,
  logout: `${ADMIN}/auth/logout`,
  settings: `${ADMIN}/config/settings`,
} as const;

/** GET/PATCH /api/v1/admin/config/settings: the contract (libs/contracts admin-settings.schema.ts). */
export type { AdminSettings };

export interface UserQuery {
  search?: string;
  status?: AccountStatus | '';
  role?: Role | '';
  sort_by?: 'email' | 'role' | 'status' | 'created_at' | 'last_login_at';
  sort_order?: 'asc' | 'desc';
  page: number;
  limit: number;
}

export interface UserFilesQuery {
  status?: string;
  sort_by?: string;
  sort_order?: 'asc' | 'desc';
  page: number;
  limit: number;
}

/** Query-string values; empty strings, null and undefined are left out. */
export function toParams(q: object): HttpParams {
  let params = new HttpParams();
  for (const [key, value] of Object.entries(q)) {
    if (value === undefined || value === null) continue;
    const text = typeof value === 'string' ? value.trim() : String(value);
    if (text !== '') params = params.set(key, text);
  }
  return params;
}

export type ModerationAction = 'suspend' | 'ban' | 'reactivate';

/** With `responseType: 'blob'` an error body is a Blob too: parse it back so apiProblem() reads the message. */
function jsonErrorBody(e: unknown): Observable<never> {
  if (!(e instanceof HttpErrorResponse) || !(e.error instanceof Blob)) return throwError(() => e);
  return from(e.error.text()).pipe(
    switchMap((text) => {
      let error: unknown = null;
      try {
        error = JSON.parse(text);
      } catch {
        error = null;
      }
      return throwError(() => new HttpErrorResponse({ error, status: e.status, statusText: e.statusText, url: e.url ?? undefined, headers: e.headers }));
    }),
  );
}

/** Every admin api call of the panel; the admin interceptor adds the token. */
@Injectable({ providedIn: 'root' })
export class AdminApi {
  private readonly http = inject(HttpClient);

  signIn(email: string, password: string): Observable<AdminTokenResponse> {
    return this.http.post<AdminTokenResponse>(AdminAuthRoutes.token, { email, password });
  }
  me(): Observable<AdminProfile> {
    return this.http.get<AdminProfile>(AdminAuthRoutes.me);
  }
  signOut(): Observable<MessageResponse> {
    return this.http.post<MessageResponse>(AdminAuthRoutes.logout, {});
  }

  users(q: UserQuery): Observable<AdminUserList> {
    const { page, limit, search, status, role, sort_by, sort_order } = q;
    return this.http.get<AdminUserList>(AdminApiRoutes.users, { params: toParams({ page, limit, search, status, role, sort_by, sort_order }) });
  }
  user(id: string): Observable<AdminUserDetail> {
    return this.http.get<AdminUserDetail>(AdminApiRoutes.user(id));
  }
  userFiles(id: string, q: UserFilesQuery): Observable<AdminFileList> {
    return this.http.get<AdminFileList>(AdminApiRoutes.userFiles(id), { params: toParams(q) });
  }
  /** The export as a file (CSV or JSON) with the same filters as the list. */
  exportUsers(q: { search?: string; status?: string; role?: string; format: 'csv' | 'json' }): Observable<Blob> {
    return this.http.get(AdminApiRoutes.usersExport, { params: toParams(q), responseType: 'blob' }).pipe(catchError(jsonErrorBody));
  }
  bulkUsers(body: UserBulkRequest): Observable<BulkResult> {
    return this.http.post<BulkResult>(AdminApiRoutes.usersBulk, body);
  }
  setQuota(id: string, quotaBytes: number): Observable<AdminUser> {
    return this.http.put<AdminUser>(AdminApiRoutes.userQuota(id), { quota_bytes: quotaBytes });
  }
  resetPassword(id: string, newPassword: string): Observable<unknown> {
    return this.http.post(AdminApiRoutes.userPassword(id), { new_password: newPassword });
  }
  setRole(id: string, role: Role): Observable<AdminUser> {
    return this.http.put<AdminUser>(AdminApiRoutes.userRole(id), { role });
  }
  deleteUser(id: string, reason: string): Observable<UserDeletion> {
    return this.http.delete<UserDeletion>(AdminApiRoutes.user(id), { params: toParams({ reason }) });
  }
  moderate(id: string, action: ModerationAction, reason: string): Observable<AdminUser> {
    const url = action === 'suspend' ? AdminApiRoutes.userSuspend(id) : action === 'ban' ? AdminApiRoutes.userBan(id) : AdminApiRoutes.userReactivate(id);
    const body = reason.trim() ? { reason: reason.trim() } : {};
    return this.http.post<AdminUser>(url, body);
  }

  storageAccounts(): Observable<AdminStorageList> {
    return this.http.get<AdminStorageList>(AdminApiRoutes.storageAccounts);
  }
  addStorageAccount(body: AddStorageAccountRequest): Observable<AdminStorageAccount> {
    return this.http.post<AdminStorageAccount>(AdminApiRoutes.storageAccounts, body);
  }
  setStorageEnabled(id: string, enabled: boolean): Observable<AdminStorageAccount> {
    return this.http.post<AdminStorageAccount>(enabled ? AdminApiRoutes.storageEnable(id) : AdminApiRoutes.storageDisable(id), {});
  }
  checkStorageAccount(id: string): Observable<AdminStorageAccount> {
    return this.http.post<AdminStorageAccount>(AdminApiRoutes.storageCheck(id), {});
  }
  refreshStorageAccounts(): Observable<unknown> {
    return this.http.post(AdminApiRoutes.storageRefreshAll, {});
  }
  removeStorageAccount(id: string, force: boolean): Observable<StorageAccountRemoval> {
    return this.http.delete<StorageAccountRemoval>(AdminApiRoutes.storageAccount(id), { params: force ? { force: 'true' } : {} });
  }
  deleteAllFilesOfAccount(id: string): Observable<DeleteAllFiles> {
    return this.http.post<DeleteAllFiles>(AdminApiRoutes.storageDeleteAllFiles(id), {});
  }

  files(q: object): Observable<AdminFileList> {
    return this.http.get<AdminFileList>(AdminApiRoutes.files, { params: toParams(q) });
  }
  file(id: string): Observable<AdminFileDetail> {
    return this.http.get<AdminFileDetail>(AdminApiRoutes.file(id));
  }
  deleteFile(id: string, reason: string): Observable<FileDeletion> {
    return this.http.delete<FileDeletion>(AdminApiRoutes.file(id), { params: toParams({ reason }) });
  }
  quarantineFile(id: string, reason: string): Observable<unknown> {
    return this.http.post(AdminApiRoutes.fileQuarantine(id), { reason: reason.trim() });
  }
  releaseFile(id: string): Observable<unknown> {
    return this.http.post(AdminApiRoutes.fileRelease(id), {});
  }
  backupFile(id: string): Observable<BackupQueued> {
    return this.http.post<BackupQueued>(AdminApiRoutes.fileBackup(id), {});
  }
  checkIntegrity(id: string): Observable<IntegrityCheck> {
    return this.http.post<IntegrityCheck>(AdminApiRoutes.fileIntegrity(id), {});
  }
  bulkFiles(body: FileBulkRequest): Observable<BulkResult> {
    return this.http.post<BulkResult>(AdminApiRoutes.filesBulk, body);
  }
  orphans(graceMinutes: number): Observable<OrphanReport> {
    return this.http.get<OrphanReport>(AdminApiRoutes.filesOrphans, { params: { grace_minutes: graceMinutes } });
  }
  cleanupOrphans(body: OrphanCleanupRequest): Observable<OrphanCleanup> {
    return this.http.post<OrphanCleanup>(AdminApiRoutes.filesOrphansCleanup, body);
  }

  backupSummary(): Observable<BackupSummary> {
    return this.http.get<BackupSummary>(AdminApiRoutes.backupsSummary);
  }
  failedBackups(page: number): Observable<FailedBackupList> {
    return this.http.get<FailedBackupList>(AdminApiRoutes.backupsFailed, { params: { page, limit: 50 } });
  }
  retryBackup(fileId: string): Observable<unknown> {
    return this.http.post(AdminApiRoutes.backupRetry(fileId), {});
  }
  retryAllFailed(): Observable<BackupBatch> {
    return this.http.post<BackupBatch>(AdminApiRoutes.backupsRetryAllFailed, {});
  }
  triggerBackups(): Observable<BackupBatch> {
    return this.http.post<BackupBatch>(AdminApiRoutes.backupsTrigger, {});
  }

  settings(): Observable<AdminSettings> {
    return this.http.get<AdminSettings>(AdminAuthRoutes.settings);
  }
  updateSettings(patch: Partial<AdminSettings>): Observable<AdminSettings> {
    return this.http.patch<AdminSettings>(AdminAuthRoutes.settings, patch);
  }
}
