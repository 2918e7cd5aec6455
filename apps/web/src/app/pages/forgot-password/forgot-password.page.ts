import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { UiAlertComponent, UiButtonDirective, UiCardComponent, UiFieldComponent, UiInputDirective } from '@ddx/ui';

import { apiProblem } from '../../core/api-problem';
import { controlError } from '../../core/form-errors';
import { AuthService } from '../../services/auth.service';

@Component({
  standalone: true,
  selector: 'app-forgot-password-page',
  imports: [ReactiveFormsModule, RouterLink, UiAlertComponent, UiButtonDirective, UiCardComponent, UiFieldComponent, UiInputDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="mx-auto max-w-md">
      <h1 class="text-2xl font-bold tracking-tight text-ink-900 sm:text-3xl">Forgot your password?</h1>
      <p class="mt-2 text-ink-600">Enter your e-mail address and we will send you a link to choose a new password.</p>
      <ui-card class="mt-6">
        @if (sent()) {
          <ui-alert tone="success" data-testid="form-success">{{ sent() }}</ui-alert>
          <p class="mt-4 text-sm text-ink-600">The link works once and for a limited time. Check your spam folder if it does not arrive.</p>
          <a routerLink="/login" class="mt-4 inline-block text-sm font-medium text-brand-700 hover:underline">Back to sign in</a>
        } @else {
          @if (serverError()) {
            <ui-alert tone="error" class="mb-4" data-testid="form-error">{{ serverError() }}</ui-alert>
          }
          <form [formGroup]="form" (ngSubmit)="submit()" novalidate class="space-y-4">
            <ui-field label="E-mail" [error]="fieldError()">
              <input uiInput type="email" formControlName="email" autocomplete="email" inputmode="email" data-testid="email" />
            </ui-field>
            <button uiButton block type="submit" [disabled]="busy()" [busy]="busy()" data-testid="submit">{{ busy() ? 'Sending…' : 'Send the link' }}</button>
          </form>
          <a routerLink="/login" class="mt-4 inline-block text-sm font-medium text-brand-700 hover:underline">Back to sign in</a>
        }
      </ui-card>
    </div>
  `,
})
export class ForgotPasswordPage {
  private readonly auth = inject(AuthService);
  protected readonly form = inject(FormBuilder).nonNullable.group({
    email: ['', [Validators.required, Validators.email, Validators.maxLength(254)]],
  });
  protected readonly submitted = signal(false);
  protected readonly busy = signal(false);
  protected readonly sent = signal<string | null>(null);
  protected readonly serverError = signal<string | null>(null);

  protected fieldError(): string | null {
    return controlError(this.form.controls.email, 'E-mail', this.submitted());
  }

  submit(): void {
    this.submitted.set(true);
    this.serverError.set(null);
    if (this.form.invalid) return;
    this.busy.set(true);
    this.auth.forgotPassword(this.form.controls.email.value.trim()).subscribe({
      next: (r) => this.sent.set(r.message),
      error: (e: unknown) => {
        this.serverError.set(apiProblem(e).message);
        this.busy.set(false);
      },
    });
  }
}
