import { ChangeDetectionStrategy, Component, effect, inject, signal, untracked } from '@angular/core';
import { UiButtonDirective, UiToastService } from '@ddx/ui';

import { apiProblem } from '../../core/api-problem';
import { UserSession } from '../../core/user-session';
import { AuthService } from '../../services/auth.service';

/**
 * "Please confirm your e-mail address" under the header while the signed-in
 * account has not used its verification link, with a button for a new one.
 */
@Component({
  standalone: true,
  selector: 'app-verify-email-banner',
  imports: [UiButtonDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (session.signedIn() && session.emailVerified() === false) {
      <div class="border-b border-amber-200 bg-amber-50" role="status" data-testid="verify-banner">
        <div class="mx-auto flex max-w-5xl flex-wrap items-center gap-3 px-4 py-2 text-sm text-amber-900">
          <span>Please confirm your e-mail address: open the link we sent you.</span>
          <button uiButton variant="secondary" size="sm" type="button" [disabled]="busy()" [busy]="busy()" (click)="resend()" data-testid="verify-resend">
            {{ busy() ? 'Sending…' : 'Send a new link' }}
          </button>
        </div>
      </div>
    }
  `,
})
export class VerifyEmailBannerComponent {
  protected readonly session = inject(UserSession);
  private readonly auth = inject(AuthService);
  private readonly toast = inject(UiToastService);
  protected readonly busy = signal(false);

  constructor() {
    // Learn the status once per session (a new token resets it to unknown).
    effect(() => {
      if (!this.session.signedIn() || this.session.emailVerified() !== null) return;
      untracked(() => this.auth.me({ quiet: true }).subscribe({ error: () => undefined }));
    });
  }

  protected resend(): void {
    this.busy.set(true);
    this.auth.resendVerification().subscribe({
      next: (r) => {
        this.busy.set(false);
        this.toast.success(r.message);
      },
      error: (e: unknown) => {
        this.busy.set(false);
        this.toast.error(apiProblem(e).message);
      },
    });
  }
}
