import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { AddStorageAccountRequest, AdminErrorCode, AdminStorageAccount, AdminStorageList, Permission, StorageAccountRemoval } from '@ddx/contracts';
import {
  BytesPipe,
  UiAlertComponent,
  UiBadgeComponent,
  UiButtonDirective,
  UiCardComponent,
  UiConfirmDialogComponent,
  UiFieldComponent,
  UiInputDirective,
  UiModalComponent,
  UiPageComponent,
  UiSpinnerComponent,
  UiTableDirective,
  UiToastService,
} from '@ddx/ui';

import { ActionRunner } from '../core/action-runner';
import { AdminApi } from '../core/admin-api.service';
import { AdminSession } from '../core/admin-session';
import { loadInto } from '../core/load-into';

type CredentialKind = 'oauth' | 'service_account';

/** What removing `a` will do, in words, for the confirmation dialog. */
export function removalPlan(a: Pick<AdminStorageAccount, 'label' | 'files_count' | 'reserved_bytes'>, canForce: boolean): { message: string; force: boolean; allowed: boolean } {
  const inFlight = a.reserved_bytes > 0;
  if (a.files_count === 0 && !inFlight) {
    return { message: `${a.label} leaves the pool; no files are stored on it. The bytes in the Google account itself are not touched.`, force: false, allowed: true };
  }
  const holds = a.files_count > 0 ? `${a.files_count} files are stored on ${a.label}` : `Uploads are in flight to ${a.label}`;
  if (!canForce) {
    return { message: `${holds}, so removing it is refused. Disable it instead, or ask a superadmin to force the removal.`, force: false, allowed: false };
  }
  return {
    message: `${holds}. Removing it anyway cancels uploads in flight; files with a WebDAV backup are then served from the backup, and files without one can no longer be downloaded. The bytes in the Google account itself are not touched.`,
    force: true,
    allowed: true,
  };
}

/** The request body for the add form, or a message saying what is missing. */
export function buildAddRequest(f: { kind: CredentialKind; label: string; clientId: string; clientSecret: string; refreshToken: string; keyJson: string; subject: string }): AddStorageAccountRequest | string {
  const label = f.label.trim() || undefined;
  if (f.kind === 'oauth') {
    if (!f.clientId.trim() || !f.clientSecret.trim() || !f.refreshToken.trim()) return 'Client id, client secret and refresh token are required.';
    return { label, credential: { kind: 'oauth', client_id: f.clientId.trim(), client_secret: f.clientSecret.trim(), refresh_token: f.refreshToken.trim() } };
  }
  const text = f.keyJson.trim();
  if (!text) return 'Paste the service account key file (JSON).';
  try {
    JSON.parse(text);
  } catch {
    return 'The key file is not valid JSON.';
  }
  return { label, credential: { kind: 'service_account', key_json: text, subject: f.subject.trim() || undefined } };
}

