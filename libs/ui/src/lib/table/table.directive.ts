import { Directive } from '@angular/core';

/** One table look: put it on a native `<table>` (wrap it in `overflow-x-auto` on small screens). */
@Directive({
  standalone: true,
  selector: 'table[uiTable]',
  host: {
    class:
      'min-w-full divide-y divide-ink-200 text-left text-sm ' +
      '[&_thead]:bg-ink-50 [&_th]:px-4 [&_th]:py-3 [&_th]:text-xs [&_th]:font-semibold [&_th]:uppercase [&_th]:tracking-wide [&_th]:text-ink-600 ' +
      '[&_tbody]:divide-y [&_tbody]:divide-ink-100 [&_tbody]:bg-white [&_td]:px-4 [&_td]:py-3 [&_td]:align-middle [&_td]:text-ink-800 ' +
      '[&_tbody_tr:hover]:bg-ink-50/60',
  },
})
export class UiTableDirective {}
