import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { filter, fromEvent, interval } from 'rxjs';

import { MaintenanceState } from './maintenance-state';

/** How often the shell re-asks whether maintenance is on (also whenever the tab comes back into view). */
export const MAINTENANCE_POLL_MS = 60_000;

/** A bar above every page while the api is in maintenance mode, with the admin's message. */
@Component({
  standalone: true,
  selector: 'app-maintenance-banner',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (state.active()) {
      <div role="status" class="border-b border-amber-200 bg-amber-50 px-4 py-3 text-center text-sm text-amber-900" data-testid="maintenance-banner">
        @if (adminArea()) {
          <strong class="font-semibold">Maintenance mode is on.</strong>
          Everyone but admins gets “service unavailable” and sees: <span data-testid="maintenance-message">{{ state.message() }}</span>
        } @else {
          <strong class="mr-1 font-semibold">Down for maintenance.</strong>
          <span data-testid="maintenance-message">{{ state.message() }}</span>
        }
      </div>
    }
  `,
})
export class MaintenanceBannerComponent {
  protected readonly state = inject(MaintenanceState);
  /** In the admin area the wording addresses the admin, who is not locked out. */
  readonly adminArea = input(false);

  constructor() {
    const document = inject(DOCUMENT);
    this.state.refresh();
    interval(MAINTENANCE_POLL_MS)
      .pipe(
        filter(() => document.visibilityState !== 'hidden'),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.state.refresh());
    fromEvent(document, 'visibilitychange')
      .pipe(
        filter(() => document.visibilityState === 'visible'),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.state.refresh());
  }
}
