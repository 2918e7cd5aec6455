import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { Alerts, MetricsWindow, MonitoringApiRoutes, MonitoringHealth, QueueStatus, RequestMetrics, ServicesStatus } from '@ddx/contracts';
import { Observable } from 'rxjs';

/** The admin monitoring api (the admin interceptor adds the token). */
@Injectable({ providedIn: 'root' })
export class MonitoringApi {
  private readonly http = inject(HttpClient);

  health(): Observable<MonitoringHealth> {
    return this.http.get<MonitoringHealth>(MonitoringApiRoutes.health);
  }
  requests(window: MetricsWindow): Observable<RequestMetrics> {
    return this.http.get<RequestMetrics>(MonitoringApiRoutes.requests, { params: { window } });
  }
  queues(): Observable<QueueStatus> {
    return this.http.get<QueueStatus>(MonitoringApiRoutes.queues);
  }
  services(): Observable<ServicesStatus> {
    return this.http.get<ServicesStatus>(MonitoringApiRoutes.services);
  }
  alerts(): Observable<Alerts> {
    return this.http.get<Alerts>(MonitoringApiRoutes.alerts);
  }
}
