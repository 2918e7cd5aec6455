import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterOutlet } from '@angular/router';

import { SiteFooterComponent } from './components/layout/site-footer.component';
import { SiteHeaderComponent } from './components/layout/site-header.component';

@Component({
  standalone: true,
  selector: 'app-root',
  imports: [RouterOutlet, SiteHeaderComponent, SiteFooterComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="flex min-h-full flex-col">
      <app-site-header />
      <main class="mx-auto w-full max-w-5xl flex-1 px-4 py-10">
        <router-outlet />
      </main>
      <app-site-footer />
    </div>
  `,
})
export class AppComponent {}
