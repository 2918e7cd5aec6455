import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { UiToastsComponent } from '@ddx/ui';

import { SiteFooterComponent } from './components/layout/site-footer.component';
import { SiteHeaderComponent } from './components/layout/site-header.component';

@Component({
  standalone: true,
  selector: 'app-root',
  imports: [RouterOutlet, SiteHeaderComponent, SiteFooterComponent, UiToastsComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <a
      href="#main"
      class="sr-only rounded-lg bg-white px-4 py-2 font-medium text-brand-700 shadow focus:not-sr-only focus:fixed focus:left-4 focus:top-4 focus:z-[70]"
      (click)="skip($event)"
      >Skip to content</a
    >
    <div class="flex min-h-full flex-col">
      <app-site-header />
      <main id="main" tabindex="-1" class="mx-auto w-full max-w-5xl flex-1 px-4 py-8 focus:outline-none sm:py-10">
        <router-outlet />
      </main>
      <app-site-footer />
    </div>
    <ui-toasts />
  `,
})
export class AppComponent {
  /** The router would treat `#main` as a navigation; just move focus. */
  protected skip(event: Event): void {
    event.preventDefault();
    document.getElementById('main')?.focus();
  }
}
