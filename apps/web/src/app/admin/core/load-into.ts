import { WritableSignal } from '@angular/core';
import { Observable } from 'rxjs';

import { apiProblem } from '../../core/api-problem';

export interface LoadTarget<T> {
  value: WritableSignal<T | null>;
  loading: WritableSignal<boolean>;
  /** The page's error line: cleared when loading starts, the API's message on failure. */
  error: WritableSignal<string | null>;
}

/**
 * Loads what a page lists into its signals. An answer for which `current()`
 * is false (the page asked again since) is dropped.
 */
export function loadInto<T>(call: Observable<T>, target: LoadTarget<T>, current: () => boolean = () => true): void {
  target.loading.set(true);
  target.error.set(null);
  call.subscribe({
    next: (v) => {
      if (!current()) return;
      target.value.set(v);
      target.loading.set(false);
    },
    error: (e: unknown) => {
      if (!current()) return;
      target.loading.set(false);
      target.error.set(apiProblem(e).message);
    },
  });
}
