import { catchError, map, Observable, of, startWith, switchMap } from 'rxjs';

import { apiProblem } from './api-problem';

/** Something fetched by a page: loading, there, not there (404), or failed. */
export type Loaded<T> = { status: 'loading' } | { status: 'ready'; value: T } | { status: 'missing' } | { status: 'error'; message: string };

/** Loads by id each time the id changes; 404 (and 400 for a malformed id) mean "missing". */
export function loadById<T>(id$: Observable<string>, fetch: (id: string) => Observable<T>): Observable<Loaded<T>> {
  return id$.pipe(
    switchMap((id) =>
      fetch(id).pipe(
        map((value): Loaded<T> => ({ status: 'ready', value })),
        catchError((e: unknown) => {
          const p = apiProblem(e);
          return of<Loaded<T>>(p.status === 404 || p.status === 400 ? { status: 'missing' } : { status: 'error', message: p.message });
        }),
        startWith<Loaded<T>>({ status: 'loading' }),
      ),
    ),
  );
}
