import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';

import { UserSession } from './user-session';

/** Signed-in pages: others go to the sign-in page and come back afterwards. */
export const signedInGuard: CanActivateFn = (_route, state) => {
  if (inject(UserSession).currentToken()) return true;
  return inject(Router).createUrlTree(['/login'], { queryParams: { returnUrl: state.url } });
};

/** Sign-in and registration make no sense when already signed in. */
export const signedOutGuard: CanActivateFn = () => {
  if (!inject(UserSession).currentToken()) return true;
  return inject(Router).createUrlTree(['/dashboard']);
};
