import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

import { UiTone } from '../progress-bar/progress-bar.component';

const TONE: Record<UiTone, string> = {
  brand: 'bg-brand-50 text-brand-700 ring-brand-600/20',
  success: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  warning: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  danger: 'bg-rose-50 text-rose-700 ring-rose-600/20',
  neutral: 'bg-ink-50 text-ink-700 ring-ink-500/20',
};

@Component({
  standalone: true,
  selector: 'ui-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[class]': 'classes()' },
  template: `<ng-content />`,
})
export class UiBadgeComponent {
  readonly tone = input<UiTone>('neutral');
  protected readonly classes = computed(() => `inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONE[this.tone()]}`);
}
