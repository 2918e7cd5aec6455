import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** What a list or page shows when there is nothing (yet); actions go in the content. */
@Component({
  standalone: true,
  selector: 'ui-empty-state',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'block' },
  template: `
    <div class="flex flex-col items-center px-6 py-12 text-center">
      <div class="flex h-12 w-12 items-center justify-center rounded-full bg-brand-50 text-brand-600" aria-hidden="true">
        @switch (icon()) {
          @case ('search') {
            <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" class="h-6 w-6"><circle cx="11" cy="11" r="7" /><path d="m20 20-3.5-3.5" stroke-linecap="round" /></svg>
          }
          @case ('missing') {
            <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" class="h-6 w-6"><path d="M12 9v4m0 4h.01M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z" stroke-linecap="round" stroke-linejoin="round" /></svg>
          }
          @default {
            <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" class="h-6 w-6"><path d="M3 7.5A2.5 2.5 0 0 1 5.5 5H10l2 2h6.5A2.5 2.5 0 0 1 21 9.5v8a2.5 2.5 0 0 1-2.5 2.5h-13A2.5 2.5 0 0 1 3 17.5v-10Z" stroke-linejoin="round" /></svg>
          }
        }
      </div>
      <h2 class="mt-4 text-base font-semibold text-ink-900">{{ title() }}</h2>
      @if (message()) {
        <p class="mt-1 max-w-sm text-sm text-ink-600">{{ message() }}</p>
      }
      <div class="mt-6 flex flex-wrap justify-center gap-3 empty:hidden"><ng-content /></div>
    </div>
  `,
})
export class UiEmptyStateComponent {
  readonly title = input.required<string>();
  readonly message = input<string>('');
  readonly icon = input<'folder' | 'search' | 'missing'>('folder');
}
