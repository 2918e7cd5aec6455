import { HttpErrorResponse } from '@angular/common/http';
import { signal } from '@angular/core';
import { Subject } from 'rxjs';

import { loadInto } from './load-into';

function target() {
  return { value: signal<{ total: number } | null>(null), loading: signal(false), error: signal<string | null>('old error') };
}

describe('loadInto', () => {
  it('marks loading and clears the error, then stores the answer', () => {
    const t = target();
    const answer = new Subject<{ total: number }>();
    loadInto(answer, t);
    expect(t.loading()).toBe(true);
    expect(t.error()).toBeNull();
    answer.next({ total: 4 });
    expect(t.value()).toEqual({ total: 4 });
    expect(t.loading()).toBe(false);
  });

  it("keeps the last value and shows the API's message on failure", () => {
    const t = target();
    t.value.set({ total: 1 });
    const answer = new Subject<{ total: number }>();
    loadInto(answer, t);
    answer.error(new HttpErrorResponse({ status: 403, error: { statusCode: 403, error: 'PERMISSION_DENIED', message: 'Not for you.' } }));
    expect(t.loading()).toBe(false);
    expect(t.error()).toBe('Not for you.');
    expect(t.value()).toEqual({ total: 1 });
  });

  it('drops an answer that is no longer current', () => {
    const t = target();
    let generation = 0;
    const older = new Subject<{ total: number }>();
    const newer = new Subject<{ total: number }>();
    const first = ++generation;
    loadInto(older, t, () => first === generation);
    const second = ++generation;
    loadInto(newer, t, () => second === generation);
    newer.next({ total: 2 });
    older.next({ total: 1 });
    older.error(new Error('late'));
    expect(t.value()).toEqual({ total: 2 });
    expect(t.error()).toBeNull();
    expect(t.loading()).toBe(false);
  });
});
