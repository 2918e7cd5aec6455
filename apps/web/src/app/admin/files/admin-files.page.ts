import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { ActivatedRoute, RouterLink } from '@angular/router';
import { ADMIN_FILE_TYPES, AdminFileList, AdminStorageAccount, FileBulkRequest, Permission } from '@ddx/contracts';
import {
  BytesPipe,
  UiAlertComponent,
  UiBadgeComponent,
  UiButtonDirective,
  UiCardComponent,
  UiFieldComponent,
  UiInputDirective,
  UiPageComponent,
  UiSpinnerComponent,
  UiTableDirective,
  UiToastService,
} from '@ddx/ui';

import { AdminApi } from '../core/admin-api.service';
import { AdminPagerComponent } from '../core/admin-pager.component';
import { AdminReasonDialogComponent } from '../core/admin-reason-dialog.component';
import { AdminSession } from '../core/admin-session';
import { BulkRunner } from '../core/bulk-runner';
import { loadInto } from '../core/load-into';
import { Selection } from '../core/selection';
import { AdminOrphansComponent } from './admin-orphans.component';
import { BACKUP_STATUS_LABEL, BACKUP_STATUS_TONE, FILE_STATUS_TONE, ownerLabel } from './file-labels';
import { buildFileQuery, emptyFileFilter } from './file-query';

const PAGE_SIZE = 25;

type BulkAction = FileBulkRequest['action'];
const BULK: Record<BulkAction, { label: string; tone: 'primary' | 'danger'; reason: 'required' | 'optional' | 'none'; message: (n: number) => string }> = {
  quarantine: { label: 'Quarantine', tone: 'danger', reason: 'required', message: (n) => `${n} selected files stop being downloadable, previewable and listed in batches until released.` },
  release: { label: 'Release', tone: 'primary', reason: 'none', message: (n) => `${n} selected files can be downloaded again.` },
  backup: { label: 'Back up now', tone: 'primary', reason: 'none', message: (n) => `A WebDAV copy of ${n} selected files is queued (files already backed up keep their copy).` },
  delete: {
    label: 'Delete',
    tone: 'danger',
    reason: 'optional',
    message: (n) => `${n} selected files are deleted for good: their links stop at once and both copies (Google Drive and the WebDAV backup) are removed. This cannot be undone.`,
  },
};

