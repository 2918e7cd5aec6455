import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NavigationEnd, Router, RouterLink, RouterLinkActive } from '@angular/router';
import { UiButtonDirective, UiToastService } from '@ddx/ui';
import { filter } from 'rxjs';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';

import { UserSession } from '../../core/user-session';
import { AuthService } from '../../services/auth.service';
import { NotificationBellComponent } from '../notifications/notification-bell.component';
import { VerifyEmailBannerComponent } from './verify-email-banner.component';

interface NavLink {
  path: string;
  label: string;
  exact?: boolean;
}

@Component({
  standalone: true,
  selector: 'app-site-header',
  imports: [RouterLink, RouterLinkActive, UiButtonDirective, NotificationBellComponent, VerifyEmailBannerComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <header class="border-b border-ink-200 bg-white">
      <div class="mx-auto flex max-w-5xl items-center justify-between gap-4 px-4 py-3">
        <a routerLink="/" class="flex items-center gap-2 rounded-lg text-xl font-semibold tracking-tight text-ink-900" aria-label="DirectDriveX home">
          <span class="inline-flex h-8 w-8 items-center justify-center rounded-lg bg-brand-600 text-sm font-bold text-white" aria-hidden="true">DX</span>
          DirectDriveX
        </a>

        <div class="ml-auto flex items-center gap-2">
        <nav class="hidden items-center gap-1 text-sm font-medium md:flex" aria-label="Main">
          @for (link of links(); track link.path) {
            <a
              [routerLink]="link.path"
              routerLinkActive="bg-brand-50 text-brand-700"
              [routerLinkActiveOptions]="{ exact: !!link.exact }"
              ariaCurrentWhenActive="page"
              class="rounded-lg px-3 py-2 text-ink-600 hover:bg-ink-100 hover:text-ink-900"
              >{{ link.label }}</a
            >
          }
          @if (session.signedIn()) {
            <button uiButton variant="secondary" size="sm" type="button" class="ml-2" (click)="signOut()" data-testid="sign-out">Sign out</button>
          } @else {
            <a uiButton size="sm" routerLink="/register" class="ml-2">Create account</a>
          }
        </nav>

        <app-notification-bell />
        </div>

        <button
          type="button"
          class="inline-flex items-center justify-center rounded-lg p-2 text-ink-700 hover:bg-ink-100 md:hidden"
          [attr.aria-expanded]="menuOpen()"
          aria-controls="mobile-menu"
          (click)="menuOpen.set(!menuOpen())"
        >
          <span class="sr-only">{{ menuOpen() ? 'Close menu' : 'Open menu' }}</span>
          <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" class="h-6 w-6" aria-hidden="true">
            @if (menuOpen()) {
              <path d="M6 6l12 12M18 6 6 18" stroke-linecap="round" />
            } @else {
              <path d="M4 7h16M4 12h16M4 17h16" stroke-linecap="round" />
            }
          </svg>
        </button>
      </div>

      @if (menuOpen()) {
        <nav id="mobile-menu" class="border-t border-ink-100 px-4 pb-4 pt-2 md:hidden" aria-label="Main (mobile)">
          @for (link of links(); track link.path) {
            <a
              [routerLink]="link.path"
              routerLinkActive="bg-brand-50 text-brand-700"
              [routerLinkActiveOptions]="{ exact: !!link.exact }"
              ariaCurrentWhenActive="page"
              class="block rounded-lg px-3 py-2 text-base font-medium text-ink-700 hover:bg-ink-100"
              >{{ link.label }}</a
            >
          }
          @if (session.signedIn()) {
            <button type="button" class="block w-full rounded-lg px-3 py-2 text-left text-base font-medium text-ink-700 hover:bg-ink-100" (click)="signOut()">Sign out</button>
          } @else {
            <a routerLink="/register" class="block rounded-lg px-3 py-2 text-base font-medium text-brand-700 hover:bg-ink-100">Create account</a>
          }
        </nav>
      }
      <app-verify-email-banner />
    </header>
  `,
})
export class SiteHeaderComponent {
  protected readonly session = inject(UserSession);
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly toast = inject(UiToastService);
  protected readonly menuOpen = signal(false);

  constructor() {
    this.router.events
      .pipe(
        filter((e) => e instanceof NavigationEnd),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.menuOpen.set(false));
  }

  protected links(): NavLink[] {
    const common: NavLink[] = [
      { path: '/', label: 'Upload', exact: true },
      { path: '/how-it-works', label: 'How it works' },
    ];
    return this.session.signedIn()
      ? [...common, { path: '/dashboard', label: 'My files' }, { path: '/profile', label: 'Profile' }]
      : [...common, { path: '/login', label: 'Sign in' }];
  }

  protected signOut(): void {
    this.auth.logout().subscribe({ error: () => undefined, complete: () => undefined });
    // The session is cleared by logout() whatever the api answers.
    this.session.clear();
    this.toast.info('You are signed out.');
    void this.router.navigateByUrl('/');
  }
}