@Component({
  standalone: true,
  selector: 'app-admin-storage-page',
  imports: [
    DatePipe,
    FormsModule,
    RouterLink,
    BytesPipe,
    UiAlertComponent,
    UiBadgeComponent,
    UiButtonDirective,
    UiCardComponent,
    UiConfirmDialogComponent,
    UiFieldComponent,
    UiInputDirective,
    UiModalComponent,
    UiPageComponent,
    UiSpinnerComponent,
    UiTableDirective,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-page title="Storage accounts" subtitle="Google Drive accounts that hold uploaded files.">
      <div uiPageActions>
        <button uiButton variant="secondary" type="button" (click)="load()" [disabled]="loading()">Reload</button>
        @if (canManage()) {
          <button uiButton variant="secondary" type="button" (click)="refreshAll()" [busy]="refreshing()" [disabled]="refreshing()" data-testid="storage-refresh-all">{{ refreshing() ? 'Asking Google…' : 'Refresh stats' }}</button>
        }
        @if (canAdd()) {
          <button uiButton type="button" (click)="openAdd()" data-testid="storage-add">Add account</button>
        }
      </div>
      @if (error()) {
        <ui-alert tone="error">{{ error() }}</ui-alert>
      }
      @if (removal(); as r) {
        <ui-alert [tone]="r.lost.length ? 'warning' : 'success'" data-testid="storage-removal-result">
          {{ r.message }}
          @if (r.served_from_backup.length) {
            <span class="block">{{ r.served_from_backup.length }} files are now served from their WebDAV backup.</span>
          }
          @if (r.lost.length) {
            <span class="block">{{ r.lost.length }} files had no backup and can no longer be downloaded: {{ lostNames(r) }}</span>
          }
        </ui-alert>
      }
      @if (list(); as l) {
        <div class="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="storage-totals">
          <ui-card><p class="text-sm text-ink-500">Accounts</p><p class="text-xl font-semibold">{{ l.totals.accounts }} ({{ l.totals.enabled }} enabled, {{ l.totals.healthy }} healthy)</p></ui-card>
          <ui-card><p class="text-sm text-ink-500">Used / quota</p><p class="text-xl font-semibold">{{ l.totals.usage_bytes | bytes }} / {{ l.totals.quota_bytes | bytes }}</p></ui-card>
          <ui-card><p class="text-sm text-ink-500">Reserved · free</p><p class="text-xl font-semibold">{{ l.totals.reserved_bytes | bytes }} · {{ l.totals.free_bytes | bytes }}</p></ui-card>
          <ui-card><p class="text-sm text-ink-500">Files stored</p><p class="text-xl font-semibold">{{ l.totals.files_count }} ({{ l.totals.stored_bytes | bytes }})</p></ui-card>
        </div>
        <ui-card flush>
          <div class="overflow-x-auto">
            <table uiTable data-testid="storage-table">
              <thead>
                <tr><th>Account</th><th>Health</th><th>Used / quota</th><th><span class="sr-only">Actions</span></th></tr>
              </thead>
              <tbody>
                @for (a of l.accounts; track a.id) {
                  <tr [attr.data-testid]="'storage-row-' + a.email">
                    <td>
                      <p class="font-medium text-ink-900">{{ a.label }}</p>
                      <p class="text-xs text-ink-500">
                        {{ a.email }} · {{ a.kind }} ·
                        @if (canViewFiles()) {
                          <a class="text-brand-700 hover:underline" [routerLink]="['/admin/files']" [queryParams]="{ account: a.id }" data-testid="storage-files-link">{{ a.files_count }} files</a>
                        } @else {
                          {{ a.files_count }} files
                        }
                        ({{ a.stored_bytes | bytes }})
                      </p>
                      @if (!a.enabled) {
                        <ui-badge tone="neutral" data-testid="storage-disabled">disabled</ui-badge>
                      }
                    </td>
                    <td class="max-w-[16rem]">
                      <ui-badge [tone]="a.health === 'healthy' ? 'success' : a.health === 'degraded' ? 'warning' : 'danger'" data-testid="storage-health">{{ a.health }}</ui-badge>
                      <p class="text-xs text-ink-500">{{ a.last_checked_at ? 'checked ' + (a.last_checked_at | date: 'short') : 'never checked' }}</p>
                      @if (a.last_error) {
                        <p class="truncate text-xs text-rose-700" [title]="a.last_error" data-testid="storage-last-error">{{ a.last_error }}</p>
                      }
                      @if (a.consecutive_failures > 0) {
                        <p class="text-xs text-ink-500">{{ a.consecutive_failures }} failures in a row</p>
                      }
                      @if (a.rate_limited_until) {
                        <p class="text-xs text-amber-700">rate limited until {{ a.rate_limited_until | date: 'short' }}</p>
                      }
                    </td>
                    <td class="whitespace-nowrap">
                      <p>{{ a.usage_bytes | bytes }} / {{ a.unlimited ? 'unlimited' : (a.quota_bytes | bytes) }}</p>
                      <p class="text-xs text-ink-500">reserved {{ a.reserved_bytes | bytes }} · free {{ a.free_bytes | bytes }}</p>
                      <p class="text-xs text-ink-500">uploaded today {{ a.daily_uploaded_bytes | bytes }}</p>
                    </td>
                    <td class="whitespace-nowrap text-right">
                      @if (canManage()) {
                        <button uiButton size="sm" variant="secondary" type="button" [disabled]="rowBusy() === a.id" (click)="check(a)" data-testid="storage-check">Re-check</button>
                        @if (a.enabled) {
                          <button uiButton size="sm" variant="danger" type="button" class="ml-2" [disabled]="rowBusy() === a.id" (click)="toDisable.set(a)" data-testid="storage-disable">Disable</button>
                        } @else if (canAdd()) {
                          <button uiButton size="sm" type="button" class="ml-2" [disabled]="rowBusy() === a.id" (click)="setEnabled(a, true)" data-testid="storage-enable">Enable</button>
                        }
                        <button uiButton size="sm" variant="ghost" type="button" class="ml-2" [disabled]="rowBusy() === a.id" (click)="askRemove(a)" data-testid="storage-remove">Remove</button>
                      }
                      @if (canDestroy() && a.files_count > 0) {
                        <button uiButton size="sm" variant="danger" type="button" class="ml-2 mt-1" [disabled]="rowBusy() === a.id" (click)="toWipe.set(a)" data-testid="storage-delete-all">Delete all files</button>
                      }
                    </td>
                  </tr>
                } @empty {
                  <tr><td colspan="4" class="py-6 text-center text-ink-500">No storage accounts yet.</td></tr>
                }
              </tbody>
            </table>
          </div>
        </ui-card>
      } @else if (loading()) {
        <div class="flex justify-center p-8"><ui-spinner /></div>
      }
    </ui-page>

    <ui-confirm-dialog
      [open]="toDisable() !== null"
      title="Disable this storage account?"
      [message]="'No new uploads will go to ' + (toDisable()?.label ?? '') + '; its files are served from their backup copies.'"
      confirmLabel="Disable"
      [busy]="rowBusy() !== null"
      (confirmed)="confirmDisable()"
      (cancelled)="toDisable.set(null)"
    />

    <ui-modal [open]="toRemove() !== null" [title]="'Remove ' + (toRemove()?.label ?? '') + '?'" (closed)="closeRemove()">
      <p data-testid="storage-remove-message">{{ plan()?.message }}</p>
      @if (removeError()) {
        <ui-alert tone="error" class="mt-3" data-testid="storage-remove-error">{{ removeError() }}</ui-alert>
      }
      <div uiModalFooter class="contents">
        <button uiButton type="button" variant="secondary" [disabled]="rowBusy() !== null" (click)="closeRemove()">{{ plan()?.allowed ? 'Cancel' : 'Close' }}</button>
        @if (plan()?.allowed) {
          <button uiButton type="button" variant="danger" [busy]="rowBusy() !== null" [disabled]="rowBusy() !== null" (click)="remove()" data-testid="storage-remove-confirm">
            {{ plan()?.force ? 'Remove anyway' : 'Remove' }}
          </button>
        }
      </div>
    </ui-modal>

    <ui-confirm-dialog
      [open]="toWipe() !== null"
      [title]="'Delete every file on ' + (toWipe()?.label ?? '') + '?'"
      [message]="
        (toWipe()?.files_count ?? 0) +
        ' files stored on this account are deleted for good: their links stop at once, the Google Drive and WebDAV copies are purged, uploads in flight are cancelled, and Drive files in its folder that no record points to are deleted now. This cannot be undone.'
      "
      confirmLabel="Delete all files"
      [busy]="rowBusy() !== null"
      (confirmed)="wipe()"
      (cancelled)="toWipe.set(null)"
    />

    <ui-modal [open]="adding()" title="Add storage account" (closed)="closeAdd()">
      <form class="space-y-3" (ngSubmit)="add()" id="add-account-form">
        <ui-field label="Label (optional)"><input uiInput name="label" [(ngModel)]="form.label" data-testid="storage-label" /></ui-field>
        <fieldset class="flex gap-4 text-sm">
          <legend class="sr-only">Credential type</legend>
          <label class="flex items-center gap-2"><input type="radio" name="kind" value="oauth" [(ngModel)]="form.kind" data-testid="storage-kind-oauth" /> OAuth client</label>
          <label class="flex items-center gap-2"><input type="radio" name="kind" value="service_account" [(ngModel)]="form.kind" data-testid="storage-kind-sa" /> Service account</label>
        </fieldset>
        @if (form.kind === 'oauth') {
          <ui-field label="Client id" required><input uiInput name="clientId" autocomplete="off" [(ngModel)]="form.clientId" data-testid="storage-client-id" /></ui-field>
          <ui-field label="Client secret" required><input uiInput name="clientSecret" type="password" autocomplete="off" [(ngModel)]="form.clientSecret" data-testid="storage-client-secret" /></ui-field>
          <ui-field label="Refresh token" required><input uiInput name="refreshToken" type="password" autocomplete="off" [(ngModel)]="form.refreshToken" data-testid="storage-refresh-token" /></ui-field>
        } @else {
          <ui-field label="Service account key (JSON)" required><textarea uiInput name="keyJson" rows="6" [(ngModel)]="form.keyJson" data-testid="storage-key-json"></textarea></ui-field>
          <ui-field label="Act as (optional)" hint="Workspace user for domain-wide delegation"><input uiInput name="subject" type="email" [(ngModel)]="form.subject" /></ui-field>
        }
        @if (addError()) {
          <ui-alert tone="error" data-testid="storage-add-error">{{ addError() }}</ui-alert>
        }
      </form>
      <div uiModalFooter class="contents">
        <button uiButton type="button" variant="secondary" [disabled]="addBusy()" (click)="closeAdd()">Cancel</button>
        <button uiButton type="submit" form="add-account-form" [busy]="addBusy()" [disabled]="addBusy()" data-testid="storage-add-submit">{{ addBusy() ? 'Checking with Google…' : 'Add account' }}</button>
      </div>
    </ui-modal>
  `,
})
export class AdminStoragePage implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly session = inject(AdminSession);
  private readonly toasts = inject(UiToastService);

  protected readonly list = signal<AdminStorageList | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly rowBusy = signal<string | null>(null);
  protected readonly toDisable = signal<AdminStorageAccount | null>(null);
  protected readonly toRemove = signal<AdminStorageAccount | null>(null);
  protected readonly toWipe = signal<AdminStorageAccount | null>(null);
  protected readonly removeError = signal<string | null>(null);
  protected readonly removal = signal<StorageAccountRemoval | null>(null);
  protected readonly refreshing = signal(false);
  protected readonly plan = computed(() => {
    const a = this.toRemove();
    return a ? removalPlan(a, this.canDestroy()) : null;
  });
  protected readonly adding = signal(false);
  protected readonly addBusy = signal(false);
  protected readonly addError = signal<string | null>(null);
  protected form = this.emptyForm();
  private readonly rowActions = new ActionRunner(this.toasts, this.rowBusy, null);
  private readonly refresher = new ActionRunner(this.toasts, this.refreshing, false);
  private readonly adder = new ActionRunner(this.toasts, this.addBusy, false);

  protected canManage(): boolean {
    return this.session.can(Permission.manageStorage);
  }

  /** Adding or re-enabling an account decides where later uploads go: superadmins only. */
  protected canAdd(): boolean {
    return this.session.can(Permission.addStorage);
  }

  protected canDestroy(): boolean {
    return this.session.can(Permission.destructiveStorage);
  }

  protected canViewFiles(): boolean {
    return this.session.can(Permission.viewFiles);
  }

  protected lostNames(r: StorageAccountRemoval): string {
    const names = r.lost.slice(0, 10).map((f) => f.filename);
    return names.join(', ') + (r.lost.length > 10 ? ` and ${r.lost.length - 10} more` : '');
  }

  protected refreshAll(): void {
    this.refresher.run(true, this.api.refreshStorageAccounts(), { ok: 'Quota, usage and health refreshed from Google Drive.', done: () => this.load() });
  }

  protected askRemove(a: AdminStorageAccount): void {
    this.removeError.set(null);
    this.toRemove.set(a);
  }

  protected closeRemove(): void {
    if (this.rowBusy() === null) this.toRemove.set(null);
  }

  protected remove(): void {
    const a = this.toRemove();
    const plan = this.plan();
    if (!a || !plan?.allowed) return;
    this.removeError.set(null);
    this.rowActions.run(a.id, this.api.removeStorageAccount(a.id, plan.force), {
      ok: `${a.label} removed.`,
      done: (r) => {
        this.toRemove.set(null);
        this.removal.set(r);
        this.load();
      },
      fail: (message, p) => this.removeError.set(p.code === AdminErrorCode.ACCOUNT_HAS_FILES && !this.canDestroy() ? `${message} A superadmin can force the removal.` : message),
    });
  }

  protected wipe(): void {
    const a = this.toWipe();
    if (!a) return;
    this.rowActions.run(a.id, this.api.deleteAllFilesOfAccount(a.id), {
      ok: (r) => `${a.label}: ${r.files_deleted} files deleted (${r.purges_queued} copies being purged), ${r.uploads_cancelled} uploads cancelled, ${r.untracked_deleted} untracked Drive files deleted.`,
      settled: () => this.toWipe.set(null),
      done: () => this.load(),
      fail: (message) => this.failRow(message),
    });
  }

  ngOnInit(): void {
    this.load();
  }

  load(): void {
    loadInto(this.api.storageAccounts(), { value: this.list, loading: this.loading, error: this.error });
  }

  protected check(a: AdminStorageAccount): void {
    this.rowActions.run(a.id, this.api.checkStorageAccount(a.id), {
      done: (r) => {
        if (r.health === 'healthy') this.toasts.success(`${a.label} is healthy.`);
        else this.toasts.error(`${a.label}: ${r.health}${r.last_error ? ' — ' + r.last_error : ''}`);
        this.load();
      },
      fail: (message) => this.failRow(message),
    });
  }

  protected confirmDisable(): void {
    const a = this.toDisable();
    if (a) this.setEnabled(a, false);
  }

  protected setEnabled(a: AdminStorageAccount, enabled: boolean): void {
    this.rowActions.run(a.id, this.api.setStorageEnabled(a.id, enabled), {
      ok: `${a.label} ${enabled ? 'enabled' : 'disabled'}.`,
      done: () => {
        this.toDisable.set(null);
        this.load();
      },
      fail: (message) => this.failRow(message),
    });
  }

  protected openAdd(): void {
    this.form = this.emptyForm();
    this.addError.set(null);
    this.adding.set(true);
  }

  protected closeAdd(): void {
    if (!this.addBusy()) this.adding.set(false);
  }

  protected add(): void {
    if (this.addBusy()) return;
    const body = buildAddRequest(this.form);
    if (typeof body === 'string') {
      this.addError.set(body);
      return;
    }
    this.addError.set(null);
    this.adder.run(true, this.api.addStorageAccount(body), {
      ok: (a) => `Added ${a.label} (${a.email}).`,
      done: () => {
        this.adding.set(false);
        this.load();
      },
      fail: (message, p) => {
        const details = (p.details ?? []).map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
        this.addError.set(details ? `${message} (${details})` : message);
      },
    });
  }

  private failRow(message: string): void {
    this.toDisable.set(null);
    this.toasts.error(message);
  }

  private emptyForm() {
    return { kind: 'oauth' as CredentialKind, label: '', clientId: '', clientSecret: '', refreshToken: '', keyJson: '', subject: '' };
  }
}
