import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router } from '@angular/router';
import { UiAlertComponent, UiButtonDirective, UiCardComponent, UiFieldComponent, UiInputDirective } from '@ddx/ui';
import { switchMap, tap } from 'rxjs';

import { apiProblem } from '../../core/api-problem';
import { controlError } from '../../core/form-errors';
import { AdminApi } from '../core/admin-api.service';
import { AdminSession } from '../core/admin-session';

@Component({
  standalone: true,
  selector: 'app-admin-login-page',
  imports: [ReactiveFormsModule, UiAlertComponent, UiButtonDirective, UiCardComponent, UiFieldComponent, UiInputDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="mx-auto max-w-md">
      <h1 class="text-2xl font-bold tracking-tight text-ink-900 sm:text-3xl">Admin sign-in</h1>
      <p class="mt-2 text-ink-600">For DirectDriveX administrators.</p>
      <ui-card class="mt-6">
        @if (reason() === 'expired' && !error()) {
          <ui-alert tone="info" class="mb-4" data-testid="admin-login-notice">Your admin session ended. Please sign in again.</ui-alert>
        }
        @if (error()) {
          <ui-alert tone="error" class="mb-4" data-testid="form-error">{{ error() }}</ui-alert>
        }
        <form [formGroup]="form" (ngSubmit)="submit()" novalidate class="space-y-4">
          <ui-field label="E-mail" [error]="fieldError('email', 'E-mail')">
            <input uiInput type="email" formControlName="email" autocomplete="username" data-testid="admin-email" />
          </ui-field>
          <ui-field label="Password" [error]="fieldError('password', 'Password')">
            <input uiInput type="password" formControlName="password" autocomplete="current-password" data-testid="admin-password" />
          </ui-field>
          <button uiButton block type="submit" [disabled]="busy()" [busy]="busy()" data-testid="admin-submit">{{ busy() ? 'Signing in…' : 'Sign in' }}</button>
        </form>
      </ui-card>
    </div>
  `,
})
export class AdminLoginPage {
  readonly reason = input<string>();
  private readonly api = inject(AdminApi);
  private readonly session = inject(AdminSession);
  private readonly router = inject(Router);
  protected readonly form = inject(FormBuilder).nonNullable.group({
    email: ['', [Validators.required, Validators.email]],
    password: ['', [Validators.required]],
  });
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  private readonly submitted = signal(false);

  protected fieldError(name: 'email' | 'password', label: string): string | null {
    return controlError(this.form.controls[name], label, this.submitted());
  }

  protected submit(): void {
    this.submitted.set(true);
    this.form.markAllAsTouched();
    if (this.form.invalid || this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    const { email, password } = this.form.getRawValue();
    this.api
      .signIn(email, password)
      .pipe(
        tap((res) => this.session.set(res.access_token)),
        switchMap(() => this.api.me()),
      )
      .subscribe({
        next: (profile) => {
          this.session.setProfile(profile);
          this.busy.set(false);
          void this.router.navigateByUrl('/admin');
        },
        error: (e: unknown) => {
          this.session.clear();
          const p = apiProblem(e);
          this.busy.set(false);
          this.error.set(p.status === 401 ? 'The e-mail or password is not right, or this account is not an administrator.' : p.message);
        },
      });
  }
}
