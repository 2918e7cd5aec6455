import { HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { tap } from 'rxjs';

import { MaintenanceState } from './maintenance-state';

/** Lets the maintenance banner appear the moment any api call answers 503 MAINTENANCE; the error still reaches the caller. */
export const maintenanceInterceptor: HttpInterceptorFn = (req, next) => {
  const state = inject(MaintenanceState);
  return next(req).pipe(tap({ error: (err: unknown) => state.noteError(err) }));
};
