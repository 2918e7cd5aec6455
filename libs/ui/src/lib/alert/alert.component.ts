import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

export type UiAlertTone = 'info' | 'success' | 'warning' | 'error';

const TONE: Record<UiAlertTone, string> = {
  info: 'bg-brand-50 text-brand-900 ring-brand-200',
  success: 'bg-emerald-50 text-emerald-900 ring-emerald-200',
  warning: 'bg-amber-50 text-amber-900 ring-amber-200',
  error: 'bg-rose-50 text-rose-900 ring-rose-200',
};

/** An inline message; errors are announced (`role="alert"`). */
@Component({
  standalone: true,
  selector: 'ui-alert',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    '[class]': 'classes()',
    '[attr.role]': 'tone() === "error" ? "alert" : "status"',
  },
  template: `
    @if (heading()) {
      <p class="font-semibold">{{ heading() }}</p>
    }
    <div><ng-content /></div>
  `,
})
export class UiAlertComponent {
  readonly tone = input<UiAlertTone>('info');
  readonly heading = input<string>('');
  protected readonly classes = computed(() => `block rounded-lg px-4 py-3 text-sm ring-1 ring-inset ${TONE[this.tone()]}`);
}
