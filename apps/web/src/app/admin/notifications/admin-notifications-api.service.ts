import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import {
  AdminNotification,
  AdminNotificationList,
  AudiencePreview,
  CreateNotificationRequest,
  NotificationApiRoutes,
  NotificationAudienceInput,
  NotificationDeliveryList,
  NotificationStatus,
  NotificationTemplate,
  NotificationTemplateList,
  TemplateRequest,
} from '@ddx/contracts';
import { Observable } from 'rxjs';

/** /api/v1/admin/notifications and notification-templates (the admin token is attached by adminAuthInterceptor). */
@Injectable({ providedIn: 'root' })
export class AdminNotificationsApi {
  private readonly http = inject(HttpClient);

  list(status: NotificationStatus | '', page: number, limit: number): Observable<AdminNotificationList> {
    let params = new HttpParams().set('page', page).set('limit', limit);
    if (status) params = params.set('status', status);
    return this.http.get<AdminNotificationList>(NotificationApiRoutes.admin, { params });
  }

  create(body: CreateNotificationRequest): Observable<AdminNotification> {
    return this.http.post<AdminNotification>(NotificationApiRoutes.admin, body);
  }

  preview(audience: NotificationAudienceInput): Observable<AudiencePreview> {
    return this.http.post<AudiencePreview>(NotificationApiRoutes.adminPreview, { audience });
  }

  deliveries(id: string, page = 1, limit = 50): Observable<NotificationDeliveryList> {
    return this.http.get<NotificationDeliveryList>(NotificationApiRoutes.adminDeliveries(id), { params: new HttpParams().set('page', page).set('limit', limit) });
  }

  send(id: string, scheduledAt?: string): Observable<AdminNotification> {
    return this.http.post<AdminNotification>(NotificationApiRoutes.adminSend(id), scheduledAt ? { scheduled_at: scheduledAt } : {});
  }

  cancel(id: string): Observable<AdminNotification> {
    return this.http.post<AdminNotification>(NotificationApiRoutes.adminCancel(id), {});
  }

  delete(id: string): Observable<unknown> {
    return this.http.delete(NotificationApiRoutes.adminOne(id));
  }

  templates(): Observable<NotificationTemplateList> {
    return this.http.get<NotificationTemplateList>(NotificationApiRoutes.templates);
  }

  saveTemplate(body: TemplateRequest, id?: string): Observable<NotificationTemplate> {
    return id ? this.http.put<NotificationTemplate>(NotificationApiRoutes.template(id), body) : this.http.post<NotificationTemplate>(NotificationApiRoutes.templates, body);
  }

  deleteTemplate(id: string): Observable<unknown> {
    return this.http.delete(NotificationApiRoutes.template(id));
  }
}
