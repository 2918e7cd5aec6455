import { booleanAttribute, computed, Directive, input } from '@angular/core';

export type UiButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';
export type UiButtonSize = 'sm' | 'md' | 'lg';

const BASE =
  'inline-flex items-center justify-center gap-2 rounded-lg font-medium transition-colors select-none ' +
  'focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2 ' +
  'disabled:cursor-not-allowed disabled:opacity-50 aria-disabled:cursor-not-allowed aria-disabled:opacity-50';

const VARIANTS: Record<UiButtonVariant, string> = {
  primary: 'bg-brand-600 text-white shadow-sm hover:bg-brand-700 active:bg-brand-800',
  secondary: 'bg-white text-ink-800 shadow-sm ring-1 ring-inset ring-ink-300 hover:bg-ink-50',
  danger: 'bg-rose-600 text-white shadow-sm hover:bg-rose-700 active:bg-rose-800',
  ghost: 'text-ink-700 hover:bg-ink-100 hover:text-ink-900',
};

const SIZES: Record<UiButtonSize, string> = {
  sm: 'px-2.5 py-1.5 text-sm',
  md: 'px-4 py-2 text-sm',
  lg: 'px-5 py-3 text-base',
};

/** Styles a native `<button>` or `<a>`: keyboard, forms and links keep working as the platform does. */
@Directive({
  standalone: true,
  selector: 'button[uiButton], a[uiButton]',
  host: {
    '[class]': 'classes()',
    '[attr.aria-busy]': 'busy() || null',
  },
})
export class UiButtonDirective {
  readonly variant = input<UiButtonVariant>('primary');
  readonly size = input<UiButtonSize>('md');
  readonly block = input(false, { transform: booleanAttribute });
  /** Shows work in progress (the caller also disables the button). */
  readonly busy = input(false);

  protected readonly classes = computed(
    () => `${BASE} ${VARIANTS[this.variant()]} ${SIZES[this.size()]}${this.block() ? ' w-full' : ''}${this.busy() ? ' cursor-progress' : ''}`,
  );
}
