import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, input, OnInit, signal } from '@angular/core';
import { UiButtonDirective } from '@ddx/ui';
import { firstValueFrom } from 'rxjs';

import { apiProblem } from '../../core/api-problem';
import { safeReturnUrl } from '../../core/return-url';
import { AuthService } from '../../services/auth.service';

/** Where the Google callback page continues to after signing in. */
export const GOOGLE_RETURN_URL_KEY = 'ddx.google.returnUrl';
/** The sign-in URL carries a single-use `state`; fetch a fresh one when it gets old. */
const URL_MAX_AGE_MS = 5 * 60_000;

/** "Continue with Google", shown only when the server has Google sign-in configured. */
@Component({
  standalone: true,
  selector: 'app-google-sign-in',
  imports: [UiButtonDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (available()) {
      <div class="my-6 flex items-center gap-3 text-xs uppercase tracking-wide text-ink-400" aria-hidden="true">
        <span class="h-px flex-1 bg-ink-200"></span>or<span class="h-px flex-1 bg-ink-200"></span>
      </div>
      <button uiButton variant="secondary" block type="button" (click)="go()" [disabled]="busy()" [busy]="busy()" data-testid="google-sign-in">
        <svg viewBox="0 0 24 24" class="h-5 w-5" aria-hidden="true">
          <path fill="#4285F4" d="M23.5 12.3c0-.8-.1-1.6-.2-2.3H12v4.5h6.5a5.6 5.6 0 0 1-2.4 3.6v3h3.9c2.2-2.1 3.5-5.1 3.5-8.8Z" />
          <path fill="#34A853" d="M12 24c3.2 0 6-1.1 7.9-2.9l-3.9-3a7.2 7.2 0 0 1-10.7-3.8h-4v3.1A12 12 0 0 0 12 24Z" />
          <path fill="#FBBC05" d="M5.3 14.3a7.2 7.2 0 0 1 0-4.6V6.6h-4a12 12 0 0 0 0 10.8l4-3.1Z" />
          <path fill="#EA4335" d="M12 4.8c1.8 0 3.3.6 4.6 1.8l3.4-3.4A12 12 0 0 0 1.3 6.6l4 3.1A7.2 7.2 0 0 1 12 4.8Z" />
        </svg>
        Continue with Google
      </button>
      @if (error()) {
        <p class="mt-2 text-sm text-rose-700" role="alert">{{ error() }}</p>
      }
    }
  `,
})
export class GoogleSignInComponent implements OnInit {
  readonly returnUrl = input<string | null>(null);
  private readonly auth = inject(AuthService);
  private readonly window = inject(DOCUMENT).defaultView;
  protected readonly available = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  private url: { value: string; at: number } | null = null;

  ngOnInit(): void {
    this.auth.googleAuthUrl().subscribe({
      next: (value) => {
        this.url = { value, at: Date.now() };
        this.available.set(true);
      },
      error: () => this.available.set(false), // not configured (GOOGLE_SIGNIN_DISABLED) or unreachable
    });
  }

  protected async go(): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      const url = this.url && Date.now() - this.url.at < URL_MAX_AGE_MS ? this.url.value : await firstValueFrom(this.auth.googleAuthUrl());
      this.url = null; // single use
      const back = safeReturnUrl(this.returnUrl());
      if (back) this.window?.sessionStorage.setItem(GOOGLE_RETURN_URL_KEY, back);
      else this.window?.sessionStorage.removeItem(GOOGLE_RETURN_URL_KEY);
      this.window?.location.assign(url);
    } catch (e) {
      this.error.set(apiProblem(e).message);
      this.busy.set(false);
    }
  }
}
