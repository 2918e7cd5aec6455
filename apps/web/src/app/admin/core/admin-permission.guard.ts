import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import { Permission } from '@ddx/contracts';

import { AdminSession } from './admin-session';

/** Sends an admin whose role lacks `permission` to the dashboard (the API refuses anyway). */
export function requirePermission(permission: Permission): CanActivateFn {
  return () => (inject(AdminSession).can(permission) ? true : inject(Router).createUrlTree(['/admin/dashboard']));
}
