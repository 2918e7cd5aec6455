import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { ErrorCode, MeResponse, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH_FLOOR } from '@ddx/contracts';
import {
  BytesPipe,
  UiAlertComponent,
  UiButtonDirective,
  UiCardComponent,
  UiFieldComponent,
  UiInputDirective,
  UiPageComponent,
  UiProgressBarComponent,
  UiSpinnerComponent,
  UiToastService,
  usageTone,
} from '@ddx/ui';

import { apiProblem } from '../../core/api-problem';
import { controlError, matchesControl } from '../../core/form-errors';
import { UserSession } from '../../core/user-session';
import { AuthService } from '../../services/auth.service';

@Component({
  standalone: true,
  selector: 'app-profile-page',
  imports: [
    BytesPipe,
    DatePipe,
    ReactiveFormsModule,
    RouterLink,
    UiAlertComponent,
    UiButtonDirective,
    UiCardComponent,
    UiFieldComponent,
    UiInputDirective,
    UiPageComponent,
    UiProgressBarComponent,
    UiSpinnerComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-page title="Profile" subtitle="Your account, storage and password.">
      <button uiPageActions uiButton variant="secondary" type="button" (click)="signOut()" [disabled]="signingOut()" data-testid="profile-sign-out">Sign out everywhere</button>

      @if (me(); as m) {
        <div class="grid gap-6 md:grid-cols-2">
          <ui-card heading="Account">
            <dl class="grid grid-cols-[auto_1fr] gap-x-6 gap-y-3 text-sm">
              <dt class="text-ink-500">E-mail</dt>
              <dd class="break-all font-medium text-ink-900" data-testid="profile-email">{{ m.email }}</dd>
              <dt class="text-ink-500">E-mail status</dt>
              <dd data-testid="profile-email-status">
                @if (m.email_verified) {
                  <span class="font-medium text-emerald-700">Confirmed</span>
                } @else {
                  <span class="font-medium text-amber-700">Not confirmed yet</span>
                  <span class="block text-xs text-ink-500">Open the link we e-mailed you, or send a new one from the banner above.</span>
                }
              </dd>
              @if (m.name) {
                <dt class="text-ink-500">Name</dt>
                <dd class="text-ink-900">{{ m.name }}</dd>
              }
              <dt class="text-ink-500">Member since</dt>
              <dd class="text-ink-900">{{ m.member_since | date: 'longDate' }}</dd>
              <dt class="text-ink-500">Sign-in</dt>
              <dd class="text-ink-900">{{ signInMethods() }}</dd>
              @if (m.last_login_at) {
                <dt class="text-ink-500">Last sign-in</dt>
                <dd class="text-ink-900">{{ m.last_login_at | date: 'medium' }}</dd>
              }
            </dl>
          </ui-card>
          <ui-card heading="Storage">
            <p class="text-sm text-ink-700">
              <span class="text-lg font-semibold text-ink-900">{{ m.storage.used_bytes | bytes }}</span> of {{ m.storage.quota_bytes | bytes }} used ·
              {{ m.storage.file_count }} {{ m.storage.file_count === 1 ? 'file' : 'files' }}
            </p>
            <ui-progress-bar class="mt-3" label="Storage used" [value]="storagePercent()" [tone]="storageTone()" />
            <a routerLink="/dashboard" class="mt-4 inline-block text-sm font-medium text-brand-700 hover:underline">Manage your files</a>
          </ui-card>
        </div>

        <ui-card heading="Change password" class="max-w-xl">
          @if (m.has_password) {
            @if (serverError()) {
              <ui-alert tone="error" class="mb-4" data-testid="form-error">{{ serverError() }}</ui-alert>
            }
            <form [formGroup]="form" (ngSubmit)="changePassword()" novalidate class="space-y-4">
              <ui-field label="Current password" [error]="fieldError('current', 'Current password')">
                <input uiInput type="password" formControlName="current" autocomplete="current-password" />
              </ui-field>
              <ui-field label="New password" [error]="fieldError('password', 'New password')" [hint]="'At least ' + minLength + ' characters.'">
                <input uiInput type="password" formControlName="password" autocomplete="new-password" />
              </ui-field>
              <ui-field label="Confirm new password" [error]="fieldError('confirm', 'Password confirmation')">
                <input uiInput type="password" formControlName="confirm" autocomplete="new-password" />
              </ui-field>
              <p class="text-xs text-ink-500">Changing your password signs you out on every other device.</p>
              <button uiButton type="submit" [disabled]="saving()" [busy]="saving()">{{ saving() ? 'Saving…' : 'Change password' }}</button>
            </form>
          } @else {
            <p class="text-sm text-ink-700">
              You sign in with Google, so this account has no password. To add one, use
              <a routerLink="/forgot-password" class="font-medium text-brand-700 hover:underline">“Forgot password”</a> with {{ m.email }}.
            </p>
          }
        </ui-card>
      } @else if (loadError()) {
        <ui-alert tone="error">{{ loadError() }}</ui-alert>
      } @else {
        <div class="flex justify-center py-10"><ui-spinner label="Loading your profile…" /></div>
      }
    </ui-page>
  `,
})
export class ProfilePage implements OnInit {
  private readonly auth = inject(AuthService);
  private readonly session = inject(UserSession);
  private readonly router = inject(Router);
  private readonly toast = inject(UiToastService);

  protected readonly minLength = PASSWORD_MIN_LENGTH_FLOOR;
  protected readonly me = signal<MeResponse | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly saving = signal(false);
  protected readonly signingOut = signal(false);
  protected readonly submitted = signal(false);
  protected readonly serverError = signal<string | null>(null);
  protected readonly form = inject(FormBuilder).nonNullable.group({
    current: ['', [Validators.required, Validators.maxLength(PASSWORD_MAX_LENGTH)]],
    password: ['', [Validators.required, Validators.minLength(PASSWORD_MIN_LENGTH_FLOOR), Validators.maxLength(PASSWORD_MAX_LENGTH)]],
    confirm: ['', [Validators.required, matchesControl('password')]],
  });

  protected readonly storagePercent = computed(() => {
    const s = this.me()?.storage;
    return s && s.quota_bytes > 0 ? (s.used_bytes / s.quota_bytes) * 100 : 0;
  });
  protected readonly storageTone = computed(() => usageTone(this.storagePercent()));
  protected readonly signInMethods = computed(() => {
    const m = this.me();
    if (!m) return '';
    return [m.has_password ? 'E-mail and password' : null, m.google_linked ? 'Google' : null].filter(Boolean).join(' · ') || 'E-mail and password';
  });

  constructor() {
    this.form.controls.password.valueChanges.subscribe(() => this.form.controls.confirm.updateValueAndValidity({ emitEvent: false }));
  }

  ngOnInit(): void {
    this.auth.me().subscribe({ next: (m) => this.me.set(m), error: (e: unknown) => this.loadError.set(apiProblem(e).message) });
  }

  protected fieldError(name: 'current' | 'password' | 'confirm', label: string): string | null {
    return controlError(this.form.controls[name], label, this.submitted());
  }

  protected changePassword(): void {
    this.submitted.set(true);
    this.serverError.set(null);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.saving.set(true);
    const { current, password } = this.form.getRawValue();
    this.auth.changePassword(current, password).subscribe({
      next: (r) => {
        this.saving.set(false);
        this.submitted.set(false);
        this.form.reset();
        this.toast.success(r.message || 'Your password has been changed.');
      },
      error: (e: unknown) => {
        const p = apiProblem(e);
        if (p.code === ErrorCode.INVALID_CURRENT_PASSWORD) this.form.controls.current.setErrors({ server: 'The current password is not right.' });
        else if (p.code === ErrorCode.WEAK_PASSWORD) this.form.controls.password.setErrors({ server: p.message });
        else this.serverError.set(p.message);
        this.saving.set(false);
      },
    });
  }

  protected signOut(): void {
    this.signingOut.set(true);
    this.auth.logout().subscribe({
      error: () => undefined,
      complete: () => undefined,
    });
    this.session.clear();
    this.toast.info('You are signed out on every device.');
    void this.router.navigateByUrl('/');
  }
}
