import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, input, output, signal } from '@angular/core';

import { UiButtonDirective } from '../button/button.directive';
import { copyText } from './clipboard';

let nextId = 0;

/** A read-only value (a share link) with a Copy button. */
@Component({
  standalone: true,
  selector: 'ui-copy-field',
  imports: [UiButtonDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'block' },
  template: `
    <label [attr.for]="id" class="sr-only">{{ label() }}</label>
    <div class="flex gap-2">
      <input
        [id]="id"
        type="text"
        readonly
        [value]="value()"
        (focus)="select($event)"
        class="block w-full min-w-0 rounded-lg border-0 bg-ink-50 px-3 py-2 font-mono text-sm text-ink-900 ring-1 ring-inset ring-ink-300 focus:outline-none focus:ring-2 focus:ring-brand-600"
        data-testid="copy-value"
      />
      <button uiButton type="button" [variant]="copied() ? 'secondary' : 'primary'" (click)="copy()" data-testid="copy-button">
        {{ copied() ? 'Copied' : 'Copy' }}
      </button>
    </div>
    <span class="sr-only" aria-live="polite">{{ copied() ? 'Link copied to the clipboard' : '' }}</span>
  `,
})
export class UiCopyFieldComponent {
  readonly value = input.required<string>();
  readonly label = input('Link');
  readonly copiedChange = output<boolean>();

  readonly id = `ui-copy-${++nextId}`;
  protected readonly copied = signal(false);
  private readonly document = inject(DOCUMENT);

  protected select(event: FocusEvent): void {
    (event.target as HTMLInputElement).select();
  }

  async copy(): Promise<void> {
    const ok = await copyText(this.value(), this.document);
    this.copiedChange.emit(ok);
    if (ok) {
      this.copied.set(true);
      setTimeout(() => this.copied.set(false), 2000);
    }
  }
}
