import { ChangeDetectionStrategy, Component, effect, input, output, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { UiAlertComponent, UiButtonDirective, UiFieldComponent, UiInputDirective, UiModalComponent } from '@ddx/ui';

/**
 * Confirmation for a destructive admin action that takes a reason (written to
 * the activity log): says what will happen, asks for the reason (required or
 * optional), shows the API's refusal in place. Built on the accessible ui-modal.
 */
@Component({
  standalone: true,
  selector: 'app-admin-reason-dialog',
  imports: [FormsModule, UiAlertComponent, UiButtonDirective, UiFieldComponent, UiInputDirective, UiModalComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-modal [open]="open()" [title]="title()" (closed)="!busy() && cancelled.emit()">
      <p class="mb-3" data-testid="reason-dialog-message">{{ message() }}</p>
      @if (askReason()) {
        <ui-field [label]="reasonRequired() ? 'Reason' : 'Reason (optional)'" [required]="reasonRequired()" [error]="missing() ? 'A reason is required.' : null">
          <textarea uiInput rows="3" maxlength="500" name="reason" [ngModel]="reason()" (ngModelChange)="reason.set($event)" data-testid="reason-input"></textarea>
        </ui-field>
      }
      @if (error()) {
        <ui-alert tone="error" class="mt-3" data-testid="reason-dialog-error">{{ error() }}</ui-alert>
      }
      <div uiModalFooter class="contents">
        <button uiButton type="button" variant="secondary" [disabled]="busy()" (click)="cancelled.emit()" data-testid="reason-cancel">Cancel</button>
        <button uiButton type="button" [variant]="tone()" [busy]="busy()" [disabled]="busy()" (click)="submit()" data-testid="reason-confirm">
          {{ busy() ? 'Working…' : confirmLabel() }}
        </button>
      </div>
    </ui-modal>
  `,
})
export class AdminReasonDialogComponent {
  readonly open = input(false);
  readonly title = input.required<string>();
  readonly message = input('');
  readonly confirmLabel = input('Confirm');
  readonly tone = input<'primary' | 'danger'>('danger');
  readonly askReason = input(true);
  readonly reasonRequired = input(false);
  readonly busy = input(false);
  readonly error = input<string | null>(null);
  /** The trimmed reason ('' when none was given). */
  readonly confirmed = output<string>();
  readonly cancelled = output<void>();

  protected readonly reason = signal('');
  protected readonly missing = signal(false);

  constructor() {
    // A fresh form each time the dialog opens.
    effect(
      () => {
        if (this.open()) {
          this.reason.set('');
          this.missing.set(false);
        }
      },
      { allowSignalWrites: true },
    );
  }

  protected submit(): void {
    if (this.busy()) return;
    const reason = this.askReason() ? this.reason().trim() : '';
    if (this.askReason() && this.reasonRequired() && !reason) {
      this.missing.set(true);
      return;
    }
    this.missing.set(false);
    this.confirmed.emit(reason);
  }
}
