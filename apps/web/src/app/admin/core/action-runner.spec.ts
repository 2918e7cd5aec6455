import { HttpErrorResponse } from '@angular/common/http';
import { signal } from '@angular/core';
import { Observable, of, Subject, throwError } from 'rxjs';

import { ActionRunner } from './action-runner';

const refused = (message: string, details?: Array<{ path?: string; message: string }>) =>
  throwError(() => new HttpErrorResponse({ status: 409, error: { statusCode: 409, error: 'REFUSED', message, details } }));

function toasts() {
  return { success: jest.fn(), error: jest.fn() };
}

describe('ActionRunner', () => {
  it('holds the busy value while the call runs, then toasts and calls done', () => {
    const t = toasts();
    const busy = signal<'save' | 'check' | null>(null);
    const runner = new ActionRunner(t, busy, null);
    const answer = new Subject<{ n: number }>();
    let busyInDone: string | null | undefined;
    const done = jest.fn(() => {
      busyInDone = busy();
    });
    runner.run('save', answer as Observable<{ n: number }>, { ok: (r) => `saved ${r.n}`, done });
    expect(busy()).toBe('save');
    expect(done).not.toHaveBeenCalled();
    answer.next({ n: 3 });
    expect(busy()).toBeNull();
    expect(t.success).toHaveBeenCalledWith('saved 3');
    expect(done).toHaveBeenCalledWith({ n: 3 });
    expect(busyInDone).toBeNull();
    expect(t.error).not.toHaveBeenCalled();
  });

  it('takes a fixed success text and shows no toast without one', () => {
    const t = toasts();
    const busy = signal(false);
    const runner = new ActionRunner(t, busy, false);
    runner.run(true, of(null), { ok: 'Done.' });
    expect(t.success).toHaveBeenCalledWith('Done.');
    runner.run(true, of(null));
    expect(t.success).toHaveBeenCalledTimes(1);
    expect(busy()).toBe(false);
  });

  it("shows the API's message as an error toast by default", () => {
    const t = toasts();
    const busy = signal<string | null>(null);
    const done = jest.fn();
    new ActionRunner(t, busy, null).run('row-1', refused('Account is in use.'), { ok: 'never', done });
    expect(busy()).toBeNull();
    expect(t.error).toHaveBeenCalledWith('Account is in use.');
    expect(t.success).not.toHaveBeenCalled();
    expect(done).not.toHaveBeenCalled();
  });

  it('hands the message and the whole problem to fail instead of toasting', () => {
    const t = toasts();
    const busy = signal(false);
    const fail = jest.fn();
    new ActionRunner(t, busy, false).run(true, refused('Invalid request.', [{ message: 'Too short.' }]), { fail });
    expect(t.error).not.toHaveBeenCalled();
    expect(busy()).toBe(false);
    expect(fail).toHaveBeenCalledWith('Invalid request.', expect.objectContaining({ status: 409, code: 'REFUSED', details: [{ message: 'Too short.' }] }));
  });

  it('calls settled when the call ends either way, before done or fail', () => {
    const t = toasts();
    const order: string[] = [];
    const runner = new ActionRunner(t, signal(false), false);
    const handlers = { settled: () => order.push('settled'), done: () => order.push('done'), fail: () => order.push('fail') };
    runner.run(true, of(1), handlers);
    runner.run(true, refused('No.'), handlers);
    expect(order).toEqual(['settled', 'done', 'settled', 'fail']);
  });

  it('explains a failure that is not an API answer', () => {
    const t = toasts();
    new ActionRunner(t, signal(false), false).run(true, throwError(() => new Error('boom')));
    expect(t.error).toHaveBeenCalledWith('Something went wrong. Please try again.');
  });
});
