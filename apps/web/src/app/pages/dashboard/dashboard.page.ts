import { DatePipe, DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { DownloadRoutes, FILE_CATEGORIES, FileCategory, FileHistory, FileStatus, MeResponse, PublicFile } from '@ddx/contracts';
import {
  BytesPipe,
  copyText,
  UiAlertComponent,
  UiBadgeComponent,
  UiButtonDirective,
  UiCardComponent,
  UiConfirmDialogComponent,
  UiEmptyStateComponent,
  UiFieldComponent,
  UiInputDirective,
  UiPageComponent,
  UiProgressBarComponent,
  UiSpinnerComponent,
  UiTableDirective,
  UiToastService,
  UiTone,
  usageTone,
} from '@ddx/ui';

import { apiProblem } from '../../core/api-problem';
import { AuthService } from '../../services/auth.service';
import { FilesService } from '../../services/files.service';

export type FileSort = 'newest' | 'oldest' | 'name' | 'largest' | 'smallest';

const PAGE_SIZE = 20;

const CATEGORY_LABEL: Record<FileCategory, string> = { documents: 'Documents', images: 'Images', videos: 'Videos', audio: 'Audio', other: 'Other' };
const STATUS: Record<FileStatus, { label: string; tone: UiTone }> = {
  completed: { label: 'Ready', tone: 'success' },
  pending: { label: 'Not started', tone: 'neutral' },
  uploading: { label: 'Uploading', tone: 'brand' },
  failed: { label: 'Failed', tone: 'danger' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
  deleted: { label: 'Deleted', tone: 'neutral' },
};

/** Name search over the loaded page, then the chosen order. */
export function filterAndSort(items: readonly PublicFile[], query: string, sort: FileSort): PublicFile[] {
  const q = query.trim().toLowerCase();
  const found = q ? items.filter((f) => f.filename.toLowerCase().includes(q)) : [...items];
  const by: Record<FileSort, (a: PublicFile, b: PublicFile) => number> = {
    newest: (a, b) => b.created_at.localeCompare(a.created_at),
    oldest: (a, b) => a.created_at.localeCompare(b.created_at),
    name: (a, b) => a.filename.localeCompare(b.filename, undefined, { sensitivity: 'base', numeric: true }),
    largest: (a, b) => b.size - a.size,
    smallest: (a, b) => a.size - b.size,
  };
  return found.sort(by[sort]);
}

@Component({
  standalone: true,
  selector: 'app-dashboard-page',
  imports: [
    BytesPipe,
    DatePipe,
    RouterLink,
    UiAlertComponent,
    UiBadgeComponent,
    UiButtonDirective,
    UiCardComponent,
    UiConfirmDialogComponent,
    UiEmptyStateComponent,
    UiFieldComponent,
    UiInputDirective,
    UiPageComponent,
    UiProgressBarComponent,
    UiSpinnerComponent,
    UiTableDirective,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-page title="My files" [subtitle]="me() ? 'Signed in as ' + me()!.email : ''">
      <a uiPageActions uiButton routerLink="/">Upload files</a>

      <div class="grid gap-6 lg:grid-cols-3">
        <ui-card heading="Storage" class="lg:col-span-2" data-testid="storage">
          @if (me(); as m) {
            <div class="flex flex-wrap items-baseline justify-between gap-2">
              <p class="text-2xl font-bold text-ink-900">{{ m.storage.used_bytes | bytes }}</p>
              <p class="text-sm text-ink-600">of {{ m.storage.quota_bytes | bytes }} · {{ m.storage.file_count }} {{ m.storage.file_count === 1 ? 'file' : 'files' }}</p>
            </div>
            <ui-progress-bar class="mt-3" label="Storage used" [value]="storagePercent()" [tone]="storageTone()" [valueText]="storagePercent().toFixed(0) + ' %'" />
            <p class="mt-1 text-xs text-ink-500">{{ m.storage.remaining_bytes | bytes }} free</p>
            <ul class="mt-5 grid grid-cols-2 gap-3 sm:grid-cols-5" aria-label="Storage by type of file">
              @for (c of categories(); track c.key) {
                <li class="rounded-lg bg-ink-50 px-3 py-2">
                  <p class="text-xs font-medium text-ink-500">{{ c.label }}</p>
                  <p class="text-sm font-semibold text-ink-900">{{ c.bytes | bytes }}</p>
                  <p class="text-xs text-ink-500">{{ c.count }} {{ c.count === 1 ? 'file' : 'files' }}</p>
                </li>
              }
            </ul>
          } @else if (meError()) {
            <ui-alert tone="error">{{ meError() }}</ui-alert>
          } @else {
            <ui-spinner />
          }
        </ui-card>

        <ui-card heading="Recent uploads" data-testid="recent">
          @if (recent().length) {
            <ul class="-my-2 divide-y divide-ink-100">
              @for (f of recent(); track f.file_id) {
                <li class="py-2">
                  <a [routerLink]="['/download', f.file_id]" class="block truncate text-sm font-medium text-brand-700 hover:underline" [title]="f.filename">{{ f.filename }}</a>
                  <p class="text-xs text-ink-500">{{ f.size | bytes }} · {{ f.created_at | date: 'MMM d, HH:mm' }}</p>
                </li>
              }
            </ul>
          } @else {
            <p class="text-sm text-ink-500">Nothing yet. <a routerLink="/" class="font-medium text-brand-700 hover:underline">Upload your first file</a>.</p>
          }
        </ui-card>
      </div>

      <ui-card heading="All files" flush>
        <div class="flex flex-col gap-3 border-b border-ink-100 px-5 py-4 sm:flex-row sm:items-start">
          <ui-field label="Search by name" class="flex-1" hint="Searches the files on this page.">
            <input uiInput type="search" [value]="query()" (input)="query.set($any($event.target).value)" placeholder="e.g. report.pdf" data-testid="file-search" />
          </ui-field>
          <ui-field label="Sort by" class="sm:w-48">
            <select uiInput [value]="sort()" (change)="sort.set($any($event.target).value)" data-testid="file-sort">
              <option value="newest">Newest first</option>
              <option value="oldest">Oldest first</option>
              <option value="name">Name (A–Z)</option>
              <option value="largest">Largest first</option>
              <option value="smallest">Smallest first</option>
            </select>
          </ui-field>
        </div>

        @if (loading() && !history()) {
          <div class="flex justify-center py-10"><ui-spinner label="Loading your files…" /></div>
        } @else if (listError()) {
          <div class="p-5"><ui-alert tone="error">{{ listError() }}</ui-alert></div>
        } @else if (!history()?.total) {
          <ui-empty-state title="No files yet" message="Files you upload while signed in appear here, with their links.">
            <a uiButton routerLink="/">Upload a file</a>
          </ui-empty-state>
        } @else if (!visible().length) {
          <ui-empty-state icon="search" title="No matching files" [message]="'No file on this page has “' + query() + '” in its name.'" />
        } @else {
          <div class="overflow-x-auto">
            <table uiTable data-testid="file-table" [attr.aria-busy]="loading()">
              <caption class="sr-only">Your files</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col" class="text-right">Size</th>
                  <th scope="col" class="hidden md:table-cell">Uploaded</th>
                  <th scope="col" class="hidden sm:table-cell">Status</th>
                  <th scope="col" class="text-right"><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                @for (f of visible(); track f.file_id) {
                  <tr data-testid="file-row" [attr.data-file-id]="f.file_id">
                    <td class="max-w-[12rem] sm:max-w-xs">
                      @if (f.status === 'completed') {
                        <a [routerLink]="['/download', f.file_id]" class="block truncate font-medium text-brand-700 hover:underline" [title]="f.filename">{{ f.filename }}</a>
                      } @else {
                        <span class="block truncate text-ink-700" [title]="f.filename">{{ f.filename }}</span>
                      }
                    </td>
                    <td class="whitespace-nowrap text-right">{{ f.size | bytes }}</td>
                    <td class="hidden whitespace-nowrap md:table-cell">{{ f.created_at | date: 'MMM d, y, HH:mm' }}</td>
                    <td class="hidden sm:table-cell"><ui-badge [tone]="status[f.status].tone">{{ status[f.status].label }}</ui-badge></td>
                    <td>
                      <div class="flex justify-end gap-1">
                        @if (f.status === 'completed') {
                          <button uiButton size="sm" variant="ghost" type="button" (click)="copyLink(f)" [attr.aria-label]="'Copy link to ' + f.filename">Copy link</button>
                          <a uiButton size="sm" variant="ghost" [href]="downloadUrl(f)" download [attr.aria-label]="'Download ' + f.filename">Download</a>
                        }
                        <button uiButton size="sm" variant="ghost" type="button" class="text-rose-700 hover:bg-rose-50 hover:text-rose-800" (click)="toDelete.set(f)" [attr.aria-label]="'Delete ' + f.filename" data-testid="delete-file">
                          Delete
                        </button>
                      </div>
                    </td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        }

        @if (pages() > 1) {
          <nav class="flex items-center justify-between gap-3 border-t border-ink-100 px-5 py-3 text-sm" aria-label="Pages">
            <button uiButton size="sm" variant="secondary" type="button" [disabled]="page() <= 1 || loading()" (click)="load(page() - 1)">Previous</button>
            <span class="text-ink-600">Page {{ page() }} of {{ pages() }} · {{ history()?.total }} files</span>
            <button uiButton size="sm" variant="secondary" type="button" [disabled]="page() >= pages() || loading()" (click)="load(page() + 1)">Next</button>
          </nav>
        }
      </ui-card>
    </ui-page>

    <ui-confirm-dialog
      [open]="!!toDelete()"
      title="Delete this file?"
      [message]="'“' + (toDelete()?.filename ?? '') + '” will be deleted and its link will stop working. This cannot be undone.'"
      confirmLabel="Delete file"
      [busy]="deleting()"
      (confirmed)="confirmDelete()"
      (cancelled)="toDelete.set(null)"
    />
  `,
})
export class DashboardPage implements OnInit {
  private readonly files = inject(FilesService);
  private readonly auth = inject(AuthService);
  private readonly toast = inject(UiToastService);
  private readonly document = inject(DOCUMENT);

  protected readonly status = STATUS;
  protected readonly me = signal<MeResponse | null>(null);
  protected readonly meError = signal<string | null>(null);
  protected readonly history = signal<FileHistory | null>(null);
  protected readonly recent = signal<PublicFile[]>([]);
  protected readonly loading = signal(false);
  protected readonly listError = signal<string | null>(null);
  protected readonly page = signal(1);
  protected readonly query = signal('');
  protected readonly sort = signal<FileSort>('newest');
  protected readonly toDelete = signal<PublicFile | null>(null);
  protected readonly deleting = signal(false);

  protected readonly visible = computed(() => filterAndSort(this.history()?.items ?? [], this.query(), this.sort()));
  protected readonly pages = computed(() => {
    const h = this.history();
    return h ? Math.max(1, Math.ceil(h.total / h.limit)) : 1;
  });
  protected readonly storagePercent = computed(() => {
    const s = this.me()?.storage;
    return s && s.quota_bytes > 0 ? (s.used_bytes / s.quota_bytes) * 100 : 0;
  });
  protected readonly storageTone = computed(() => usageTone(this.storagePercent()));
  protected readonly categories = computed(() => {
    const b = this.me()?.storage.breakdown;
    return FILE_CATEGORIES.map((key) => ({ key, label: CATEGORY_LABEL[key], bytes: b?.[key].bytes ?? 0, count: b?.[key].count ?? 0 }));
  });

  ngOnInit(): void {
    this.loadMe();
    this.load(1);
  }

  load(page: number): void {
    this.loading.set(true);
    this.files.history(page, PAGE_SIZE).subscribe({
      next: (h) => {
        // Deleting the last file of the last page: go back one page.
        if (!h.items.length && page > 1 && h.total > 0) return this.load(Math.ceil(h.total / h.limit));
        this.history.set(h);
        this.page.set(h.page);
        this.listError.set(null);
        this.loading.set(false);
        if (h.page === 1) this.recent.set(h.items.filter((f) => f.status === 'completed').slice(0, 5));
      },
      error: (e: unknown) => {
        this.listError.set(apiProblem(e).message);
        this.loading.set(false);
      },
    });
  }

  protected downloadUrl(f: PublicFile): string {
    return f.download_url ?? DownloadRoutes.stream(f.file_id);
  }

  protected async copyLink(f: PublicFile): Promise<void> {
    const ok = await copyText(`${this.document.location.origin}/download/${f.file_id}`, this.document);
    if (ok) this.toast.success(`Link to “${f.filename}” copied.`);
    else this.toast.error('Could not copy the link automatically.');
  }

  protected confirmDelete(): void {
    const f = this.toDelete();
    if (!f) return;
    this.deleting.set(true);
    this.files.delete(f.file_id).subscribe({
      next: () => {
        this.deleting.set(false);
        this.toDelete.set(null);
        this.toast.success(`“${f.filename}” was deleted.`);
        this.load(this.page());
        if (this.page() !== 1) this.refreshRecent();
        this.loadMe();
      },
      error: (e: unknown) => {
        this.deleting.set(false);
        this.toDelete.set(null);
        this.toast.error(apiProblem(e).message);
      },
    });
  }

  private refreshRecent(): void {
    this.files.history(1, PAGE_SIZE).subscribe({ next: (h) => this.recent.set(h.items.filter((f) => f.status === 'completed').slice(0, 5)), error: () => undefined });
  }

  private loadMe(): void {
    this.auth.me().subscribe({
      next: (m) => this.me.set(m),
      error: (e: unknown) => this.meError.set(apiProblem(e).message),
    });
  }
}
