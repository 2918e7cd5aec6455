import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** A page's heading, optional lead text and actions (`uiPageActions`), then its content. */
@Component({
  standalone: true,
  selector: 'ui-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'block' },
  template: `
    <div class="mb-8 flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
      <div class="min-w-0">
        <h1 class="text-2xl font-bold tracking-tight text-ink-900 sm:text-3xl">{{ title() }}</h1>
        @if (subtitle()) {
          <p class="mt-1 text-ink-600">{{ subtitle() }}</p>
        }
      </div>
      <div class="flex flex-wrap gap-2 empty:hidden"><ng-content select="[uiPageActions]" /></div>
    </div>
    <div class="space-y-6"><ng-content /></div>
  `,
})
export class UiPageComponent {
  readonly title = input.required<string>();
  readonly subtitle = input<string>('');
}
