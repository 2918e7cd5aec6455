import { DatePipe, DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, OnInit, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { AdminFileList, AdminUserDetail, canAssignRole, canModerate, canResetPassword, Permission, Role } from '@ddx/contracts';
import {
  BytesPipe,
  formatBytes,
  UiAlertComponent,
  UiBadgeComponent,
  UiButtonDirective,
  UiCardComponent,
  UiConfirmDialogComponent,
  UiFieldComponent,
  UiInputDirective,
  UiModalComponent,
  UiPageComponent,
  UiProgressBarComponent,
  UiSpinnerComponent,
  UiTableDirective,
  UiToastService,
} from '@ddx/ui';

import { apiProblem } from '../../core/api-problem';
import { ActionRunner } from '../core/action-runner';
import { AdminApi, ModerationAction } from '../core/admin-api.service';
import { AdminPagerComponent } from '../core/admin-pager.component';
import { AdminReasonDialogComponent } from '../core/admin-reason-dialog.component';
import { AdminSession } from '../core/admin-session';
import { parseByteSize } from '../core/byte-size';
import { saveBlob } from '../core/download-blob';
import { BACKUP_STATUS_LABEL, BACKUP_STATUS_TONE, FILE_STATUS_TONE } from '../files/file-labels';

const FILES_PAGE_SIZE = 20;
const ROLES: Role[] = ['regular', 'admin', 'superadmin'];

type Destructive = ModerationAction | 'delete';
const DESTRUCTIVE: Record<Destructive, { label: string; message: (email: string) => string; reason: 'required' | 'optional'; tone: 'primary' | 'danger' }> = {
  suspend: { label: 'Suspend', reason: 'required', tone: 'danger', message: (e) => `${e} will be signed out and cannot sign in until reactivated.` },
  ban: { label: 'Ban', reason: 'required', tone: 'danger', message: (e) => `${e} will be signed out, cannot sign in, and their files stop being downloadable.` },
  reactivate: { label: 'Reactivate', reason: 'optional', tone: 'primary', message: (e) => `${e} will be able to sign in again (old sessions stay ended).` },
  delete: {
    label: 'Delete account',
    reason: 'optional',
    tone: 'danger',
    message: (e) => `${e} is deleted for good: uploads in flight are cancelled and every file they own is removed from Google Drive and the backup. This cannot be undone.`,
  },
};

@Component({
  standalone: true,
  selector: 'app-admin-user-detail-page',
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
    UiProgressBarComponent,
    UiSpinnerComponent,
    UiTableDirective,
    AdminPagerComponent,
    AdminReasonDialogComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <a routerLink="/admin/users" class="mb-4 inline-block text-sm font-medium text-brand-700 hover:underline">← All users</a>
    @if (error()) {
      <ui-alert tone="error" data-testid="user-detail-error">{{ error() }}</ui-alert>
    }
    @if (user(); as u) {
      <ui-page [title]="u.email" [subtitle]="u.name ?? ''">
        <!-- Below the heading, not beside it: an e-mail address has nowhere to wrap. -->
        <div class="flex flex-wrap gap-2" data-testid="detail-actions">
          <button uiButton variant="secondary" type="button" (click)="export('json')" data-testid="user-export-json">Export JSON</button>
          <button uiButton variant="secondary" type="button" (click)="export('csv')" data-testid="user-export-csv">Export CSV</button>
          @if (mayModerate()) {
            @if (u.status === 'active') {
              <button uiButton variant="secondary" type="button" (click)="ask('suspend')" data-testid="detail-suspend">Suspend</button>
              <button uiButton variant="danger" type="button" (click)="ask('ban')" data-testid="detail-ban">Ban</button>
            } @else {
              <button uiButton type="button" (click)="ask('reactivate')" data-testid="detail-reactivate">Reactivate</button>
              @if (u.status === 'suspended') {
                <button uiButton variant="danger" type="button" (click)="ask('ban')" data-testid="detail-ban">Ban</button>
              }
            }
            <button uiButton variant="danger" type="button" (click)="ask('delete')" data-testid="detail-delete">Delete account</button>
          }
        </div>

        <div class="grid gap-4 lg:grid-cols-3">
          <ui-card heading="Account">
            <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm" data-testid="user-account">
              <dt class="text-ink-500">Status</dt>
              <dd>
                <ui-badge [tone]="u.status === 'active' ? 'success' : u.status === 'suspended' ? 'warning' : 'danger'" data-testid="detail-status">{{ u.status }}</ui-badge>
                @if (u.status_reason) {
                  <span class="ml-1 text-xs text-ink-500">{{ u.status_reason }}</span>
                }
              </dd>
              <dt class="text-ink-500">Role</dt>
              <dd data-testid="detail-role">{{ u.role }}</dd>
              <dt class="text-ink-500">User id</dt>
              <dd class="break-all font-mono text-xs">{{ u.id }}</dd>
              <dt class="text-ink-500">Joined</dt>
              <dd>{{ u.created_at | date: 'medium' }}</dd>
              <dt class="text-ink-500">Last sign-in</dt>
              <dd>{{ u.last_login_at ? (u.last_login_at | date: 'medium') : 'never' }}</dd>
              <dt class="text-ink-500">Sign-in</dt>
              <dd>{{ u.has_password ? 'password' : 'no password' }}{{ u.google_linked ? ' · Google' : '' }}</dd>
            </dl>
          </ui-card>

          <ui-card heading="Storage">
            <p class="text-sm" data-testid="detail-storage">{{ u.storage.used_bytes | bytes }} of {{ u.storage.quota_bytes | bytes }} used · {{ u.files_count }} files</p>
            <ui-progress-bar class="mt-2" [value]="usedPercent()" label="Storage used" />
            <p class="mt-2 text-xs text-ink-500">Reserved by uploads in flight {{ u.storage.reserved_bytes | bytes }} · free {{ u.storage.free_bytes | bytes }}</p>
            @if (mayEditQuota()) {
              <form class="mt-4 flex items-end gap-2" (ngSubmit)="saveQuota()">
                <ui-field label="Quota" hint="e.g. 20 GiB, 500 MiB" [error]="quotaError()" class="flex-1">
                  <input uiInput name="quota" [(ngModel)]="quotaText" data-testid="detail-quota-input" />
                </ui-field>
                <button uiButton type="submit" variant="secondary" [busy]="busy() === 'quota'" [disabled]="busy() !== null" data-testid="detail-quota-save">Set quota</button>
              </form>
            }
          </ui-card>

          <ui-card heading="Access">
            @if (roleOptions().length) {
              <form class="flex items-end gap-2" (ngSubmit)="askRole()">
                <ui-field label="Role" class="flex-1">
                  <select uiInput name="role" [(ngModel)]="roleChoice" data-testid="detail-role-select">
                    @for (r of roleOptions(); track r) {
                      <option [value]="r">{{ r }}</option>
                    }
                  </select>
                </ui-field>
                <button uiButton type="submit" variant="secondary" [disabled]="busy() !== null" data-testid="detail-role-save">Change role</button>
              </form>
            }
            @if (mayResetPassword()) {
              <button uiButton type="button" variant="secondary" class="mt-4" (click)="openPassword()" data-testid="detail-reset-password">Set a new password</button>
            }
            @if (!roleOptions().length && !mayResetPassword()) {
              <p class="text-sm text-ink-500">Your role cannot change this account's access.</p>
            }
          </ui-card>
        </div>

        @if (canViewFiles()) {
          <ui-card heading="Files" flush>
            <div class="flex flex-wrap items-end gap-3 px-5 pb-3">
              <ui-field label="Status">
                <select uiInput name="fstatus" [(ngModel)]="fileStatus" (ngModelChange)="loadFiles(1)" data-testid="detail-files-status">
                  <option value="">All but deleted</option>
                  <option value="completed">Completed</option>
                  <option value="uploading">Uploading</option>
                  <option value="pending">Pending</option>
                  <option value="failed">Failed</option>
                  <option value="cancelled">Cancelled</option>
                  <option value="deleted">Deleted</option>
                </select>
              </ui-field>
              <ui-field label="Sort by">
                <select uiInput name="fsort" [(ngModel)]="fileSort" (ngModelChange)="loadFiles(1)">
                  <option value="created_at">Uploaded</option>
                  <option value="size">Size</option>
                  <option value="filename">Name</option>
                  <option value="backup_status">Backup</option>
                </select>
              </ui-field>
            </div>
            @if (files(); as f) {
              <div class="overflow-x-auto">
                <table uiTable data-testid="detail-files">
                  <thead><tr><th>Name</th><th>Size</th><th>Status</th><th>Backup</th><th>Uploaded</th></tr></thead>
                  <tbody>
                    @for (file of f.items; track file.file_id) {
                      <tr [attr.data-testid]="'detail-file-' + file.file_id">
                        <td class="max-w-[18rem]"><a class="block truncate font-medium text-brand-700 hover:underline" [routerLink]="['/admin/files', file.file_id]" [title]="file.filename">{{ file.filename }}</a></td>
                        <td class="whitespace-nowrap">{{ file.size | bytes }}</td>
                        <td>
                          <ui-badge [tone]="statusTone[file.status]">{{ file.status }}</ui-badge>
                          @if (file.quarantined) {
                            <ui-badge tone="danger" class="ml-1">quarantined</ui-badge>
                          }
                        </td>
                        <td><ui-badge [tone]="backupTone[file.backup_status]">{{ backupLabel[file.backup_status] }}</ui-badge></td>
                        <td class="whitespace-nowrap">{{ file.created_at | date: 'short' }}</td>
                      </tr>
                    } @empty {
                      <tr><td colspan="5" class="py-6 text-center text-ink-500">No files.</td></tr>
                    }
                  </tbody>
                </table>
              </div>
              <app-admin-pager [total]="f.total" [page]="f.page" [totalPages]="f.total_pages" noun="file" testid="detail-files" (go)="loadFiles($event)" />
            } @else if (filesError()) {
              <ui-alert tone="error" class="m-5">{{ filesError() }}</ui-alert>
            } @else {
              <div class="flex justify-center p-8"><ui-spinner /></div>
            }
          </ui-card>
        }
      </ui-page>
    } @else if (!error()) {
      <div class="flex justify-center p-8"><ui-spinner /></div>
    }

    <app-admin-reason-dialog
      [open]="pending() !== null"
      [title]="pendingTitle()"
      [message]="pendingMessage()"
      [confirmLabel]="pendingLabel()"
      [tone]="pendingTone()"
      [reasonRequired]="pendingReasonRequired()"
      [busy]="busy() === 'action'"
      [error]="actionError()"
      (confirmed)="runPending($event)"
      (cancelled)="pending.set(null)"
    />

    <ui-confirm-dialog
      [open]="roleConfirm()"
      [title]="'Make ' + (user()?.email ?? '') + ' ' + roleChoice + '?'"
      [message]="roleMessage()"
      confirmLabel="Change role"
      [busy]="busy() === 'role'"
      (confirmed)="saveRole()"
      (cancelled)="roleConfirm.set(false)"
    />

    <ui-modal [open]="passwordOpen()" [title]="'New password for ' + (user()?.email ?? '')" (closed)="closePassword()">
      <form id="reset-password-form" (ngSubmit)="savePassword()">
        <p class="mb-3">Their sessions end and they sign in with this password from now on. Tell them through a channel you trust.</p>
        <ui-field label="New password" required [error]="passwordError()">
          <input uiInput type="password" name="newPassword" autocomplete="new-password" [(ngModel)]="newPassword" data-testid="detail-new-password" />
        </ui-field>
      </form>
      <div uiModalFooter class="contents">
        <button uiButton type="button" variant="secondary" [disabled]="busy() === 'password'" (click)="closePassword()">Cancel</button>
        <button uiButton type="submit" form="reset-password-form" [busy]="busy() === 'password'" [disabled]="busy() === 'password'" data-testid="detail-password-save">Set password</button>
      </div>
    </ui-modal>
  `,
})
export class AdminUserDetailPage implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly session = inject(AdminSession);
  private readonly toasts = inject(UiToastService);
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  private readonly document = inject(DOCUMENT);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly statusTone = FILE_STATUS_TONE;
  protected readonly backupTone = BACKUP_STATUS_TONE;
  protected readonly backupLabel = BACKUP_STATUS_LABEL;

  protected readonly user = signal<AdminUserDetail | null>(null);
  protected readonly files = signal<AdminFileList | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly filesError = signal<string | null>(null);
  protected readonly busy = signal<'quota' | 'role' | 'password' | 'action' | null>(null);
  protected readonly pending = signal<Destructive | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly quotaError = signal<string | null>(null);
  protected readonly passwordError = signal<string | null>(null);
  protected readonly passwordOpen = signal(false);
  protected readonly roleConfirm = signal(false);
  protected quotaText = '';
  protected roleChoice: Role = 'regular';
  protected newPassword = '';
  protected fileStatus = '';
  protected fileSort = 'created_at';
  private readonly actions = new ActionRunner(this.toasts, this.busy, null);
  private id = '';

  private readonly me = computed(() => this.session.profile());
  protected readonly canViewFiles = computed(() => this.session.can(Permission.viewFiles));
  private readonly isSelf = computed(() => this.me()?.id === this.user()?.id);
  protected readonly mayModerate = computed(() => {
    const me = this.me();
    const u = this.user();
    return !!me && !!u && !this.isSelf() && this.session.can(Permission.moderateUsers) && canModerate(me.role, u.role);
  });
  /** Admins set the quota of regular users; a superadmin of anyone. */
  protected readonly mayEditQuota = computed(() => {
    const me = this.me();
    const u = this.user();
    return !!me && !!u && this.session.can(Permission.moderateUsers) && (u.role === 'regular' || me.role === 'superadmin');
  });
  protected readonly mayResetPassword = computed(() => {
    const me = this.me();
    const u = this.user();
    return !!me && !!u && canResetPassword(me.role, u.role);
  });
  protected readonly roleOptions = computed(() => {
    const me = this.me();
    const u = this.user();
    if (!me || !u || this.isSelf()) return [];
    return ROLES.filter((r) => canAssignRole(me.role, u.role, r));
  });
  protected readonly usedPercent = computed(() => {
    const s = this.user()?.storage;
    return s && s.quota_bytes > 0 ? Math.min(100, Math.round((s.used_bytes / s.quota_bytes) * 100)) : 0;
  });
  protected readonly pendingTitle = computed(() => {
    const p = this.pending();
    return p ? `${DESTRUCTIVE[p].label} ${this.user()?.email ?? ''}?` : '';
  });
  protected readonly pendingMessage = computed(() => {
    const p = this.pending();
    return p ? DESTRUCTIVE[p].message(this.user()?.email ?? '') : '';
  });
  protected readonly pendingLabel = computed(() => DESTRUCTIVE[this.pending() ?? 'suspend'].label);
  protected readonly pendingTone = computed(() => DESTRUCTIVE[this.pending() ?? 'suspend'].tone);
  protected readonly pendingReasonRequired = computed(() => DESTRUCTIVE[this.pending() ?? 'suspend'].reason === 'required');
  protected readonly roleMessage = computed(() => {
    const u = this.user();
    if (!u) return '';
    const gains = this.roleChoice !== 'regular' ? ` They can then sign in to this admin panel as ${this.roleChoice}.` : ' They lose access to this admin panel.';
    return `${u.email} is signed out everywhere.${gains}`;
  });

  ngOnInit(): void {
    this.route.paramMap.pipe(takeUntilDestroyed(this.destroyRef)).subscribe((p) => {
      this.id = p.get('id') ?? '';
      this.user.set(null);
      this.files.set(null);
      this.load();
      if (this.canViewFiles()) this.loadFiles(1);
    });
  }

  protected ask(action: Destructive): void {
    this.actionError.set(null);
    this.pending.set(action);
  }

  protected runPending(reason: string): void {
    const action = this.pending();
    const u = this.user();
    if (!action || !u || this.busy()) return;
    this.actionError.set(null);
    const fail = (message: string) => this.actionError.set(message);
    if (action === 'delete') {
      this.actions.run('action', this.api.deleteUser(u.id, reason), {
        ok: (r) => `Deleted ${r.email}: ${r.files_deleted} files removed, ${r.purges_queued} copies being purged.`,
        done: () => {
          this.pending.set(null);
          void this.router.navigate(['/admin/users']);
        },
        fail,
      });
      return;
    }
    this.actions.run('action', this.api.moderate(u.id, action, reason), {
      ok: `${DESTRUCTIVE[action].label}: ${u.email}`,
      done: () => {
        this.pending.set(null);
        this.load();
      },
      fail,
    });
  }

  protected saveQuota(): void {
    const u = this.user();
    if (!u || this.busy()) return;
    const bytes = parseByteSize(this.quotaText);
    if (bytes === null) {
      this.quotaError.set('Enter a size such as 20 GiB or 500 MiB.');
      return;
    }
    this.quotaError.set(null);
    this.actions.run('quota', this.api.setQuota(u.id, bytes), {
      ok: `Quota of ${u.email} set to ${formatBytes(bytes)}.`,
      done: () => this.load(),
      fail: (message) => this.quotaError.set(message),
    });
  }

  protected askRole(): void {
    if (this.roleChoice === this.user()?.role) return;
    this.roleConfirm.set(true);
  }

  protected saveRole(): void {
    const u = this.user();
    if (!u || this.busy()) return;
    const role = this.roleChoice;
    this.actions.run('role', this.api.setRole(u.id, role), {
      ok: `${u.email} is now ${role}.`,
      settled: () => this.roleConfirm.set(false),
      done: () => this.load(),
    });
  }

  protected openPassword(): void {
    this.newPassword = '';
    this.passwordError.set(null);
    this.passwordOpen.set(true);
  }

  protected closePassword(): void {
    if (this.busy() !== 'password') this.passwordOpen.set(false);
  }

  protected savePassword(): void {
    const u = this.user();
    if (!u || this.busy()) return;
    if (!this.newPassword) {
      this.passwordError.set('Enter the new password.');
      return;
    }
    this.passwordError.set(null);
    this.actions.run('password', this.api.resetPassword(u.id, this.newPassword), {
      ok: `New password set for ${u.email}; their sessions ended.`,
      done: () => {
        this.passwordOpen.set(false);
        this.newPassword = '';
      },
      fail: (message, p) => {
        const details = (p.details ?? []).map((d) => d.message).join(' ');
        this.passwordError.set(details ? `${message} ${details}` : message);
      },
    });
  }

  protected export(format: 'csv' | 'json'): void {
    const u = this.user();
    if (!u) return;
    this.api.exportUsers({ search: u.id, format }).subscribe({
      next: (blob) => saveBlob(this.document, blob, `user-${u.id}.${format}`),
      error: (e: unknown) => this.toasts.error(apiProblem(e).message),
    });
  }

  loadFiles(page: number): void {
    this.filesError.set(null);
    this.api.userFiles(this.id, { status: this.fileStatus, sort_by: this.fileSort, sort_order: this.fileSort === 'filename' ? 'asc' : 'desc', page, limit: FILES_PAGE_SIZE }).subscribe({
      next: (f) => this.files.set(f),
      error: (e: unknown) => {
        this.files.set(null);
        this.filesError.set(apiProblem(e).message);
      },
    });
  }

  private load(): void {
    this.error.set(null);
    this.api.user(this.id).subscribe({
      next: (u) => {
        this.user.set(u);
        this.quotaText = formatBytes(u.storage_quota_bytes);
        this.roleChoice = this.roleOptions()[0] ?? u.role;
      },
      error: (e: unknown) => {
        const p = apiProblem(e);
        this.error.set(p.status === 404 ? 'This user does not exist (any more).' : p.message);
      },
    });
  }
}
