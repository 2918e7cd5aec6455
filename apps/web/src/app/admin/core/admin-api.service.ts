import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import {
  AccountStatus,
  AddStorageAccountRequest,
  AdminApiRoutes,
  AdminProfile,
  AdminStorageAccount,
  AdminStorageList,
  AdminTokenResponse,
  AdminUser,
  AdminUserList,
  API_PREFIX,
  BackupBatch,
  BackupSummary,
  FailedBackupList,
  MessageResponse,
} from '@ddx/contracts';
import { Observable } from 'rxjs';

const ADMIN = `${API_PREFIX}/admin`;
export const AdminAuthRoutes = {
  token: `${ADMIN}/auth/token`,
  me: `${ADMIN}/auth/me`,
  logout: `${ADMIN}/auth/logout`,
  settings: `${ADMIN}/config/settings`,
} as const;

/** GET/PATCH /api/v1/admin/config/settings (apps/api settings.definitions.ts). */
export interface AdminSettings {
  registrationOpen: boolean;
  passwordMinLength: number;
  defaultStorageQuotaBytes: number;
  maxLoginAttempts: number;
  loginLockoutMinutes: number;
  passwordResetTtlMinutes: number;
  maintenanceMode: boolean;
  maintenanceMessage: string;
  maxFilesPerBatch: number;
  anonymousUploadsAllowed: boolean;
  anonymousMaxFileBytes: number;
  anonymousDailyBytes: number;
  userMaxFileBytes: number;
  userDailyBytes: number;
  absoluteMaxFileBytes: number;
  blockedExtensions: string[];
  blockedMimeTypes: string[];
  uploadSessionTtlHours: number;
}

export interface UserQuery {
  search?: string;
  status?: AccountStatus | '';
  page: number;
  limit: number;
}

export type ModerationAction = 'suspend' | 'ban' | 'reactivate';

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
    let params = new HttpParams().set('page', q.page).set('limit', q.limit);
    if (q.search?.trim()) params = params.set('search', q.search.trim());
    if (q.status) params = params.set('status', q.status);
    return this.http.get<AdminUserList>(AdminApiRoutes.users, { params });
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

  settings(): Observable<AdminSettings> {
    return this.http.get<AdminSettings>(AdminAuthRoutes.settings);
  }
  updateSettings(patch: Partial<AdminSettings>): Observable<AdminSettings> {
    return this.http.patch<AdminSettings>(AdminAuthRoutes.settings, patch);
  }
}
