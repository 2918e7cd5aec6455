import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { AccountStatus, AdminUser, AdminUserList, canModerate, Permission } from '@ddx/contracts';
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
import { AdminApi, ModerationAction } from '../core/admin-api.service';
import { AdminSession } from '../core/admin-session';

const PAGE_SIZE = 20;
const ACTION_LABEL: Record<ModerationAction, string> = { suspend: 'Suspend', ban: 'Ban', reactivate: 'Reactivate' };

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
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-page title="Users" subtitle="Search, filter and moderate accounts.">
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
        <button uiButton type="submit" variant="secondary" data-testid="user-search-submit">Search</button>
      </form>

      @if (error()) {
        <ui-alert tone="error">{{ error() }}</ui-alert>
      }

      <ui-card flush>
        @if (list(); as l) {
          <div class="overflow-x-auto">
            <table uiTable data-testid="users-table">
              <thead>
                <tr><th>User</th><th>Status</th><th>Files</th><th><span class="sr-only">Actions</span></th></tr>
              </thead>
              <tbody>
                @for (u of l.items; track u.id) {
                  <tr [attr.data-testid]="'user-row-' + u.email">
                    <td class="max-w-[18rem]">
                      <p class="truncate font-medium text-ink-900" [title]="u.email">{{ u.email }}</p>
                      <p class="text-xs text-ink-500">{{ u.role }} · joined {{ u.created_at | date: 'mediumDate' }}</p>
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
                  <tr><td colspan="4" class="py-6 text-center text-ink-500">No users match.</td></tr>
                }
              </tbody>
            </table>
          </div>
          <div class="flex items-center justify-between border-t border-ink-100 px-5 py-3 text-sm">
            <span data-testid="users-total">{{ l.total }} {{ l.total === 1 ? 'user' : 'users' }} · page {{ l.page }} of {{ l.total_pages || 1 }}</span>
            <span class="flex gap-2">
              <button uiButton size="sm" variant="secondary" type="button" [disabled]="l.page <= 1 || loading()" (click)="go(l.page - 1)">Previous</button>
              <button uiButton size="sm" variant="secondary" type="button" [disabled]="l.page >= l.total_pages || loading()" (click)="go(l.page + 1)" data-testid="users-next">Next</button>
            </span>
          </div>
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
  `,
})
export class AdminUsersPage implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly session = inject(AdminSession);
  private readonly toasts = inject(UiToastService);

  protected searchText = '';
  protected statusFilter: AccountStatus | '' = '';
  protected reason = '';
  protected readonly list = signal<AdminUserList | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly pending = signal<Pending | null>(null);
  protected readonly busy = signal(false);
  protected readonly reasonError = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly modalTitle = computed(() => {
    const p = this.pending();
    return p ? `${ACTION_LABEL[p.action]} ${p.user.email}?` : '';
  });
  protected readonly actionLabel = computed(() => ACTION_LABEL[this.pending()?.action ?? 'suspend']);
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
    this.load();
  }

  protected go(page: number): void {
    this.page = page;
    this.load();
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
    this.busy.set(true);
    this.api.moderate(p.user.id, p.action, this.reason).subscribe({
      next: () => {
        this.busy.set(false);
        this.pending.set(null);
        this.toasts.success(`${ACTION_LABEL[p.action]}: ${p.user.email}`);
        this.load();
      },
      error: (e: unknown) => {
        this.busy.set(false);
        this.actionError.set(apiProblem(e).message);
      },
    });
  }

  private load(): void {
    this.loading.set(true);
    this.error.set(null);
    this.api.users({ search: this.searchText, status: this.statusFilter, page: this.page, limit: PAGE_SIZE }).subscribe({
      next: (l) => {
        this.list.set(l);
        this.loading.set(false);
      },
      error: (e: unknown) => {
        this.loading.set(false);
        this.error.set(apiProblem(e).message);
      },
    });
  }
}