@Component({
  standalone: true,
  selector: 'app-admin-files-page',
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
    UiPageComponent,
    UiSpinnerComponent,
    UiTableDirective,
    AdminOrphansComponent,
    AdminPagerComponent,
    AdminReasonDialogComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-page title="Files" subtitle="Every uploaded file, where it is stored and whether it is backed up.">
      <form class="grid gap-3 sm:grid-cols-2 lg:grid-cols-4" (ngSubmit)="search()" data-testid="file-filters">
        <ui-field label="Name"><input uiInput type="search" name="name" [(ngModel)]="filter.name" placeholder="Part of the name" data-testid="file-name-filter" /></ui-field>
        <ui-field label="Owner"><input uiInput name="owner" [(ngModel)]="filter.owner" placeholder="E-mail, user id or anonymous" data-testid="file-owner-filter" /></ui-field>
        <ui-field label="Type">
          <select uiInput name="type" [(ngModel)]="filter.type" data-testid="file-type-filter">
            <option value="">Any</option>
            @for (t of types; track t) {
              <option [value]="t">{{ t }}</option>
            }
          </select>
        </ui-field>
        <ui-field label="Status">
          <select uiInput name="status" [(ngModel)]="filter.status" data-testid="file-status-filter">
            <option value="">All but deleted</option>
            <option value="completed">Completed</option>
            <option value="uploading">Uploading</option>
            <option value="pending">Pending</option>
            <option value="failed">Failed</option>
            <option value="cancelled">Cancelled</option>
            <option value="deleted">Deleted</option>
          </select>
        </ui-field>
        <ui-field label="Size from"><input uiInput name="sizeMin" [(ngModel)]="filter.sizeMin" placeholder="e.g. 10 MiB" data-testid="file-size-min" /></ui-field>
        <ui-field label="Size up to"><input uiInput name="sizeMax" [(ngModel)]="filter.sizeMax" placeholder="e.g. 2 GiB" data-testid="file-size-max" /></ui-field>
        <ui-field label="Uploaded from"><input uiInput type="date" name="dateFrom" [(ngModel)]="filter.dateFrom" data-testid="file-date-from" /></ui-field>
        <ui-field label="Uploaded until"><input uiInput type="date" name="dateTo" [(ngModel)]="filter.dateTo" data-testid="file-date-to" /></ui-field>
        <ui-field label="Backup">
          <select uiInput name="backupStatus" [(ngModel)]="filter.backupStatus" data-testid="file-backup-filter">
            <option value="">Any</option>
            <option value="completed">Backed up</option>
            <option value="failed">Failed</option>
            <option value="queued">Queued</option>
            <option value="in_progress">In progress</option>
            <option value="none">None</option>
          </select>
        </ui-field>
        <ui-field label="Storage account">
          @if (accounts(); as accs) {
            <select uiInput name="account" [(ngModel)]="filter.account" data-testid="file-account-filter">
              <option value="">Any</option>
              @for (a of accs; track a.id) {
                <option [value]="a.id">{{ a.label }} ({{ a.email }})</option>
              }
            </select>
          } @else {
            <input uiInput name="account" [(ngModel)]="filter.account" placeholder="Account id" data-testid="file-account-filter" />
          }
        </ui-field>
        <ui-field label="Quarantine">
          <select uiInput name="quarantined" [(ngModel)]="filter.quarantined" data-testid="file-quarantine-filter">
            <option value="">Any</option>
            <option value="true">Quarantined</option>
            <option value="false">Not quarantined</option>
          </select>
        </ui-field>
        <ui-field label="Sort">
          <span class="flex gap-2">
            <select uiInput name="sortBy" [(ngModel)]="filter.sortBy" data-testid="file-sort">
              <option value="created_at">Uploaded</option>
              <option value="size">Size</option>
              <option value="filename">Name</option>
              <option value="status">Status</option>
              <option value="backup_status">Backup</option>
            </select>
            <select uiInput name="sortOrder" [(ngModel)]="filter.sortOrder" aria-label="Order" data-testid="file-order">
              <option value="desc">↓</option>
              <option value="asc">↑</option>
            </select>
          </span>
        </ui-field>
        <div class="flex items-end gap-2 sm:col-span-2 lg:col-span-4">
          <button uiButton type="submit" data-testid="file-search">Apply filters</button>
          <button uiButton type="button" variant="ghost" (click)="reset()">Reset</button>
        </div>
      </form>

      @if (error()) {
        <ui-alert tone="error" data-testid="files-error">{{ error() }}</ui-alert>
      }

      @if (selection.size() > 0) {
        <div class="flex flex-wrap items-center gap-2 rounded-lg bg-brand-50 px-4 py-2 text-sm" data-testid="files-bulk-bar">
          <span class="font-medium text-ink-900">{{ selection.size() }} selected</span>
          <button uiButton size="sm" variant="secondary" type="button" (click)="askBulk('quarantine')" data-testid="files-bulk-quarantine">Quarantine</button>
          <button uiButton size="sm" variant="secondary" type="button" (click)="askBulk('release')" data-testid="files-bulk-release">Release</button>
          @if (canBackup()) {
            <button uiButton size="sm" variant="secondary" type="button" (click)="askBulk('backup')" data-testid="files-bulk-backup">Back up now</button>
          }
          <button uiButton size="sm" variant="danger" type="button" (click)="askBulk('delete')" data-testid="files-bulk-delete">Delete</button>
          <button uiButton size="sm" variant="ghost" type="button" (click)="selection.clear()">Clear selection</button>
        </div>
      }

      <ui-card flush>
        @if (list(); as l) {
          <div class="overflow-x-auto">
            <table uiTable data-testid="files-table">
              <thead>
                <tr>
                  @if (canManage()) {
                    <th class="w-8"><input type="checkbox" aria-label="Select every file on this page" [checked]="allSelected()" [disabled]="!l.items.length" (change)="selectPage($any($event.target).checked)" data-testid="files-select-all" /></th>
                  }
                  <th>Name</th><th>Owner</th><th>Size</th><th>Status</th><th>Backup</th><th>Uploaded</th>
                </tr>
              </thead>
              <tbody>
                @for (f of l.items; track f.file_id) {
                  <tr [attr.data-testid]="'file-row-' + f.filename">
                    @if (canManage()) {
                      <td><input type="checkbox" [attr.aria-label]="'Select ' + f.filename" [checked]="selection.has(f.file_id)" (change)="selection.toggle(f.file_id, $any($event.target).checked)" data-testid="file-select" /></td>
                    }
                    <td class="max-w-[18rem]">
                      <a class="block truncate font-medium text-brand-700 hover:underline" [routerLink]="['/admin/files', f.file_id]" [title]="f.filename" data-testid="file-link">{{ f.filename }}</a>
                      <p class="truncate text-xs text-ink-500">{{ f.content_type }}</p>
                    </td>
                    <td class="max-w-[14rem] truncate">{{ owner(f) }}</td>
                    <td class="whitespace-nowrap">{{ f.size | bytes }}</td>
                    <td class="whitespace-nowrap">
                      <ui-badge [tone]="statusTone[f.status]" data-testid="file-status">{{ f.status }}</ui-badge>
                      @if (f.quarantined) {
                        <ui-badge tone="danger" class="ml-1" data-testid="file-quarantined">quarantined</ui-badge>
                      }
                    </td>
                    <td class="whitespace-nowrap"><ui-badge [tone]="backupTone[f.backup_status]" data-testid="file-backup">{{ backupLabel[f.backup_status] }}</ui-badge></td>
                    <td class="whitespace-nowrap">{{ f.created_at | date: 'short' }}</td>
                  </tr>
                } @empty {
                  <tr><td [attr.colspan]="canManage() ? 7 : 6" class="py-6 text-center text-ink-500">No files match.</td></tr>
                }
              </tbody>
            </table>
          </div>
          <app-admin-pager [total]="l.total" [page]="l.page" [totalPages]="l.total_pages" noun="file" testid="files" [disabled]="loading()" (go)="go($event)" />
        } @else if (loading()) {
          <div class="flex justify-center p-8"><ui-spinner /></div>
        }
      </ui-card>

      <app-admin-orphans class="block" [canClean]="canManage()" />
    </ui-page>

    <app-admin-reason-dialog
      [open]="bulkAction() !== null"
      [title]="bulkTitle()"
      [message]="bulkMessage()"
      [confirmLabel]="bulkLabel()"
      [tone]="bulkTone()"
      [askReason]="bulkReason() !== 'none'"
      [reasonRequired]="bulkReason() === 'required'"
      [busy]="busy()"
      [error]="actionError()"
      (confirmed)="runBulk($event)"
      (cancelled)="bulkAction.set(null)"
    />
  `,
})
export class AdminFilesPage implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly session = inject(AdminSession);
  private readonly toasts = inject(UiToastService);
  private readonly route = inject(ActivatedRoute);

  protected readonly types = ADMIN_FILE_TYPES;
  protected readonly statusTone = FILE_STATUS_TONE;
  protected readonly backupTone = BACKUP_STATUS_TONE;
  protected readonly backupLabel = BACKUP_STATUS_LABEL;
  protected readonly owner = ownerLabel;
  protected filter = emptyFileFilter();
  protected readonly selection = new Selection();
  protected readonly list = signal<AdminFileList | null>(null);
  protected readonly accounts = signal<AdminStorageAccount[] | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly actionError = signal<string | null>(null);
  protected readonly bulkAction = signal<BulkAction | null>(null);
  protected readonly canManage = computed(() => this.session.can(Permission.manageFiles));
  protected readonly canBackup = computed(() => this.session.can(Permission.manageBackups));
  protected readonly allSelected = computed(() => this.selection.allOf((this.list()?.items ?? []).map((f) => f.file_id)));
  protected readonly bulkTitle = computed(() => {
    const a = this.bulkAction();
    const n = this.selection.size();
    return a ? `${BULK[a].label}: ${n} ${n === 1 ? 'file' : 'files'}?` : '';
  });
  protected readonly bulkMessage = computed(() => {
    const a = this.bulkAction();
    return a ? BULK[a].message(this.selection.size()) : '';
  });
  protected readonly bulkLabel = computed(() => BULK[this.bulkAction() ?? 'delete'].label);
  protected readonly bulkTone = computed(() => BULK[this.bulkAction() ?? 'delete'].tone);
  protected readonly bulkReason = computed(() => BULK[this.bulkAction() ?? 'delete'].reason);
  private readonly bulk = new BulkRunner<BulkAction>({
    toasts: this.toasts,
    selection: this.selection,
    action: this.bulkAction,
    busy: this.busy,
    error: this.actionError,
    label: (a) => BULK[a].label,
    names: () => new Map((this.list()?.items ?? []).map((f) => [f.file_id, f.filename])),
    call: (body) => this.api.bulkFiles(body),
    reload: () => this.load(),
  });
  private page = 1;

  ngOnInit(): void {
    const q = this.route.snapshot.queryParamMap;
    this.filter.owner = q.get('owner') ?? '';
    this.filter.account = q.get('account') ?? '';
    if (this.session.can(Permission.viewStorage)) {
      this.api.storageAccounts().subscribe({ next: (l) => this.accounts.set(l.accounts), error: () => this.accounts.set(null) });
    }
    this.load();
  }

  protected search(): void {
    this.page = 1;
    this.selection.clear();
    this.load();
  }

  protected reset(): void {
    this.filter = emptyFileFilter();
    this.search();
  }

  protected go(page: number): void {
    this.page = page;
    this.load();
  }

  protected selectPage(on: boolean): void {
    this.selection.setAll((this.list()?.items ?? []).map((f) => f.file_id), on);
  }

  protected askBulk(action: BulkAction): void {
    this.bulk.ask(action);
  }

  protected runBulk(reason: string): void {
    this.bulk.run(reason);
  }

  private load(): void {
    const built = buildFileQuery(this.filter, this.page, PAGE_SIZE);
    if ('error' in built) {
      this.error.set(built.error);
      return;
    }
    loadInto(this.api.files(built.query), { value: this.list, loading: this.loading, error: this.error });
  }
}
