import { afterNextRender, ChangeDetectionStrategy, Component, computed, ElementRef, inject, Injector, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { AdminSettingKey, AdminSettings, adminSettingsSchema, ErrorCode, Permission } from '@ddx/contracts';
import { UiAlertComponent, UiButtonDirective, UiCardComponent, UiConfirmDialogComponent, UiFieldComponent, UiInputDirective, UiPageComponent, UiSpinnerComponent, UiToastService } from '@ddx/ui';

import { MaintenanceState } from '../../components/maintenance/maintenance-state';
import { apiProblem } from '../../core/api-problem';
import { AdminApi } from '../core/admin-api.service';
import { AdminSession } from '../core/admin-session';
import { buildPatch, groupKeys, NumberBounds, numberBounds, SETTING_FIELDS, SettingField, SETTINGS_GROUPS, SettingsErrors, SettingsFormValue, SettingsFormValues, serverFieldErrors, toFormValues } from './settings-form';

interface FieldView {
  key: AdminSettingKey;
  field: SettingField;
  bounds: NumberBounds | null;
  maxLength: number | null;
  placeholder: string | null;
}

/** Every setting of the contract, grouped; the page is generated from SETTING_FIELDS. */
const SECTIONS = SETTINGS_GROUPS.map((group) => ({
  ...group,
  fields: groupKeys(group.id).map((key): FieldView => {
    const field = SETTING_FIELDS[key] as SettingField;
    const schema = adminSettingsSchema.shape[key];
    return {
      key,
      field,
      bounds: field.kind === 'number' ? numberBounds(key) : null,
      maxLength: 'maxLength' in schema && typeof schema.maxLength === 'number' ? schema.maxLength : null,
      placeholder: field.kind === 'number' ? (field.emptyLabel ?? null) : null,
    };
  }),
}));

@Component({
  standalone: true,
  selector: 'app-admin-settings-page',
  imports: [FormsModule, UiAlertComponent, UiButtonDirective, UiCardComponent, UiConfirmDialogComponent, UiFieldComponent, UiInputDirective, UiPageComponent, UiSpinnerComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-page title="Settings" subtitle="Access, limits, security, maintenance, backups, log retention and alerts. Changes apply at once on every server.">
      @if (!canEdit()) {
        <ui-alert tone="info" data-testid="settings-readonly">Read-only: only a superadmin can change settings.</ui-alert>
      }
      @if (loadError()) {
        <ui-alert tone="error" data-testid="settings-load-error">{{ loadError() }}</ui-alert>
      }
      @if (values(); as v) {
        <form (ngSubmit)="save()" class="space-y-6" data-testid="settings-form">
          <fieldset [disabled]="!canEdit() || busy()" class="space-y-6">
            @for (section of sections; track section.id) {
              <ui-card [heading]="section.title" [attr.data-testid]="'settings-group-' + section.id">
                <p class="-mt-1 mb-4 text-sm text-ink-500">{{ section.description }}</p>
                <div class="grid gap-4 sm:grid-cols-2">
                  @for (item of section.fields; track item.key) {
                    @switch (item.field.kind) {
                      @case ('toggle') {
                        <div class="sm:col-span-2" [attr.data-testid]="'field-' + item.key">
                          <label class="flex items-start gap-3 text-sm">
                            <input
                              type="checkbox"
                              class="mt-0.5 h-4 w-4 shrink-0 rounded border-ink-300 text-brand-600 focus:ring-brand-600"
                              [name]="item.key"
                              [ngModel]="v[item.key]"
                              (ngModelChange)="set(item.key, $event)"
                              [attr.data-testid]="'setting-' + item.key"
                            />
                            <span>
                              <span class="font-medium text-ink-900">{{ item.field.label }}</span>
                              @if (item.field.hint) {
                                <span class="block text-ink-500">{{ item.field.hint }}</span>
                              }
                            </span>
                          </label>
                          @if (errorFor(item.key); as message) {
                            <p class="mt-1 text-sm text-rose-700" data-testid="field-error">{{ message }}</p>
                          }
                        </div>
                      }
                      @case ('number') {
                        <ui-field [label]="item.field.label" [hint]="item.field.hint" [error]="errorFor(item.key)" [attr.data-testid]="'field-' + item.key">
                          <input
                            uiInput
                            type="number"
                            inputmode="decimal"
                            [name]="item.key"
                            [attr.min]="item.bounds?.min ?? null"
                            [attr.max]="item.bounds?.max ?? null"
                            [attr.step]="item.bounds?.step ?? null"
                            [attr.placeholder]="item.placeholder"
                            [ngModel]="v[item.key]"
                            (ngModelChange)="set(item.key, $event)"
                            [attr.data-testid]="'setting-' + item.key"
                          />
                        </ui-field>
                      }
                      @default {
                        <ui-field class="sm:col-span-2" [label]="item.field.label" [hint]="item.field.hint" [error]="errorFor(item.key)" [attr.data-testid]="'field-' + item.key">
                          <textarea
                            uiInput
                            [rows]="item.field.kind === 'text' ? item.field.rows : 2"
                            [name]="item.key"
                            [attr.maxlength]="item.maxLength"
                            [ngModel]="v[item.key]"
                            (ngModelChange)="set(item.key, $event)"
                            [attr.data-testid]="'setting-' + item.key"
                          ></textarea>
                        </ui-field>
                      }
                    }
                  }
                </div>
              </ui-card>
            }
          </fieldset>
          @if (saveError()) {
            <ui-alert tone="error" data-testid="settings-error">{{ saveError() }}</ui-alert>
          }
          @if (canEdit()) {
            <div class="sticky bottom-0 z-10 -mx-1 flex flex-wrap items-center justify-between gap-3 rounded-xl bg-white/95 px-4 py-3 shadow-sm ring-1 ring-ink-200 backdrop-blur">
              <p class="text-sm text-ink-600" data-testid="settings-pending" aria-live="polite">{{ pendingLabel() }}</p>
              <div class="flex gap-2">
                <button uiButton type="button" variant="secondary" [disabled]="busy() || pending() === 0" (click)="reset()" data-testid="settings-discard">Discard changes</button>
                <button uiButton type="submit" [busy]="busy()" [disabled]="busy()" data-testid="settings-save">{{ busy() ? 'Saving…' : 'Save settings' }}</button>
              </div>
            </div>
          }
        </form>
      } @else if (!loadError()) {
        <div class="flex justify-center p-8"><ui-spinner /></div>
      }
    </ui-page>

    <ui-confirm-dialog
      [open]="confirming() !== null"
      title="Turn on maintenance mode?"
      [message]="confirmMessage()"
      confirmLabel="Turn on maintenance"
      [busy]="busy()"
      (confirmed)="confirmMaintenance()"
      (cancelled)="confirming.set(null)"
    />
  `,
})
export class AdminSettingsPage implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly session = inject(AdminSession);
  private readonly toasts = inject(UiToastService);
  private readonly maintenance = inject(MaintenanceState);
  private readonly host: ElementRef<HTMLElement> = inject(ElementRef);
  private readonly injector = inject(Injector);

  protected readonly sections = SECTIONS;
  private readonly current = signal<AdminSettings | null>(null);
  protected readonly values = signal<SettingsFormValues | null>(null);
  private readonly serverErrors = signal<SettingsErrors>({});
  protected readonly busy = signal(false);
  protected readonly loadError = signal<string | null>(null);
  protected readonly saveError = signal<string | null>(null);
  /** The patch waiting for "yes, turn maintenance on". */
  protected readonly confirming = signal<Partial<AdminSettings> | null>(null);
  protected readonly canEdit = computed(() => this.session.can(Permission.manageSettings));

  private readonly draft = computed(() => {
    const before = this.current();
    const values = this.values();
    return before && values ? buildPatch(before, values) : { patch: {}, errors: {} };
  });
  protected readonly pending = computed(() => Object.keys(this.draft().patch).length + Object.keys(this.draft().errors).length);
  protected readonly pendingLabel = computed(() => {
    const n = this.pending();
    return n === 0 ? 'No unsaved changes.' : n === 1 ? '1 unsaved change.' : `${n} unsaved changes.`;
  });
  protected readonly confirmMessage = computed(() => {
    const message = String(this.values()?.maintenanceMessage ?? '').trim();
    return (
      'Everyone but admins gets “service unavailable” (uploads, downloads, accounts) until you turn it off; sign-in and the admin area stay open.' +
      (message ? ` They will see: “${message}”` : ' They will see no explanation: the maintenance message is empty.')
    );
  });

  ngOnInit(): void {
    this.api.settings().subscribe({
      next: (s) => this.apply(s),
      error: (e: unknown) => this.loadError.set(apiProblem(e).message),
    });
  }

  protected errorFor(key: AdminSettingKey): string | null {
    return this.serverErrors()[key] ?? this.draft().errors[key] ?? null;
  }

  protected set(key: AdminSettingKey, value: SettingsFormValue): void {
    this.values.update((v) => (v ? { ...v, [key]: value } : v));
    if (this.serverErrors()[key]) {
      this.serverErrors.update((errors) => {
        const rest = { ...errors };
        delete rest[key];
        return rest;
      });
    }
  }

  protected reset(): void {
    const s = this.current();
    if (s) this.apply(s);
  }

  protected save(): void {
    if (!this.current() || this.busy() || !this.canEdit()) return;
    const { patch, errors } = this.draft();
    if (Object.keys(errors).length > 0) {
      this.saveError.set('Some values are not valid: see the highlighted fields.');
      this.focusFirstInvalid();
      return;
    }
    if (Object.keys(patch).length === 0) {
      this.toasts.info('Nothing changed.');
      return;
    }
    if (patch.maintenanceMode === true) {
      this.confirming.set(patch);
      return;
    }
    this.send(patch);
  }

  protected confirmMaintenance(): void {
    const patch = this.confirming();
    if (patch) this.send(patch);
  }

  private send(patch: Partial<AdminSettings>): void {
    this.busy.set(true);
    this.saveError.set(null);
    this.api.updateSettings(patch).subscribe({
      next: (s) => {
        this.busy.set(false);
        this.confirming.set(null);
        this.apply(s);
        if ('maintenanceMode' in patch || 'maintenanceMessage' in patch) this.maintenance.refresh();
        this.toasts.success('Settings saved.');
      },
      error: (e: unknown) => {
        this.busy.set(false);
        this.confirming.set(null);
        const p = apiProblem(e);
        if (p.code === ErrorCode.VALIDATION && p.details?.length) {
          const { fields, other } = serverFieldErrors(p.details);
          this.serverErrors.set(fields);
          this.saveError.set(other.length ? `${p.message} (${other.join('; ')})` : 'The server refused some values: see the highlighted fields.');
          this.focusFirstInvalid();
        } else {
          this.saveError.set(p.message);
        }
      },
    });
  }

  private apply(s: AdminSettings): void {
    this.current.set(s);
    this.values.set(toFormValues(s));
    this.serverErrors.set({});
    this.saveError.set(null);
  }

  private focusFirstInvalid(): void {
    // Server errors render on the next change detection; focus once they are there.
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), { injector: this.injector });
  }
}
