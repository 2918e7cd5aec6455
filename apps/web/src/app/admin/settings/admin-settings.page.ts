import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Permission } from '@ddx/contracts';
import { UiAlertComponent, UiButtonDirective, UiCardComponent, UiFieldComponent, UiInputDirective, UiPageComponent, UiSpinnerComponent, UiToastService } from '@ddx/ui';

import { apiProblem } from '../../core/api-problem';
import { AdminApi, AdminSettings } from '../core/admin-api.service';
import { AdminSession } from '../core/admin-session';
import { diffSettings, SettingsForm, toForm } from './settings-form';

@Component({
  standalone: true,
  selector: 'app-admin-settings-page',
  imports: [FormsModule, UiAlertComponent, UiButtonDirective, UiCardComponent, UiFieldComponent, UiInputDirective, UiPageComponent, UiSpinnerComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-page title="Settings" subtitle="Registration, maintenance and upload limits. Changes apply at once.">
      @if (!canEdit()) {
        <ui-alert tone="info" data-testid="settings-readonly">Read-only: only a superadmin can change settings.</ui-alert>
      }
      @if (error()) {
        <ui-alert tone="error" data-testid="settings-error">{{ error() }}</ui-alert>
      }
      @if (form(); as f) {
        <form (ngSubmit)="save()" class="space-y-6" data-testid="settings-form">
          <fieldset [disabled]="!canEdit() || busy()" class="space-y-6">
            <ui-card heading="Access">
              <div class="space-y-3 text-sm">
                <label class="flex items-center gap-2"><input type="checkbox" name="registrationOpen" [(ngModel)]="f.registrationOpen" data-testid="set-registration" /> Registration open</label>
                <label class="flex items-center gap-2"><input type="checkbox" name="maintenanceMode" [(ngModel)]="f.maintenanceMode" data-testid="set-maintenance" /> Maintenance mode (everyone but admins gets 503)</label>
                <ui-field label="Maintenance message"><textarea uiInput name="maintenanceMessage" rows="2" maxlength="500" [(ngModel)]="f.maintenanceMessage" data-testid="set-maintenance-message"></textarea></ui-field>
              </div>
            </ui-card>
            <ui-card heading="Uploads">
              <div class="grid gap-4 sm:grid-cols-2">
                <label class="flex items-center gap-2 text-sm sm:col-span-2"><input type="checkbox" name="anonymousUploadsAllowed" [(ngModel)]="f.anonymousUploadsAllowed" data-testid="set-anonymous" /> Anonymous uploads allowed</label>
                <ui-field label="Anonymous: max per file (MiB)"><input uiInput type="number" min="0.001" step="any" name="anonymousMaxFileMiB" required [(ngModel)]="f.anonymousMaxFileMiB" /></ui-field>
                <ui-field label="Anonymous: per day (GiB)"><input uiInput type="number" min="0" step="any" name="anonymousDailyGiB" required [(ngModel)]="f.anonymousDailyGiB" /></ui-field>
                <ui-field label="Signed-in: max per file (MiB)"><input uiInput type="number" min="0.001" step="any" name="userMaxFileMiB" required [(ngModel)]="f.userMaxFileMiB" data-testid="set-user-max-file" /></ui-field>
                <ui-field label="Signed-in: per day (GiB)"><input uiInput type="number" min="0" step="any" name="userDailyGiB" required [(ngModel)]="f.userDailyGiB" /></ui-field>
                <ui-field label="Hard cap per file (MiB)"><input uiInput type="number" min="0.001" step="any" name="absoluteMaxFileMiB" required [(ngModel)]="f.absoluteMaxFileMiB" /></ui-field>
                <ui-field label="Max files per batch"><input uiInput type="number" min="1" max="100" step="1" name="maxFilesPerBatch" required [(ngModel)]="f.maxFilesPerBatch" data-testid="set-max-files" /></ui-field>
                <ui-field label="Blocked extensions" hint="Separated by commas or spaces, e.g. .exe, .bat" class="sm:col-span-2">
                  <input uiInput name="blockedExtensions" [(ngModel)]="f.blockedExtensions" data-testid="set-blocked-ext" />
                </ui-field>
              </div>
            </ui-card>
          </fieldset>
          @if (canEdit()) {
            <div class="flex justify-end gap-2">
              <button uiButton type="button" variant="secondary" [disabled]="busy()" (click)="reset()">Discard changes</button>
              <button uiButton type="submit" [busy]="busy()" [disabled]="busy()" data-testid="settings-save">{{ busy() ? 'Saving…' : 'Save settings' }}</button>
            </div>
          }
        </form>
      } @else if (!error()) {
        <div class="flex justify-center p-8"><ui-spinner /></div>
      }
    </ui-page>
  `,
})
export class AdminSettingsPage implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly session = inject(AdminSession);
  private readonly toasts = inject(UiToastService);
  private readonly current = signal<AdminSettings | null>(null);
  protected readonly form = signal<SettingsForm | null>(null);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly canEdit = computed(() => this.session.permissions().has(Permission.manageSettings));

  ngOnInit(): void {
    this.api.settings().subscribe({
      next: (s) => this.apply(s),
      error: (e: unknown) => this.error.set(apiProblem(e).message),
    });
  }

  protected reset(): void {
    const s = this.current();
    if (s) this.form.set(toForm(s));
  }

  protected save(): void {
    const before = this.current();
    const f = this.form();
    if (!before || !f || this.busy()) return;
    const patch = diffSettings(before, f);
    if (Object.keys(patch).length === 0) {
      this.toasts.info('Nothing changed.');
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    this.api.updateSettings(patch).subscribe({
      next: (s) => {
        this.busy.set(false);
        this.apply(s);
        this.toasts.success('Settings saved.');
      },
      error: (e: unknown) => {
        this.busy.set(false);
        const p = apiProblem(e);
        const details = (p.details ?? []).map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
        this.error.set(details ? `${p.message} (${details})` : p.message);
      },
    });
  }

  private apply(s: AdminSettings): void {
    this.current.set(s);
    this.form.set(toForm(s));
  }
}
