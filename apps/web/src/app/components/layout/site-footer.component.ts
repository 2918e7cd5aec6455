import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink } from '@angular/router';

import { UserSession } from '../../core/user-session';

@Component({
  standalone: true,
  selector: 'app-site-footer',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <footer class="border-t border-ink-200 bg-white">
      <div class="mx-auto grid max-w-5xl gap-8 px-4 py-8 text-sm sm:grid-cols-3">
        <div>
          <p class="font-semibold text-ink-900">DirectDriveX</p>
          <p class="mt-2 text-ink-500">Self-hosted file transfer: upload, share one link, download anywhere.</p>
        </div>
        <nav aria-label="Product">
          <p class="font-semibold text-ink-900">Product</p>
          <ul class="mt-2 space-y-1.5">
            <li><a routerLink="/" class="text-ink-600 hover:text-ink-900">Upload a file</a></li>
            <li><a routerLink="/how-it-works" class="text-ink-600 hover:text-ink-900">How it works</a></li>
            <li><a routerLink="/how-it-works" fragment="faq" class="text-ink-600 hover:text-ink-900">FAQ</a></li>
          </ul>
        </nav>
        <nav aria-label="Account and developers">
          <p class="font-semibold text-ink-900">Account &amp; developers</p>
          <ul class="mt-2 space-y-1.5">
            @if (session.signedIn()) {
              <li><a routerLink="/dashboard" class="text-ink-600 hover:text-ink-900">My files</a></li>
              <li><a routerLink="/profile" class="text-ink-600 hover:text-ink-900">Profile</a></li>
            } @else {
              <li><a routerLink="/login" class="text-ink-600 hover:text-ink-900">Sign in</a></li>
              <li><a routerLink="/register" class="text-ink-600 hover:text-ink-900">Create an account</a></li>
            }
            <li><a href="/api/docs" class="text-ink-600 hover:text-ink-900">API documentation</a></li>
          </ul>
        </nav>
      </div>
      <div class="border-t border-ink-100">
        <p class="mx-auto max-w-5xl px-4 py-4 text-xs text-ink-500">© {{ year }} DirectDriveX</p>
      </div>
    </footer>
  `,
})
export class SiteFooterComponent {
  protected readonly session = inject(UserSession);
  readonly year = new Date().getFullYear();
}
