import { WritableSignal } from '@angular/core';
import { Observable } from 'rxjs';

import { ApiProblem, apiProblem } from '../../core/api-problem';

/** The part of UiToastService an action needs. */
export interface ActionToasts {
  success(message: string): unknown;
  error(message: string): unknown;
}

export interface ActionHandlers<T> {
  /** When the call ends either way, first: e.g. close the confirmation dialog. */
  settled?: () => void;
  /** Success toast: a text, or one built from the answer. */
  ok?: string | ((result: T) => string);
  /** After success (and the toast): close a dialog, reload… */
  done?: (result: T) => void;
  /** Where a failure goes; an error toast with the API's message unless given. */
  fail?: (message: string, problem: ApiProblem) => void;
}

/**
 * Runs one admin action against the API: `busy` holds the given value while it
 * runs and goes back to `idle` when it ends; success shows a toast and calls
 * `done`, failure reports `apiProblem(e).message`.
 *
 *   new ActionRunner(toasts, this.busy, null)   // busy: 'backup' | 'release' | null
 *   new ActionRunner(toasts, this.saving, false) // busy: boolean
 */
export class ActionRunner<B> {
  constructor(
    private readonly toasts: ActionToasts,
    readonly busy: WritableSignal<B>,
    private readonly idle: B,
  ) {}

  run<T>(busy: B, call: Observable<T>, handlers: ActionHandlers<T> = {}): void {
    this.busy.set(busy);
    call.subscribe({
      next: (result) => {
        this.busy.set(this.idle);
        handlers.settled?.();
        const ok = typeof handlers.ok === 'function' ? handlers.ok(result) : handlers.ok;
        if (ok) this.toasts.success(ok);
        handlers.done?.(result);
      },
      error: (e: unknown) => {
        this.busy.set(this.idle);
        handlers.settled?.();
        const problem = apiProblem(e);
        if (handlers.fail) handlers.fail(problem.message, problem);
        else this.toasts.error(problem.message);
      },
    });
  }
}
