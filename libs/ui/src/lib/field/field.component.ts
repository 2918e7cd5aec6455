import { booleanAttribute, ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

let nextId = 0;

/**
 * A labelled form control with hint and error text. The projected
 * `<input uiInput>` gets its id, `aria-invalid` and `aria-describedby` from here.
 */
@Component({
  standalone: true,
  selector: 'ui-field',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'block' },
  template: `
    <label [attr.for]="controlId" class="mb-1 block text-sm font-medium text-ink-800">
      {{ label() }}
      @if (required()) {
        <span class="text-rose-600" aria-hidden="true">*</span>
      }
    </label>
    <ng-content />
    @if (error()) {
      <p [id]="errorId" class="mt-1 text-sm text-rose-700" data-testid="field-error">{{ error() }}</p>
    } @else if (hint()) {
      <p [id]="hintId" class="mt-1 text-sm text-ink-500">{{ hint() }}</p>
    }
  `,
})
export class UiFieldComponent {
  readonly label = input.required<string>();
  /** Shown instead of the hint; marks the control invalid. */
  readonly error = input<string | null | undefined>(null);
  readonly hint = input<string | null | undefined>(null);
  readonly required = input(false, { transform: booleanAttribute });

  private readonly n = ++nextId;
  readonly controlId = `ui-field-${this.n}`;
  readonly errorId = `ui-field-${this.n}-error`;
  readonly hintId = `ui-field-${this.n}-hint`;

  readonly invalid = computed(() => !!this.error());
  readonly describedBy = computed(() => (this.error() ? this.errorId : this.hint() ? this.hintId : null));
}
