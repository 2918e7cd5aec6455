import { HttpErrorResponse } from '@angular/common/http';
import { signal } from '@angular/core';
import { BulkResult } from '@ddx/contracts';
import { Observable, of, Subject, throwError } from 'rxjs';

import { BulkRunner } from './bulk-runner';
import { Selection } from './selection';

type Action = 'ban' | 'reactivate';

function setup(call: (body: { ids: string[]; action: Action; reason?: string }) => Observable<BulkResult>) {
  const toasts = { success: jest.fn(), error: jest.fn() };
  const selection = new Selection();
  const action = signal<Action | null>(null);
  const busy = signal(false);
  const error = signal<string | null>('old error');
  const reload = jest.fn();
  const calls: Array<{ ids: string[]; action: Action; reason?: string }> = [];
  const runner = new BulkRunner<Action>({
    toasts,
    selection,
    action,
    busy,
    error,
    label: (a) => (a === 'ban' ? 'Ban' : 'Reactivate'),
    names: () => new Map([['u1', 'ann@example.org'], ['u2', 'bob@example.org']]),
    call: (body) => {
      calls.push(body);
      return call(body);
    },
    reload,
  });
  return { runner, toasts, selection, action, busy, error, reload, calls };
}

describe('BulkRunner', () => {
  it('asking opens the dialog for the action and clears an old error', () => {
    const s = setup(() => of({ action: 'ban', succeeded: [], failed: [] }));
    s.runner.ask('ban');
    expect(s.action()).toBe('ban');
    expect(s.error()).toBeNull();
  });

  it('runs on the selected ids with the reason, then closes, clears, toasts and reloads', () => {
    const answer = new Subject<BulkResult>();
    const s = setup(() => answer);
    s.selection.setAll(['u1', 'u2'], true);
    s.runner.ask('ban');
    s.runner.run('spam');
    expect(s.calls).toEqual([{ ids: ['u1', 'u2'], action: 'ban', reason: 'spam' }]);
    expect(s.busy()).toBe(true);
    s.runner.run('again');
    expect(s.calls).toHaveLength(1);
    answer.next({ action: 'ban', succeeded: ['u1', 'u2'], failed: [] });
    expect(s.busy()).toBe(false);
    expect(s.action()).toBeNull();
    expect(s.selection.size()).toBe(0);
    expect(s.toasts.success).toHaveBeenCalledWith('Ban: 2 done.');
    expect(s.reload).toHaveBeenCalledTimes(1);
  });

  it('leaves out an empty reason and names a refused row in an error toast', () => {
    const s = setup(() => of({ action: 'reactivate', succeeded: ['u1'], failed: [{ id: 'u2', error: 'PERMISSION_DENIED', message: 'Not allowed.' }] }));
    s.selection.setAll(['u1', 'u2'], true);
    s.runner.ask('reactivate');
    s.runner.run('');
    expect(s.calls).toEqual([{ ids: ['u1', 'u2'], action: 'reactivate' }]);
    expect(s.toasts.error).toHaveBeenCalledWith('Reactivate: 1 done; 1 refused — bob@example.org: Not allowed.');
    expect(s.toasts.success).not.toHaveBeenCalled();
  });

  it('does nothing without an action or a selection', () => {
    const s = setup(() => of({ action: 'ban', succeeded: [], failed: [] }));
    s.runner.run('x');
    s.runner.ask('ban');
    s.runner.run('x');
    expect(s.calls).toHaveLength(0);
  });

  it('keeps the dialog and the selection and shows the refusal in the dialog', () => {
    const s = setup(() => throwError(() => new HttpErrorResponse({ status: 403, error: { statusCode: 403, error: 'PERMISSION_DENIED', message: 'You may not.' } })));
    s.selection.toggle('u1');
    s.runner.ask('ban');
    s.runner.run('why');
    expect(s.busy()).toBe(false);
    expect(s.action()).toBe('ban');
    expect(s.selection.values()).toEqual(['u1']);
    expect(s.error()).toBe('You may not.');
    expect(s.toasts.error).not.toHaveBeenCalled();
    expect(s.reload).not.toHaveBeenCalled();
  });
});
