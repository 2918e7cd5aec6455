import { booleanAttribute, ChangeDetectionStrategy, Component, input } from '@angular/core';

/** A white panel; `heading` adds a titled header, `flush` drops the padding (for tables). */
@Component({
  standalone: true,
  selector: 'ui-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'block overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-ink-200' },
  template: `
    @if (heading()) {
      <div class="flex flex-wrap items-center justify-between gap-2 border-b border-ink-100 px-5 py-4">
        <h2 class="text-base font-semibold text-ink-900">{{ heading() }}</h2>
        <div class="flex flex-wrap items-center gap-2 empty:hidden"><ng-content select="[uiCardActions]" /></div>
      </div>
    }
    <div [class.p-5]="!flush()"><ng-content /></div>
  `,
})
export class UiCardComponent {
  readonly heading = input<string>('');
  readonly flush = input(false, { transform: booleanAttribute });
}
