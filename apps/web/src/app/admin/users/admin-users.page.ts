import { DatePipe, DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { AccountStatus, AdminUser, AdminUserList, canModerate, Permission, Role, UserBulkRequest } from '@ddx/contracts';
import {
  BytesPipe,
  UiAlertComponent,
  UiBadgeComponent,
  UiButtonDirective,
  UiCardComponent,
  UiFieldComponent,
  UiInputDirective,
  UiModalComponent,
  UiPageComponent,
  UiSpinnerComponent,
  UiTableDirective,
  UiToastService,
} from '@ddx/ui';

import { apiProblem } from '../../core/api-problem';
import { ActionRunner } from '../core/action-runner';
import { AdminApi, ModerationAction, UserQuery } from '../core/admin-api.service';
import { AdminPagerComponent } from '../core/admin-pager.component';
import { AdminReasonDialogComponent } from '../core/admin-reason-dialog.component';
import { AdminSession } from '../core/admin-session';
import { BulkRunner } from '../core/bulk-runner';
import { saveBlob } from '../core/download-blob';
import { loadInto } from '../core/load-into';
import { Selection } from '../core/selection';

const PAGE_SIZE = 20;
const ACTION_LABEL: Record<ModerationAction, string> = { suspend: 'Suspend', ban: 'Ban', reactivate: 'Reactivate' };

type BulkAction = UserBulkRequest['action'];
type UserSort = NonNullable<UserQuery['sort_by']>;

const BULK: Record<BulkAction, { label: string; message: (n: number) => string; reason: 'required' | 'optional' }> = {
  suspend: { label: 'Suspend', reason: 'required', message: (n) => `${n} selected users will be signed out and cannot sign in until reactivated.` },
  ban: { label: 'Ban', reason: 'required', message: (n) => `${n} selected users will be signed out, cannot sign in, and their files stop being downloadable.` },
  reactivate: { label: 'Reactivate', reason: 'optional', message: (n) => `${n} selected users will be able to sign in again.` },
  delete: {
    label: 'Delete',
    reason: 'optional',
    message: (n) => `${n} selected accounts are deleted for good: every file they own is deleted from Google Drive and the backup. This cannot be undone.`,
  },
};

interface Pending {
  user: AdminUser;
  action: ModerationAction;
}

@Component({
  standalone: true,
  selector: 'app-admin-users-page',
  imports: [
    DatePipe,
    FormsModule,
    RouterLink,
    BytesPipe,
    UiAlertComponent,
    UiBadgeComponent,
    UiButtonDirective,
    UiCardComponent,
    UiFieldComponent,
    UiInputDirective,
    UiModalComponent,
    UiPageComponent,
    UiSpinnerComponent,
    UiTableDirective,
    AdminPagerComponent,
    AdminReasonDialogComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-page title="Users" subtitle="Search, filter and moderate accounts.">
      <div uiPageActions>
        <button uiButton variant="secondary" type="button" [disabled]="exporting()" (click)="export('csv')" data-testid="users-export-csv">Export CSV</button>
        <button uiButton variant="secondary" type="button" [disabled]="exporting()" (click)="export('json')" data-testid="users-export-json">Export JSON</button>
      </div>
      <form class="flex flex-wrap items-end gap-3" (ngSubmit)="search()" data-testid="user-filters">
        <ui-field label="Search" class="min-w-[14rem] flex-1">
          <input uiInput type="search" name="search" placeholder="E-mail or user id" [(ngModel)]="searchText" data-testid="user-search" />
        </ui-field>
        <ui-field label="Status">
          <select uiInput name="status" [(ngModel)]="statusFilter" (ngModelChange)="search()" data-testid="user-status-filter">
            <option value="">All</option>
            <option value="active">Active</option>
            <option value="suspended">Suspended</option>
            <option value="banned">Banned</option>
          </select>
        </ui-field>
        <ui-field label="Role">
          <select uiInput name="role" [(ngModel)]="roleFilter" (ngModelChange)="search()" data-testid="user-role-filter">
            <option value="">All</option>
            <option value="regular">Regular</option>
            <option value="admin">Admin</option>
            <option value="superadmin">Superadmin</option>
          </select>
        </ui-field>
        <ui-field label="Sort by">
          <select uiInput name="sort" [(ngModel)]="sortBy" (ngModelChange)="search()" data-testid="user-sort">
            <option value="created_at">Joined</option>
            <option value="last_login_at">Last sign-in</option>
            <option value="email">E-mail</option>
            <option value="status">Status</option>
            <option value="role">Role</option>
          </select>
        </ui-field>
        <ui-field label="Order">
          <select uiInput name="order" [(ngModel)]="sortOrder" (ngModelChange)="search()" data-testid="user-order">
            <option value="desc">Descending</option>
            <option value="asc">Ascending</option>
          </select>
        </ui-field>
        <button uiButton type="submit" variant="secondary" data-testid="user-search-submit">Search</button>
      </form>

      @if (error()) {
        <ui-alert tone="error">{{ error() }}</ui-alert>
      }

      @if (selection.size() > 0) {
        <div class="flex flex-wrap items-center gap-2 rounded-lg bg-brand-50 px-4 py-2 text-sm" data-testid="users-bulk-bar">
          <span class="font-medium text-ink-900">{{ selection.size() }} selected</span>
          <button uiButton size="sm" variant="secondary" type="button" (click)="askBulk('suspend')" data-testid="users-bulk-suspend">Suspend</button>
          <button uiButton size="sm" variant="secondary" type="button" (click)="askBulk('reactivate')" data-testid="users-bulk-reactivate">Reactivate</button>
          <button uiButton size="sm" variant="danger" type="button" (click)="askBulk('ban')" data-testid="users-bulk-ban">Ban</button>
          <button uiButton size="sm" variant="danger" type="button" (click)="askBulk('delete')" data-testid="users-bulk-delete">Delete</button>
          <button uiButton size="sm" variant="ghost" type="button" (click)="selection.clear()">Clear selection</button>
        </div>
      }

      <ui-card flush>
        @if (list(); as l) {
          <div class="overflow-x-auto">
            <table uiTable data-testid="users-table">
              <thead>
                <tr>
                  @if (canBulk()) {
                    <th class="w-8">
                      <input type="checkbox" aria-label="Select every user on this page" [checked]="allSelected()" [disabled]="selectable().length === 0" (change)="selectPage($any($event.target).checked)" data-testid="users-select-all" />
                    </th>
                  }
                  <th>User</th><th>Status</th><th>Files</th><th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                @for (u of l.items; track u.id) {
                  <tr [attr.data-testid]="'user-row-' + u.email">
                    @if (canBulk()) {
                      <td>
                        <input type="checkbox" [attr.aria-label]="'Select ' + u.email" [checked]="selection.has(u.id)" [disabled]="!mayModerate(u)" (change)="selection.toggle(u.id, $any($event.target).checked)" data-testid="user-select" />
                      </td>
                    }
                    <td class="max-w-[18rem]">
                      <a class="block truncate font-medium text-brand-700 hover:underline" [routerLink]="['/admin/users', u.id]" [title]="u.email" data-testid="user-link">{{ u.email }}</a>
                      <p class="text-xs text-ink-500">{{ u.role }} · joined {{ u.created_at | date: 'mediumDate' }}{{ u.last_login_at ? ' · last sign-in ' + (u.last_login_at | date: 'mediumDate') : '' }}</p>
                    </td>
                    <td>
                      <ui-badge [tone]="u.status === 'active' ? 'success' : u.status === 'suspended' ? 'warning' : 'danger'" data-testid="user-status">{{ u.status }}</ui-badge>
                      @if (u.status_reason) {
                        <p class="mt-1 max-w-[12rem] truncate text-xs text-ink-500" [title]="u.status_reason">{{ u.status_reason }}</p>
                      }
                    </td>
                    <td class="whitespace-nowrap">{{ u.files_count }} · {{ u.storage_used_bytes | bytes }}</td>
                    <td class="whitespace-nowrap text-right">
                      @if (mayModerate(u)) {
                        @if (u.status === 'active') {
                          <button uiButton size="sm" variant="secondary" type="button" (click)="ask(u, 'suspend')" data-testid="user-suspend">Suspend</button>
                          <button uiButton size="sm" variant="danger" type="button" class="ml-2" (click)="ask(u, 'ban')" data-testid="user-ban">Ban</button>
                        } @else {
                          <button uiButton size="sm" variant="secondary" type="button" (click)="ask(u, 'reactivate')" data-testid="user-reactivate">Reactivate</button>
                          @if (u.status === 'suspended') {
                            <button uiButton size="sm" variant="danger" type="button" class="ml-2" (click)="ask(u, 'ban')" data-testid="user-ban">Ban</button>
                          }
                        }
                      }
                    </td>
                  </tr>
                } @empty {
                  <tr><td [attr.colspan]="canBulk() ? 5 : 4" class="py-6 text-center text-ink-500">No users match.</td></tr>
                }
              </tbody>
            </table>
          </div>
          <app-admin-pager [total]="l.total" [page]="l.page" [totalPages]="l.total_pages" noun="user" testid="users" [disabled]="loading()" (go)="go($event)" />
        } @else if (loading()) {
          <div class="flex justify-center p-8"><ui-spinner /></div>
        }
      </ui-card>
    </ui-page>

    <ui-modal [open]="pending() !== null" [title]="modalTitle()" (closed)="cancel()">
      @if (pending(); as p) {
        <p class="mb-3">
          @if (p.action === 'ban') {
            <strong>{{ p.user.email }}</strong> will be signed out, cannot sign in, and their files stop being downloadable.
          } @else if (p.action === 'suspend') {
            <strong>{{ p.user.email }}</strong> will be signed out and cannot sign in until reactivated.
          } @else {
            <strong>{{ p.user.email }}</strong> will be able to sign in again.
          }
        </p>
        <ui-field [label]="p.action === 'reactivate' ? 'Reason (optional)' : 'Reason'" [required]="p.action !== 'reactivate'" [error]="reasonError()">
          <textarea uiInput rows="3" maxlength="500" [(ngModel)]="reason" name="reason" data-testid="moderation-reason"></textarea>
        </ui-field>
        @if (actionError()) {
          <ui-alert tone="error" class="mt-3" data-testid="moderation-error">{{ actionError() }}</ui-alert>
        }
      }
      <div uiModalFooter class="contents">
        <button uiButton type="button" variant="secondary" [disabled]="busy()" (click)="cancel()">Cancel</button>
        <button uiButton type="button" [variant]="pending()?.action === 'reactivate' ? 'primary' : 'danger'" [busy]="busy()" [disabled]="busy()" (click)="confirm()" data-testid="moderation-confirm">
          {{ busy() ? 'Working…' : actionLabel() }}
        </button>
      </div>
    </ui-modal>

    <app-admin-reason-dialog
      [open]="bulkAction() !== null"
      [title]="bulkTitle()"
      [message]="bulkMessage()"
      [confirmLabel]="bulkLabel()"
      [tone]="bulkAction() === 'reactivate' ? 'primary' : 'danger'"
      [reasonRequired]="bulkReasonRequired()"
      [busy]="busy()"
      [error]="actionError()"
      (confirmed)="runBulk($event)"
      (cancelled)="bulkAction.set(null)"
    />
  `,
})
export class AdminUsersPage implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly session = inject(AdminSession);
  private readonly toasts = inject(UiToastService);
  private readonly document = inject(DOCUMENT);

  protected searchText = '';
  protected statusFilter: AccountStatus | '' = '';
  protected roleFilter: Role | '' = '';
  protected sortBy: UserSort = 'created_at';
  protected sortOrder: 'asc' | 'desc' = 'desc';
  protected reason = '';
  protected readonly selection = new Selection();
  protected readonly list = signal<AdminUserList | null>(null);
  protected readonly loading = signal(false);
  protected readonly exporting = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly pending = signal<Pending | null>(null);
  protected readonly bulkAction = signal<BulkAction | null>(null);
  protected readonly busy = signal(false);
  protected readonly reasonError = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly modalTitle = computed(() => {
    const p = this.pending();
    return p ? `${ACTION_LABEL[p.action]} ${p.user.email}?` : '';
  });
  protected readonly actionLabel = computed(() => ACTION_LABEL[this.pending()?.action ?? 'suspend']);
  protected readonly canBulk = computed(() => this.session.can(Permission.moderateUsers));
  /** Ids on this page the admin may act on. */
  protected readonly selectable = computed(() => (this.list()?.items ?? []).filter((u) => this.mayModerate(u)).map((u) => u.id));
  protected readonly allSelected = computed(() => this.selection.allOf(this.selectable()));
  protected readonly bulkTitle = computed(() => {
    const a = this.bulkAction();
    return a ? `${BULK[a].label} ${this.selection.size()} ${this.selection.size() === 1 ? 'user' : 'users'}?` : '';
  });
  protected readonly bulkMessage = computed(() => {
    const a = this.bulkAction();
    return a ? BULK[a].message(this.selection.size()) : '';
  });
  protected readonly bulkLabel = computed(() => BULK[this.bulkAction() ?? 'suspend'].label);
  protected readonly bulkReasonRequired = computed(() => BULK[this.bulkAction() ?? 'suspend'].reason === 'required');
  private readonly actions = new ActionRunner(this.toasts, this.busy, false);
  private readonly bulk = new BulkRunner<BulkAction>({
    toasts: this.toasts,
    selection: this.selection,
    action: this.bulkAction,
    busy: this.busy,
    error: this.actionError,
    label: (a) => BULK[a].label,
    names: () => new Map((this.list()?.items ?? []).map((u) => [u.id, u.email])),
    call: (body) => this.api.bulkUsers(body),
    reload: () => this.load(),
  });
  private page = 1;

  ngOnInit(): void {
    this.load();
  }

  protected mayModerate(u: AdminUser): boolean {
    const me = this.session.profile();
    return !!me && me.id !== u.id && this.session.can(Permission.moderateUsers) && canModerate(me.role, u.role);
  }

  protected search(): void {
    this.page = 1;
    this.selection.clear();
    this.load();
  }

  protected go(page: number): void {
    this.page = page;
    this.load();
  }

  protected selectPage(on: boolean): void {
    this.selection.setAll(this.selectable(), on);
  }

  protected ask(user: AdminUser, action: ModerationAction): void {
    this.reason = '';
    this.reasonError.set(null);
    this.actionError.set(null);
    this.pending.set({ user, action });
  }

  protected cancel(): void {
    if (!this.busy()) this.pending.set(null);
  }

  protected confirm(): void {
    const p = this.pending();
    if (!p || this.busy()) return;
    if (p.action !== 'reactivate' && !this.reason.trim()) {
      this.reasonError.set('A reason is required.');
      return;
    }
    this.reasonError.set(null);
    this.actions.run(true, this.api.moderate(p.user.id, p.action, this.reason), {
      ok: `${ACTION_LABEL[p.action]}: ${p.user.email}`,
      done: () => {
        this.pending.set(null);
        this.load();
      },
      fail: (message) => this.actionError.set(message),
    });
  }

  protected askBulk(action: BulkAction): void {
    this.bulk.ask(action);
  }

  protected runBulk(reason: string): void {
    this.bulk.run(reason);
  }

  protected export(format: 'csv' | 'json'): void {
    this.exporting.set(true);
    this.api.exportUsers({ search: this.searchText, status: this.statusFilter, role: this.roleFilter, format }).subscribe({
      next: (blob) => {
        this.exporting.set(false);
        saveBlob(this.document, blob, `users-${new Date().toISOString().slice(0, 10)}.${format}`);
      },
      error: (e: unknown) => {
        this.exporting.set(false);
        this.toasts.error(apiProblem(e).message);
      },
    });
  }

  private load(): void {
    const q: UserQuery = { search: this.searchText, status: this.statusFilter, role: this.roleFilter, sort_by: this.sortBy, sort_order: this.sortOrder, page: this.page, limit: PAGE_SIZE };
    loadInto(this.api.users(q), { value: this.list, loading: this.loading, error: this.error });
  }
}
