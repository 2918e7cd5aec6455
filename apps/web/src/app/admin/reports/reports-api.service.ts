import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import {
  AdminReportRoutes,
  ReportDownloads,
  ReportGranularity,
  ReportName,
  ReportOverview,
  ReportRegistrations,
  ReportStorageByAccount,
  ReportStorageByType,
  ReportStorageByUser,
  ReportStorageOverTime,
  ReportUploads,
  ReportUserActivity,
} from '@ddx/contracts';
import { Observable } from 'rxjs';

import { toParams } from '../core/admin-api.service';

export interface ReportRangeParams {
  from: string;
  to: string;
}

export interface ReportSeriesParams extends ReportRangeParams {
  granularity: ReportGranularity;
}

/** The admin reports API (`/api/v1/admin/reports`); the admin interceptor adds the token. */
@Injectable({ providedIn: 'root' })
export class ReportsApi {
  private readonly http = inject(HttpClient);

  overview(q: ReportRangeParams): Observable<ReportOverview> {
    return this.http.get<ReportOverview>(AdminReportRoutes.overview, { params: toParams(q) });
  }

  userActivity(q: ReportSeriesParams & { limit: number }): Observable<ReportUserActivity> {
    return this.http.get<ReportUserActivity>(AdminReportRoutes.userActivity, { params: toParams(q) });
  }

  uploads(q: ReportSeriesParams): Observable<ReportUploads> {
    return this.http.get<ReportUploads>(AdminReportRoutes.uploads, { params: toParams(q) });
  }

  downloads(q: ReportSeriesParams): Observable<ReportDownloads> {
    return this.http.get<ReportDownloads>(AdminReportRoutes.downloads, { params: toParams(q) });
  }

  registrations(q: ReportSeriesParams): Observable<ReportRegistrations> {
    return this.http.get<ReportRegistrations>(AdminReportRoutes.registrations, { params: toParams(q) });
  }

  storageOverTime(q: ReportSeriesParams): Observable<ReportStorageOverTime> {
    return this.http.get<ReportStorageOverTime>(AdminReportRoutes.storageOverTime, { params: toParams(q) });
  }

  storageByUser(q: ReportRangeParams & { limit: number }): Observable<ReportStorageByUser> {
    return this.http.get<ReportStorageByUser>(AdminReportRoutes.storageByUser, { params: toParams(q) });
  }

  storageByType(q: ReportRangeParams): Observable<ReportStorageByType> {
    return this.http.get<ReportStorageByType>(AdminReportRoutes.storageByType, { params: toParams(q) });
  }

  storageByAccount(q: ReportRangeParams): Observable<ReportStorageByAccount> {
    return this.http.get<ReportStorageByAccount>(AdminReportRoutes.storageByAccount, { params: toParams(q) });
  }

  /** One report table as a CSV or JSON file. */
  export(q: ReportSeriesParams & { report: ReportName; format: 'csv' | 'json'; limit: number }): Observable<Blob> {
    return this.http.get(AdminReportRoutes.export, { params: toParams(q), responseType: 'blob' });
  }
}
