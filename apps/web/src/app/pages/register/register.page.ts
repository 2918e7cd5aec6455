import { ChangeDetectionStrategy, Component, computed, ElementRef, inject, input, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { ErrorCode, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH_FLOOR } from '@ddx/contracts';
import { UiAlertComponent, UiButtonDirective, UiCardComponent, UiFieldComponent, UiInputDirective } from '@ddx/ui';

import { apiProblem } from '../../core/api-problem';
import { controlError, matchesControl } from '../../core/form-errors';
import { safeReturnUrl } from '../../core/return-url';
import { GoogleSignInComponent } from '../../components/google-sign-in/google-sign-in.component';
import { AuthService } from '../../services/auth.service';

@Component({
  standalone: true,
  selector: 'app-register-page',
  imports: [ReactiveFormsModule, RouterLink, GoogleSignInComponent, UiAlertComponent, UiButtonDirective, UiCardComponent, UiFieldComponent, UiInputDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="mx-auto max-w-md">
      <h1 class="text-2xl font-bold tracking-tight text-ink-900 sm:text-3xl">Create your account</h1>
      <p class="mt-2 text-ink-600">
        Already have one?
        <a routerLink="/login" [queryParams]="{ returnUrl: back() }" class="font-medium text-brand-700 hover:underline">Sign in</a>
      </p>
      <ui-card class="mt-6">
        @if (done(); as message) {
          <div data-testid="register-done">
            <h2 class="text-lg font-semibold text-ink-900">Check your e-mail</h2>
            <ui-alert tone="success" class="mt-3">{{ message }}</ui-alert>
            <p class="mt-4 text-sm text-ink-600">
              Then
              <a routerLink="/login" [queryParams]="{ returnUrl: back() }" class="font-medium text-brand-700 hover:underline" data-testid="register-sign-in">sign in</a>
              with your e-mail and password.
            </p>
          </div>
        } @else {
          @if (serverError()) {
            <ui-alert tone="error" class="mb-4" data-testid="form-error">{{ serverError() }}</ui-alert>
          }
          <form [formGroup]="form" (ngSubmit)="submit()" novalidate class="space-y-4">
            <ui-field label="E-mail" [error]="error('email', 'E-mail')">
              <input uiInput type="email" formControlName="email" autocomplete="email" inputmode="email" data-testid="email" />
            </ui-field>
            <ui-field label="Password" [error]="error('password', 'Password')" [hint]="'At least ' + minLength + ' characters; not your e-mail or a common password.'">
              <input uiInput type="password" formControlName="password" autocomplete="new-password" data-testid="password" />
            </ui-field>
            <ui-field label="Confirm password" [error]="error('confirm', 'Password confirmation')">
              <input uiInput type="password" formControlName="confirm" autocomplete="new-password" data-testid="confirm" />
            </ui-field>
            <button uiButton block type="submit" [disabled]="busy()" [busy]="busy()" data-testid="submit">{{ busy() ? 'Creating your account…' : 'Create account' }}</button>
          </form>
          <app-google-sign-in [returnUrl]="back()" />
        }
      </ui-card>
    </div>
  `,
})
export class RegisterPage {
  readonly returnUrl = input<string | undefined>();

  private readonly auth = inject(AuthService);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  protected readonly minLength = PASSWORD_MIN_LENGTH_FLOOR;
  protected readonly form = inject(FormBuilder).nonNullable.group({
    email: ['', [Validators.required, Validators.email, Validators.maxLength(254)]],
    password: ['', [Validators.required, Validators.minLength(PASSWORD_MIN_LENGTH_FLOOR), Validators.maxLength(PASSWORD_MAX_LENGTH)]],
    confirm: ['', [Validators.required, matchesControl('password')]],
  });
  protected readonly submitted = signal(false);
  protected readonly busy = signal(false);
  protected readonly serverError = signal<string | null>(null);
  /** The server's "check your e-mail" answer (the same whether or not the address already had an account). */
  protected readonly done = signal<string | null>(null);
  protected readonly back = computed(() => safeReturnUrl(this.returnUrl()));

  constructor() {
    // The confirmation is checked again when the password changes.
    this.form.controls.password.valueChanges.subscribe(() => this.form.controls.confirm.updateValueAndValidity({ emitEvent: false }));
  }

  protected error(name: 'email' | 'password' | 'confirm', label: string): string | null {
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
    const email = this.form.controls.email.value.trim();
    const password = this.form.controls.password.value;
    // No automatic sign-in: the answer does not say whether this created the account, and must not.
    this.auth.register(email, password).subscribe({
      next: (r) => {
        this.busy.set(false);
        this.done.set(r.message);
      },
      error: (e: unknown) => {
        const p = apiProblem(e);
        if (p.code === ErrorCode.WEAK_PASSWORD) this.form.controls.password.setErrors({ server: p.message });
        else this.serverError.set(p.message);
        this.busy.set(false);
      },
    });
  }
}
