import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { AdminProfile, ApiRoutes, CreateAdminRequest, PASSWORD_MIN_LENGTH_FLOOR, Permission } from '@ddx/contracts';
import { UiAlertComponent, UiButtonDirective, UiCardComponent, UiFieldComponent, UiInputDirective, UiPageComponent, UiToastService } from '@ddx/ui';

import { apiProblem } from '../../core/api-problem';
import { AdminAuthRoutes } from '../core/admin-api.service';
import { AdminSession } from '../core/admin-session';
import { CreateAdminForm, createAdminProblems, CreateAdminProblems } from './create-admin-form';

const blank = (): CreateAdminForm => ({ email: '', password: '', confirm: '', role: 'admin' });

/** Superadmins create admin and superadmin accounts (POST /admin/auth/create-admin). */
@Component({
  standalone: true,
  selector: 'app-admin-create-admin-page',
  imports: [FormsModule, UiAlertComponent, UiButtonDirective, UiCardComponent, UiFieldComponent, UiInputDirective, UiPageComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-page title="Create admin" subtitle="A new account that signs in to this admin panel.">
      <ui-card class="max-w-xl">
        <form class="flex flex-col gap-4" (ngSubmit)="submit()" novalidate data-testid="create-admin-form">
          <ui-field label="E-mail" required [error]="problems().email">
            <input uiInput type="email" name="email" autocomplete="off" maxlength="254" [(ngModel)]="form.email" data-testid="create-admin-email" />
          </ui-field>
          <ui-field label="Password" required [hint]="'At least ' + minLength() + ' characters; not the e-mail address.'" [error]="problems().password">
            <input uiInput type="password" name="password" autocomplete="new-password" [(ngModel)]="form.password" data-testid="create-admin-password" />
          </ui-field>
          <ui-field label="Confirm password" required [error]="problems().confirm">
            <input uiInput type="password" name="confirm" autocomplete="new-password" [(ngModel)]="form.confirm" data-testid="create-admin-confirm" />
          </ui-field>
          <ui-field label="Role" [error]="problems().role">
            <select uiInput name="role" [(ngModel)]="form.role" data-testid="create-admin-role">
              <option value="admin">Admin: moderation, files, storage, backups, logs</option>
              <option value="superadmin">Superadmin: everything, including settings and creating admins</option>
            </select>
          </ui-field>
          @if (apiError()) {
            <ui-alert tone="error" data-testid="create-admin-error">{{ apiError() }}</ui-alert>
          }
          @if (created(); as c) {
            <ui-alert tone="success" data-testid="create-admin-done">{{ c.email }} can now sign in to the admin panel as {{ c.role }}.</ui-alert>
          }
          <div>
            <button uiButton type="submit" [busy]="busy()" [disabled]="busy()" data-testid="create-admin-submit">{{ busy() ? 'Creating…' : 'Create account' }}</button>
          </div>
        </form>
      </ui-card>
    </ui-page>
  `,
})
export class AdminCreateAdminPage implements OnInit {
  private readonly http = inject(HttpClient);
  private readonly session = inject(AdminSession);
  private readonly toasts = inject(UiToastService);

  protected form: CreateAdminForm = blank();
  protected readonly problems = signal<CreateAdminProblems>({});
  protected readonly apiError = signal<string | null>(null);
  protected readonly created = signal<AdminProfile | null>(null);
  protected readonly busy = signal(false);
  protected readonly minLength = signal(PASSWORD_MIN_LENGTH_FLOOR);

  ngOnInit(): void {
    // The password policy's minimum is an admin setting; the API enforces it either way.
    if (this.session.can(Permission.viewSettings)) {
      this.http.get<{ passwordMinLength?: number }>(AdminAuthRoutes.settings).subscribe({
        next: (s) => {
          if (typeof s.passwordMinLength === 'number') this.minLength.set(s.passwordMinLength);
        },
        error: () => undefined,
      });
    }
  }

  protected submit(): void {
    if (this.busy()) return;
    this.apiError.set(null);
    this.created.set(null);
    const problems = createAdminProblems(this.form, this.minLength());
    this.problems.set(problems);
    if (Object.keys(problems).length) return;
    const body: CreateAdminRequest = { email: this.form.email.trim(), password: this.form.password, role: this.form.role };
    this.busy.set(true);
    this.http.post<AdminProfile>(ApiRoutes.adminAuth.createAdmin, body).subscribe({
      next: (profile) => {
        this.busy.set(false);
        this.created.set(profile);
        this.form = blank();
        this.toasts.success(`Created ${profile.role} ${profile.email}`);
      },
      error: (e: unknown) => {
        this.busy.set(false);
        const problem = apiProblem(e);
        if (problem.code === 'WEAK_PASSWORD') this.problems.set({ password: problem.message });
        else if (problem.code === 'EMAIL_TAKEN') this.problems.set({ email: problem.message });
        else if (problem.details?.length) {
          const byField: CreateAdminProblems = {};
          for (const d of problem.details) if (d.path === 'email' || d.path === 'password' || d.path === 'role') byField[d.path] = d.message;
          this.problems.set(byField);
          this.apiError.set(problem.message);
        } else this.apiError.set(problem.message);
      },
    });
  }
}
