import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, input, OnInit } from '@angular/core';
import { Router } from '@angular/router';
import { UiSpinnerComponent, UiToastService } from '@ddx/ui';

import { apiProblem } from '../../core/api-problem';
import { safeReturnUrl } from '../../core/return-url';
import { GOOGLE_RETURN_URL_KEY } from '../../components/google-sign-in/google-sign-in.component';
import { AuthService } from '../../services/auth.service';

/** Google sends people back here with `?code=&state=` (or `?error=`). */
@Component({
  standalone: true,
  selector: 'app-google-callback-page',
  imports: [UiSpinnerComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="flex justify-center py-16"><ui-spinner label="Signing you in with Google…" /></div>`,
})
export class GoogleCallbackPage implements OnInit {
  readonly code = input<string | undefined>();
  readonly state = input<string | undefined>();
  readonly error = input<string | undefined>();

  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly toast = inject(UiToastService);
  private readonly storage = inject(DOCUMENT).defaultView?.sessionStorage;

  ngOnInit(): void {
    const code = this.code();
    const state = this.state();
    if (this.error() || !code || !state) {
      this.failed(this.error() === 'access_denied' ? 'Google sign-in was cancelled.' : 'Google sign-in did not complete. Please try again.');
      return;
    }
    this.auth.googleCallback(code, state).subscribe({
      next: (r) => {
        const back = safeReturnUrl(this.storage?.getItem(GOOGLE_RETURN_URL_KEY));
        this.storage?.removeItem(GOOGLE_RETURN_URL_KEY);
        this.toast.success(`Signed in as ${r.user.email}.`);
        void this.router.navigateByUrl(back ?? '/dashboard', { replaceUrl: true });
      },
      error: (e: unknown) => this.failed(apiProblem(e).message),
    });
  }

  private failed(message: string): void {
    void this.router.navigate(['/login'], { queryParams: { error: message }, replaceUrl: true });
  }
}
