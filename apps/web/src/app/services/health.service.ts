import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { ApiRoutes, HealthResponse } from '@ddx/contracts';
import { catchError, map, Observable, of } from 'rxjs';

export type ServiceState = 'checking' | 'operational' | 'degraded' | 'unreachable';

@Injectable({ providedIn: 'root' })
export class HealthService {
  private readonly http = inject(HttpClient);

  /** The api answers 503 with a body when a dependency is down. */
  state(): Observable<ServiceState> {
    return this.http.get<HealthResponse>(ApiRoutes.health).pipe(
      map((h) => (h.status === 'ok' ? 'operational' : 'degraded')),
      catchError((e: { status?: number; error?: HealthResponse }) => of<ServiceState>(e.status === 503 && e.error?.status ? 'degraded' : 'unreachable')),
    );
  }
}
