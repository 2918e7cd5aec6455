import { ChangeDetectionStrategy, Component, inject } from '@angular/core';

import { UiToastKind, UiToastService } from './toast.service';

const TONE: Record<UiToastKind, string> = {
  success: 'border-emerald-200 bg-emerald-50 text-emerald-900',
  error: 'border-rose-200 bg-rose-50 text-rose-900',
  info: 'border-ink-200 bg-white text-ink-900',
};

/** The live region toasts appear in; screen readers announce them. */
@Component({
  standalone: true,
  selector: 'ui-toasts',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="pointer-events-none fixed inset-x-0 bottom-0 z-[60] flex flex-col items-center gap-2 p-4 sm:items-end" aria-live="polite" role="status">
      @for (toast of toasts(); track toast.id) {
        <div
          class="pointer-events-auto flex w-full max-w-sm animate-ui-slide-in items-start gap-3 rounded-lg border px-4 py-3 text-sm shadow-lg"
          [class]="tone[toast.kind]"
          [attr.data-testid]="'toast-' + toast.kind"
        >
          <p class="flex-1">{{ toast.message }}</p>
          <button type="button" class="-m-1 rounded p-1 opacity-70 hover:opacity-100" (click)="service.dismiss(toast.id)" aria-label="Dismiss notification">
            <svg viewBox="0 0 20 20" fill="currentColor" class="h-4 w-4" aria-hidden="true">
              <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
            </svg>
          </button>
        </div>
      }
    </div>
  `,
})
export class UiToastsComponent {
  protected readonly service = inject(UiToastService);
  protected readonly toasts = this.service.toasts;
  protected readonly tone = TONE;
}
