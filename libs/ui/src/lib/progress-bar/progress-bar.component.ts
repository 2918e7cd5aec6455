import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

export type UiTone = 'brand' | 'success' | 'warning' | 'danger' | 'neutral';

const BAR: Record<UiTone, string> = {
  brand: 'bg-brand-600',
  success: 'bg-emerald-500',
  warning: 'bg-amber-500',
  danger: 'bg-rose-600',
  neutral: 'bg-ink-400',
};

/** Colour of a usage bar: red from 90 %, amber from 75 %. */
export function usageTone(percent: number): UiTone {
  return percent >= 90 ? 'danger' : percent >= 75 ? 'warning' : 'brand';
}

@Component({
  standalone: true,
  selector: 'ui-progress-bar',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'block' },
  template: `
    <div
      role="progressbar"
      [attr.aria-label]="label()"
      aria-valuemin="0"
      aria-valuemax="100"
      [attr.aria-valuenow]="indeterminate() ? null : clamped()"
      [attr.aria-valuetext]="valueText() || null"
      class="relative w-full overflow-hidden rounded-full bg-ink-200"
      [class.h-2]="size() === 'sm'"
      [class.h-3]="size() === 'md'"
    >
      @if (indeterminate()) {
        <div class="absolute inset-y-0 w-2/5 animate-ui-indeterminate rounded-full" [class]="bar()"></div>
      } @else {
        <div class="h-full rounded-full transition-[width] duration-300" [class]="bar()" [style.width.%]="clamped()"></div>
      }
    </div>
  `,
})
export class UiProgressBarComponent {
  /** 0–100 */
  readonly value = input(0);
  readonly label = input.required<string>();
  readonly valueText = input<string>('');
  readonly tone = input<UiTone>('brand');
  readonly size = input<'sm' | 'md'>('md');
  readonly indeterminate = input(false);

  protected readonly clamped = computed(() => Math.round(Math.min(100, Math.max(0, this.value())) * 10) / 10);
  protected readonly bar = computed(() => BAR[this.tone()]);
}
