import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, RouterOutlet } from '@angular/router';
import { UiToastsComponent } from '@ddx/ui';
import { filter } from 'rxjs';

import { SiteFooterComponent } from './components/layout/site-footer.component';
import { SiteHeaderComponent } from './components/layout/site-header.component';
import { MaintenanceBannerComponent } from './components/maintenance/maintenance-banner.component';

/** `/admin` and below (not `/administrators`), ignoring query and fragment. */
export function isAdminPath(url: string): boolean {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  return path === '/admin' || path.startsWith('/admin/');
}

@Component({
  standalone: true,
  selector: 'app-root',
  imports: [RouterOutlet, SiteHeaderComponent, SiteFooterComponent, UiToastsComponent, MaintenanceBannerComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <a
      href="#main"
      class="sr-only rounded-lg bg-white px-4 py-2 font-medium text-brand-700 shadow focus:not-sr-only focus:fixed focus:left-4 focus:top-4 focus:z-[70]"
      (click)="skip($event)"
      >Skip to content</a
    >
    <div class="flex min-h-full flex-col">
      <app-maintenance-banner [adminArea]="admin()" />
      <!-- The admin area has its own full-width layout (sidebar shell); one outlet either way, so pages are never re-created. -->
      @if (!admin()) {
        <app-site-header />
      }
      <main id="main" tabindex="-1" [class]="mainClass()">
        <router-outlet />
      </main>
      @if (!admin()) {
        <app-site-footer />
      }
    </div>
    <ui-toasts />
  `,
})
export class AppComponent {
  private readonly document = inject(DOCUMENT);
  private readonly path = signal(this.document.location?.pathname ?? '/');
  protected readonly admin = computed(() => isAdminPath(this.path()));
  protected readonly mainClass = computed(() => {
    if (!this.admin()) return 'mx-auto w-full max-w-5xl flex-1 px-4 py-8 focus:outline-none sm:py-10';
    // The sign-in page stands alone; every other admin page brings the shell.
    return this.path().startsWith('/admin/login') ? 'w-full flex-1 px-4 py-12 focus:outline-none sm:py-16' : 'w-full flex-1 focus:outline-none';
  });

  constructor() {
    inject(Router)
      .events.pipe(
        filter((e): e is NavigationEnd => e instanceof NavigationEnd),
        takeUntilDestroyed(inject(DestroyRef)),
      )
      .subscribe((e) => this.path.set(e.urlAfterRedirects.split(/[?#]/, 1)[0] ?? '/'));
  }

  /** The router would treat `#main` as a navigation; just move focus. */
  protected skip(event: Event): void {
    event.preventDefault();
    document.getElementById('main')?.focus();
  }
}
