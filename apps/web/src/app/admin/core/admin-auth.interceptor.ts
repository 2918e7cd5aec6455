import { DOCUMENT } from '@angular/common';
import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { API_PREFIX } from '@ddx/contracts';
import { catchError, throwError } from 'rxjs';

import { AdminSession } from './admin-session';

const ADMIN_PREFIX = `${API_PREFIX}/admin/`;

/** True for the admin api on this origin only: `/api/v1/admin/…` (after normalising the path). */
export function isAdminApiUrl(url: string, origin: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url, origin);
  } catch {
    return false;
  }
  return parsed.origin === origin && parsed.pathname.startsWith(ADMIN_PREFIX);
}

/**
 * The one place the admin token is attached, and only to `/api/v1/admin/`.
 * A 401 to a request that carried it ends the admin session (never the user's).
 */
export const adminAuthInterceptor: HttpInterceptorFn = (req, next) => {
  const origin = inject(DOCUMENT).location.origin;
  if (!isAdminApiUrl(req.url, origin)) return next(req);
  const session = inject(AdminSession);
  const router = inject(Router);
  const token = session.currentToken();
  // Whatever else set a header, the admin api only ever sees the admin token (or none).
  const authed = token ? req.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : req.clone({ headers: req.headers.delete('Authorization') });
  return next(authed).pipe(
    catchError((err: unknown) => {
      if (token && err instanceof HttpErrorResponse && err.status === 401) {
        session.clear();
        if (!router.url.startsWith('/admin/login')) void router.navigate(['/admin/login'], { queryParams: { reason: 'expired' } });
      }
      return throwError(() => err);
    }),
  );
};
