import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

import { UiButtonDirective } from '../button/button.directive';
import { UiModalComponent } from './modal.component';

/** "Are you sure?" with a cancel and a confirm button; cancel gets focus first. */
@Component({
  standalone: true,
  selector: 'ui-confirm-dialog',
  imports: [UiModalComponent, UiButtonDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-modal [open]="open()" [title]="title()" (closed)="!busy() && cancelled.emit()">
      <p>{{ message() }}</p>
      <div uiModalFooter class="contents">
        <button uiButton type="button" variant="secondary" [disabled]="busy()" (click)="cancelled.emit()" data-testid="confirm-cancel">
          {{ cancelLabel() }}
        </button>
        <button uiButton type="button" [variant]="tone()" [busy]="busy()" [disabled]="busy()" (click)="confirmed.emit()" data-testid="confirm-ok">
          {{ busy() ? 'Working…' : confirmLabel() }}
        </button>
      </div>
    </ui-modal>
  `,
})
export class UiConfirmDialogComponent {
  readonly open = input(false);
  readonly title = input.required<string>();
  readonly message = input('');
  readonly confirmLabel = input('Confirm');
  readonly cancelLabel = input('Cancel');
  readonly tone = input<'primary' | 'danger'>('danger');
  readonly busy = input(false);
  readonly confirmed = output<void>();
  readonly cancelled = output<void>();
}
