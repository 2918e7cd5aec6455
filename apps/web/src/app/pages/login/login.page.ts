import { ChangeDetectionStrategy, Component, computed, ElementRef, inject, input, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { ErrorCode } from '@ddx/contracts';
import { UiAlertComponent, UiButtonDirective, UiCardComponent, UiFieldComponent, UiInputDirective } from '@ddx/ui';

import { apiProblem } from '../../core/api-problem';
import { controlError } from '../../core/form-errors';
import { safeReturnUrl } from '../../core/return-url';
import { GoogleSignInComponent } from '../../components/google-sign-in/google-sign-in.component';
import { AuthService } from '../../services/auth.service';

@Component({
  standalone: true,
  selector: 'app-login-page',
  imports: [ReactiveFormsModule, RouterLink, GoogleSignInComponent, UiAlertComponent, UiButtonDirective, UiCardComponent, UiFieldComponent, UiInputDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="mx-auto max-w-md">
      <h1 class="text-2xl font-bold tracking-tight text-ink-900 sm:text-3xl">Sign in</h1>
      <p class="mt-2 text-ink-600">
        New to DirectDriveX?
        <a routerLink="/register" [queryParams]="{ returnUrl: back() }" class="font-medium text-brand-700 hover:underline">Create an account</a>
      </p>
      <ui-card class="mt-6">
        @if (notice()) {
          <ui-alert tone="info" class="mb-4" data-testid="login-notice">{{ notice() }}</ui-alert>
        }
        @if (serverError()) {
          <ui-alert tone="error" class="mb-4" data-testid="form-error">{{ serverError() }}</ui-alert>
        }
        <form [formGroup]="form" (ngSubmit)="submit()" novalidate class="space-y-4">
          <ui-field label="E-mail" [error]="fieldError('email', 'E-mail')">
            <input uiInput type="email" formControlName="email" autocomplete="email" inputmode="email" data-testid="email" />
          </ui-field>
          <ui-field label="Password" [error]="fieldError('password', 'Password')">
            <input uiInput type="password" formControlName="password" autocomplete="current-password" data-testid="password" />
          </ui-field>
          <div class="flex justify-end text-sm">
            <a routerLink="/forgot-password" class="font-medium text-brand-700 hover:underline">Forgot your password?</a>
          </div>
          <button uiButton block type="submit" [disabled]="busy()" [busy]="busy()" data-testid="submit">{{ busy() ? 'Signing in…' : 'Sign in' }}</button>
        </form>
        <app-google-sign-in [returnUrl]="back()" />
      </ui-card>
    </div>
  `,
})
export class LoginPage {
  /** Query parameters (router input binding). */
  readonly returnUrl = input<string | undefined>();
  readonly reason = input<string | undefined>();
  /** A message from the Google callback page. */
  readonly error = input<string | undefined>();

  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  protected readonly form = inject(FormBuilder).nonNullable.group({
    email: ['', [Validators.required, Validators.email, Validators.maxLength(254)]],
    password: ['', [Validators.required, Validators.maxLength(256)]],
  });
  protected readonly submitted = signal(false);
  protected readonly busy = signal(false);
  protected readonly serverError = signal<string | null>(null);
  protected readonly back = computed(() => safeReturnUrl(this.returnUrl()));
  protected readonly notice = computed(() => {
    if (this.error()) return this.error() as string;
    if (this.reason() === 'expired') return 'Your session has ended. Please sign in again.';
    if (this.reason() === 'reset') return 'Your password has been changed. Sign in with the new one.';
    if (this.back()) return 'Please sign in to continue.';
    return null;
  });

  protected fieldError(name: 'email' | 'password', label: string): string | null {
    return controlError(this.form.controls[name], label, this.submitted());
  }

  submit(): void {
    this.submitted.set(true);
    this.serverError.set(null);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      setTimeout(() => this.host.nativeElement.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    this.busy.set(true);
    const { email, password } = this.form.getRawValue();
    this.auth.login(email.trim(), password).subscribe({
      next: () => void this.router.navigateByUrl(this.back() ?? '/dashboard'),
      error: (e: unknown) => {
        const p = apiProblem(e);
        this.serverError.set(p.code === ErrorCode.INVALID_CREDENTIALS ? 'The e-mail or password is not right.' : p.message);
        this.busy.set(false);
      },
    });
  }
}
