import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { MarkReadResponse, NotificationApiRoutes, UserNotificationList } from '@ddx/contracts';
import { Observable } from 'rxjs';

/** The signed-in user's notifications (the user token is attached by userAuthInterceptor). */
@Injectable({ providedIn: 'root' })
export class NotificationsApi {
  private readonly http = inject(HttpClient);

  list(limit = 10, page = 1): Observable<UserNotificationList> {
    return this.http.get<UserNotificationList>(NotificationApiRoutes.mine, { params: new HttpParams().set('page', page).set('limit', limit) });
  }

  markRead(id: string): Observable<MarkReadResponse> {
    return this.http.post<MarkReadResponse>(NotificationApiRoutes.read(id), {});
  }

  markAllRead(): Observable<MarkReadResponse> {
    return this.http.post<MarkReadResponse>(NotificationApiRoutes.readAll, {});
  }
}
