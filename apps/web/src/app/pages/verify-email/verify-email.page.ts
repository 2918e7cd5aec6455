import { ChangeDetectionStrategy, Component, inject, input, OnInit, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { UiAlertComponent, UiCardComponent, UiSpinnerComponent } from '@ddx/ui';

import { apiProblem } from '../../core/api-problem';
import { UserSession } from '../../core/user-session';
import { AuthService } from '../../services/auth.service';

type Outcome = { kind: 'pending' } | { kind: 'done'; message: string } | { kind: 'failed'; message: string };

/** Where the verification e-mail's link lands (`?token=`): uses the token once and says how it went. */
@Component({
  standalone: true,
  selector: 'app-verify-email-page',
  imports: [RouterLink, UiAlertComponent, UiCardComponent, UiSpinnerComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="mx-auto max-w-md">
      <h1 class="text-2xl font-bold tracking-tight text-ink-900 sm:text-3xl">Confirm your e-mail address</h1>
      <ui-card class="mt-6">
        @switch (outcome().kind) {
          @case ('pending') {
            <ui-spinner label="Confirming…" />
          }
          @case ('done') {
            <ui-alert tone="success" data-testid="verify-done">{{ message() }}</ui-alert>
            <a [routerLink]="session.signedIn() ? '/dashboard' : '/login'" class="mt-4 inline-block text-sm font-medium text-brand-700 hover:underline">
              {{ session.signedIn() ? 'Go to my files' : 'Sign in' }}
            </a>
          }
          @case ('failed') {
            <ui-alert tone="error" data-testid="form-error">{{ message() }}</ui-alert>
            <p class="mt-4 text-sm text-ink-600">
              @if (session.signedIn()) {
                Use "Send a new link" at the top of the page for a fresh one.
              } @else {
                <a routerLink="/login" class="font-medium text-brand-700 hover:underline">Sign in</a> to ask for a new link.
              }
            </p>
          }
        }
      </ui-card>
    </div>
  `,
})
export class VerifyEmailPage implements OnInit {
  /** `?token=` from the e-mail. */
  readonly token = input<string | undefined>();

  protected readonly session = inject(UserSession);
  private readonly auth = inject(AuthService);
  protected readonly outcome = signal<Outcome>({ kind: 'pending' });

  ngOnInit(): void {
    const token = this.token();
    if (!token) {
      this.outcome.set({ kind: 'failed', message: 'This page needs the link from the confirmation e-mail.' });
      return;
    }
    this.auth.verifyEmail(token).subscribe({
      next: (r) => this.outcome.set({ kind: 'done', message: r.message }),
      error: (e: unknown) => this.outcome.set({ kind: 'failed', message: apiProblem(e).message }),
    });
  }

  protected message(): string {
    const o = this.outcome();
    return o.kind === 'pending' ? '' : o.message;
  }
}
