import { Directive, inject } from '@angular/core';

import { UiFieldComponent } from './field.component';

const BASE =
  'block w-full rounded-lg border-0 bg-white px-3 py-2 text-ink-900 shadow-sm ring-1 ring-inset ring-ink-300 ' +
  'placeholder:text-ink-400 focus:outline-none focus:ring-2 focus:ring-inset focus:ring-brand-600 ' +
  'disabled:cursor-not-allowed disabled:bg-ink-50 disabled:text-ink-500 ' +
  'aria-[invalid=true]:ring-rose-500 aria-[invalid=true]:focus:ring-rose-600 sm:text-sm';

/** Styles a native input/select/textarea; inside `<ui-field>` it is wired to the label and the error text. */
@Directive({
  standalone: true,
  selector: 'input[uiInput], textarea[uiInput], select[uiInput]',
  host: {
    class: BASE,
    '[attr.id]': 'field?.controlId ?? null',
    '[attr.aria-invalid]': 'field?.invalid() ? "true" : null',
    '[attr.aria-describedby]': 'field?.describedBy() ?? null',
  },
})
export class UiInputDirective {
  protected readonly field = inject(UiFieldComponent, { optional: true });
}
