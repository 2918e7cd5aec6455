import { ChangeDetectionStrategy, Component, effect, ElementRef, inject, input, output, viewChild } from '@angular/core';
import { DOCUMENT } from '@angular/common';

let nextId = 0;

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog: focus moves into it when it opens, Tab stays inside, Escape
 * and the backdrop close it, and focus returns to where it was afterwards.
 * Put buttons in an element marked `uiModalFooter`.
 */
@Component({
  standalone: true,
  selector: 'ui-modal',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (open()) {
      <div class="fixed inset-0 z-50 flex items-end justify-center bg-ink-900/50 p-4 sm:items-center" (click)="onBackdrop($event)" data-testid="modal-backdrop">
        <div
          #panel
          role="dialog"
          aria-modal="true"
          [attr.aria-labelledby]="titleId"
          class="w-full max-w-md animate-ui-slide-in rounded-xl bg-white shadow-xl ring-1 ring-ink-900/5"
          (keydown)="onKeydown($event)"
        >
          <div class="px-6 pt-5">
            <h2 [id]="titleId" class="text-lg font-semibold text-ink-900">{{ title() }}</h2>
          </div>
          <div class="px-6 py-4 text-sm text-ink-700">
            <ng-content />
          </div>
          <div class="flex flex-col-reverse gap-2 rounded-b-xl bg-ink-50 px-6 py-3 sm:flex-row sm:justify-end">
            <ng-content select="[uiModalFooter]" />
          </div>
        </div>
      </div>
    }
  `,
})
export class UiModalComponent {
  readonly open = input(false);
  readonly title = input.required<string>();
  /** Escape and backdrop clicks ask to close; the owner decides by setting `open`. */
  readonly closed = output<void>();

  readonly titleId = `ui-modal-${++nextId}-title`;
  private readonly panel = viewChild<ElementRef<HTMLElement>>('panel');
  private readonly document = inject(DOCUMENT);
  private returnFocusTo: HTMLElement | null = null;

  constructor() {
    effect(() => {
      const panel = this.panel()?.nativeElement;
      if (panel) {
        this.returnFocusTo = this.document.activeElement as HTMLElement | null;
        // Let the content render before choosing what to focus.
        setTimeout(() => (this.focusables(panel)[0] ?? panel).focus());
      } else if (this.returnFocusTo) {
        const target = this.returnFocusTo;
        this.returnFocusTo = null;
        setTimeout(() => target.focus());
      }
    });
  }

  protected onBackdrop(event: MouseEvent): void {
    if (event.target === event.currentTarget) this.closed.emit();
  }

  protected onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.stopPropagation();
      this.closed.emit();
      return;
    }
    if (event.key !== 'Tab') return;
    const panel = this.panel()?.nativeElement;
    if (!panel) return;
    const items = this.focusables(panel);
    if (!items.length) {
      event.preventDefault();
      return;
    }
    const first = items[0] as HTMLElement;
    const last = items[items.length - 1] as HTMLElement;
    const active = this.document.activeElement;
    if (event.shiftKey && (active === first || !panel.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  }

  private focusables(panel: HTMLElement): HTMLElement[] {
    return Array.from(panel.querySelectorAll<HTMLElement>(FOCUSABLE));
  }
}
