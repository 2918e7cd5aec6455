import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { ErrorCode, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH_FLOOR } from '@ddx/contracts';
import { UiAlertComponent, UiButtonDirective, UiCardComponent, UiFieldComponent, UiInputDirective, UiToastService } from '@ddx/ui';

import { apiProblem } from '../../core/api-problem';
import { controlError, matchesControl } from '../../core/form-errors';
import { AuthService } from '../../services/auth.service';

@Component({
  standalone: true,
  selector: 'app-reset-password-page',
  imports: [ReactiveFormsModule, RouterLink, UiAlertComponent, UiButtonDirective, UiCardComponent, UiFieldComponent, UiInputDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="mx-auto max-w-md">
      <h1 class="text-2xl font-bold tracking-tight text-ink-900 sm:text-3xl">Choose a new password</h1>
      <ui-card class="mt-6">
        @if (!token()) {
          <ui-alert tone="error" data-testid="form-error">This page needs the link from the password-reset e-mail.</ui-alert>
          <a routerLink="/forgot-password" class="mt-4 inline-block text-sm font-medium text-brand-700 hover:underline">Request a new link</a>
        } @else {
          @if (serverError()) {
            <ui-alert tone="error" class="mb-4" data-testid="form-error">
              {{ serverError() }}
              @if (tokenInvalid()) {
                <a routerLink="/forgot-password" class="font-medium underline">Request a new link.</a>
              }
            </ui-alert>
          }
          <form [formGroup]="form" (ngSubmit)="submit()" novalidate class="space-y-4">
            <ui-field label="New password" [error]="fieldError('password', 'Password')" [hint]="'At least ' + minLength + ' characters.'">
              <input uiInput type="password" formControlName="password" autocomplete="new-password" data-testid="password" />
            </ui-field>
            <ui-field label="Confirm new password" [error]="fieldError('confirm', 'Password confirmation')">
              <input uiInput type="password" formControlName="confirm" autocomplete="new-password" data-testid="confirm" />
            </ui-field>
            <button uiButton block type="submit" [disabled]="busy()" [busy]="busy()" data-testid="submit">{{ busy() ? 'Saving…' : 'Set new password' }}</button>
          </form>
        }
      </ui-card>
    </div>
  `,
})
export class ResetPasswordPage {
  /** `?token=` from the e-mail. */
  readonly token = input<string | undefined>();

  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly toast = inject(UiToastService);
  protected readonly minLength = PASSWORD_MIN_LENGTH_FLOOR;
  protected readonly form = inject(FormBuilder).nonNullable.group({
    password: ['', [Validators.required, Validators.minLength(PASSWORD_MIN_LENGTH_FLOOR), Validators.maxLength(PASSWORD_MAX_LENGTH)]],
    confirm: ['', [Validators.required, matchesControl('password')]],
  });
  protected readonly submitted = signal(false);
  protected readonly busy = signal(false);
  protected readonly serverError = signal<string | null>(null);
  protected readonly tokenInvalid = signal(false);

  constructor() {
    this.form.controls.password.valueChanges.subscribe(() => this.form.controls.confirm.updateValueAndValidity({ emitEvent: false }));
  }

  protected fieldError(name: 'password' | 'confirm', label: string): string | null {
    return controlError(this.form.controls[name], label, this.submitted());
  }

  submit(): void {
    this.submitted.set(true);
    this.serverError.set(null);
    const token = this.token();
    if (this.form.invalid || !token) return;
    this.busy.set(true);
    this.auth.resetPassword(token, this.form.controls.password.value).subscribe({
      next: (r) => {
        this.toast.success(r.message);
        void this.router.navigate(['/login'], { queryParams: { reason: 'reset' } });
      },
      error: (e: unknown) => {
        const p = apiProblem(e);
        this.tokenInvalid.set(p.code === ErrorCode.RESET_TOKEN_INVALID || p.code === ErrorCode.VALIDATION);
        if (p.code === ErrorCode.WEAK_PASSWORD) this.form.controls.password.setErrors({ server: p.message });
        else this.serverError.set(p.code === ErrorCode.VALIDATION ? 'This reset link is not valid.' : p.message);
        this.busy.set(false);
      },
    });
  }
}
