import { WritableSignal } from '@angular/core';
import { BulkResult } from '@ddx/contracts';
import { Observable } from 'rxjs';

import { ActionRunner, ActionToasts } from './action-runner';
import { bulkSummary } from './bulk-summary';
import { Selection } from './selection';

export interface BulkRunnerOptions<A extends string> {
  toasts: ActionToasts;
  selection: Selection;
  /** The action whose confirmation dialog is open, null when closed. */
  action: WritableSignal<A | null>;
  busy: WritableSignal<boolean>;
  /** The dialog's error line. */
  error: WritableSignal<string | null>;
  label: (action: A) => string;
  /** Names of the listed ids, for the refusal toast (read when a run starts). */
  names: () => ReadonlyMap<string, string>;
  call: (body: { ids: string[]; action: A; reason?: string }) => Observable<BulkResult>;
  reload: () => void;
}

/**
 * A bulk action on the ticked rows of a table: ask (open the dialog), then run
 * with the ids and the reason; on an answer the dialog closes, the selection is
 * cleared, a toast sums it up (`bulkSummary`) and the list reloads; a refused
 * request shows its message in the dialog.
 */
export class BulkRunner<A extends string> {
  private readonly runner: ActionRunner<boolean>;

  constructor(private readonly o: BulkRunnerOptions<A>) {
    this.runner = new ActionRunner(o.toasts, o.busy, false);
  }

  ask(action: A): void {
    this.o.error.set(null);
    this.o.action.set(action);
  }

  run(reason: string): void {
    const { o } = this;
    const action = o.action();
    const ids = o.selection.values();
    if (!action || !ids.length || o.busy()) return;
    o.error.set(null);
    const names = o.names();
    const label = o.label(action);
    this.runner.run(true, o.call({ ids, action, ...(reason ? { reason } : {}) }), {
      done: (r) => {
        o.action.set(null);
        o.selection.clear();
        const s = bulkSummary(r, (id) => names.get(id) ?? id);
        if (s.ok) o.toasts.success(`${label}: ${s.text}.`);
        else o.toasts.error(`${label}: ${s.text}`);
        o.reload();
      },
      fail: (message) => o.error.set(message),
    });
  }
}
