import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { UiButtonDirective } from '@ddx/ui';

/** "N things · page x of y" with Previous/Next, for a server-side paginated table. */
@Component({
  standalone: true,
  selector: 'app-admin-pager',
  imports: [UiButtonDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="flex flex-wrap items-center justify-between gap-2 border-t border-ink-100 px-5 py-3 text-sm">
      <span [attr.data-testid]="testid() + '-total'">{{ total() }} {{ total() === 1 ? noun() : noun() + 's' }} · page {{ page() }} of {{ totalPages() || 1 }}</span>
      <span class="flex gap-2">
        <button uiButton size="sm" variant="secondary" type="button" [disabled]="page() <= 1 || disabled()" (click)="go.emit(page() - 1)" [attr.data-testid]="testid() + '-prev'">Previous</button>
        <button uiButton size="sm" variant="secondary" type="button" [disabled]="page() >= totalPages() || disabled()" (click)="go.emit(page() + 1)" [attr.data-testid]="testid() + '-next'">Next</button>
      </span>
    </div>
  `,
})
export class AdminPagerComponent {
  readonly total = input.required<number>();
  readonly page = input.required<number>();
  readonly totalPages = input.required<number>();
  readonly noun = input('item');
  readonly testid = input('pager');
  readonly disabled = input(false);
  readonly go = output<number>();
}
