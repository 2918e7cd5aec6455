import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import {
  AccessLogPage,
  AccessSummary,
  ActivityLogPage,
  AdminLogsRoutes,
  ErrorLogPage,
  LogKind,
  LogPurgeResponse,
} from '@ddx/contracts';
import { Observable } from 'rxjs';

import { AdminAuthRoutes } from '../core/admin-api.service';
import { LogFilters, logQuery } from './logs-query';

export interface LogPages {
  activity: ActivityLogPage;
  access: AccessLogPage;
  errors: ErrorLogPage;
}

export interface RetentionSettings {
  activityLogRetentionDays: number;
  accessLogRetentionDays: number;
  errorLogRetentionDays: number;
}

const LIST: Record<LogKind, string> = { activity: AdminLogsRoutes.activity, access: AdminLogsRoutes.access, errors: AdminLogsRoutes.errors };
const EXPORT: Record<LogKind, string> = { activity: AdminLogsRoutes.activityExport, access: AdminLogsRoutes.accessExport, errors: AdminLogsRoutes.errorsExport };

/** /api/v1/admin/logs (the admin interceptor adds the admin token). */
@Injectable({ providedIn: 'root' })
export class AdminLogsApi {
  private readonly http = inject(HttpClient);

  list<K extends LogKind>(kind: K, filters: LogFilters, page: number, limit: number): Observable<LogPages[K]> {
    return this.http.get<LogPages[K]>(LIST[kind], { params: new HttpParams({ fromObject: logQuery(kind, filters, { page, limit }) }) });
  }

  accessSummary(hours: number, top = 10): Observable<AccessSummary> {
    return this.http.get<AccessSummary>(AdminLogsRoutes.accessSummary, { params: { hours, top } });
  }

  export(kind: LogKind, filters: LogFilters, format: 'csv' | 'json'): Observable<Blob> {
    return this.http.get(EXPORT[kind], { params: new HttpParams({ fromObject: logQuery(kind, filters, { format }) }), responseType: 'blob' });
  }

  purge(kind: LogKind, olderThanDays: number): Observable<LogPurgeResponse> {
    return this.http.post<LogPurgeResponse>(AdminLogsRoutes.purge, { kind, older_than_days: olderThanDays });
  }

  retention(): Observable<RetentionSettings> {
    return this.http.get<RetentionSettings>(AdminAuthRoutes.settings);
  }

  setRetention(patch: Partial<RetentionSettings>): Observable<RetentionSettings> {
    return this.http.patch<RetentionSettings>(AdminAuthRoutes.settings, patch);
  }
}
