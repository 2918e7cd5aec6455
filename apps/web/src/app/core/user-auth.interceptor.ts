import { DOCUMENT } from '@angular/common';
import { HttpContextToken, HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { API_PREFIX } from '@ddx/contracts';
import { catchError, throwError } from 'rxjs';

import { safeReturnUrl } from './return-url';
import { UserSession } from './user-session';

const ADMIN_PREFIX = `${API_PREFIX}/admin`;

/** Set on requests whose 401 must not send the user to the sign-in page (signing out). */
export const NO_SIGN_IN_REDIRECT = new HttpContextToken<boolean>(() => false);

/**
 * True for the user api on this origin: `/api/v1/…` but not `/api/v1/admin…`
 * (the admin panel sends its own token there) and never another origin.
 */
export function isUserApiUrl(url: string, origin: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url, origin);
  } catch {
    return false;
  }
  if (parsed.origin !== origin) return false;
  const path = parsed.pathname;
  if (!path.startsWith(`${API_PREFIX}/`)) return false;
  return path !== ADMIN_PREFIX && !path.startsWith(`${ADMIN_PREFIX}/`);
}

/**
 * The one place the user token is attached. A 401 to a request that carried it
 * means the session ended (expired, signed out elsewhere, password changed):
 * forget it and go to the sign-in page, coming back here afterwards.
 */
export const userAuthInterceptor: HttpInterceptorFn = (req, next) => {
  const origin = inject(DOCUMENT).location.origin;
  if (!isUserApiUrl(req.url, origin)) return next(req);
  const session = inject(UserSession);
  const router = inject(Router);
  const token = session.currentToken();
  const authed = token ? req.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : req;
  return next(authed).pipe(
    catchError((err: unknown) => {
      if (token && err instanceof HttpErrorResponse && err.status === 401) {
        session.clear();
        const here = router.url;
        if (!req.context.get(NO_SIGN_IN_REDIRECT) && !here.startsWith('/login')) {
          void router.navigate(['/login'], { queryParams: { returnUrl: safeReturnUrl(here) ?? undefined, reason: 'expired' } });
        }
      }
      return throwError(() => err);
    }),
  );
};
