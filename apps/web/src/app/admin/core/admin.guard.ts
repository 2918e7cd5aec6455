import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import { catchError, map, of } from 'rxjs';

import { AdminApi } from './admin-api.service';
import { AdminSession } from './admin-session';

/** Signed in as an admin (profile loaded from /admin/auth/me), else to /admin/login. */
export const adminGuard: CanActivateFn = () => {
  const session = inject(AdminSession);
  const router = inject(Router);
  if (!session.currentToken()) return router.createUrlTree(['/admin/login']);
  if (session.profile()) return true;
  return inject(AdminApi)
    .me()
    .pipe(
      map((profile) => {
        session.setProfile(profile);
        return true;
      }),
      catchError(() => {
        session.clear();
        return of(router.createUrlTree(['/admin/login']));
      }),
    );
};

/** The login page is for signed-out admins. */
export const adminSignedOutGuard: CanActivateFn = () => {
  const session = inject(AdminSession);
  return session.currentToken() ? inject(Router).createUrlTree(['/admin']) : true;
};
