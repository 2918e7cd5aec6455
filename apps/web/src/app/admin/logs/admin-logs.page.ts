import { DatePipe, DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { AccessLogPage, AccessSummary, ActivityLogPage, ErrorLogPage, LOG_RETENTION_SETTING, LogKind, Permission } from '@ddx/contracts';
import {
  UiAlertComponent,
  UiBadgeComponent,
  UiButtonDirective,
  UiCardComponent,
  UiConfirmDialogComponent,
  UiFieldComponent,
  UiInputDirective,
  UiPageComponent,
  UiSpinnerComponent,
  UiTableDirective,
  UiToastService,
} from '@ddx/ui';

import { apiProblem } from '../../core/api-problem';
import { ActionRunner } from '../core/action-runner';
import { AdminSession } from '../core/admin-session';
import { saveBlob } from '../core/download-blob';
import { loadInto } from '../core/load-into';
import { AdminLogsApi, RetentionSettings } from './admin-logs-api.service';
import { detailsLine, emptyFilters, LOG_TABS, LogFilters, purgeDaysProblem } from './logs-query';

const PAGE_SIZE = 25;
const WINDOWS = [
  { hours: 24, label: 'Last 24 hours' },
  { hours: 24 * 7, label: 'Last 7 days' },
  { hours: 24 * 30, label: 'Last 30 days' },
] as const;

type AnyPage = ActivityLogPage | AccessLogPage | ErrorLogPage;

@Component({
  standalone: true,
  selector: 'app-admin-logs-page',
  imports: [
    DatePipe,
    FormsModule,
    UiAlertComponent,
    UiBadgeComponent,
    UiButtonDirective,
    UiCardComponent,
    UiConfirmDialogComponent,
    UiFieldComponent,
    UiInputDirective,
    UiPageComponent,
    UiSpinnerComponent,
    UiTableDirective,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-page title="Logs" subtitle="Who did what, who signed in from where, and what went wrong on the server.">
      <div role="tablist" aria-label="Logs" class="flex gap-1 border-b border-ink-200" data-testid="log-tabs">
        @for (t of tabs; track t.kind) {
          <button
            type="button"
            role="tab"
            [attr.aria-selected]="tab() === t.kind"
            [class]="tab() === t.kind ? 'border-b-2 border-brand-600 px-4 py-2 text-sm font-semibold text-brand-800' : 'px-4 py-2 text-sm font-medium text-ink-600 hover:text-ink-900'"
            (click)="select(t.kind)"
            [attr.data-testid]="'log-tab-' + t.kind"
          >
            {{ t.label }}
          </button>
        }
      </div>

      <form class="flex flex-wrap items-end gap-3" (ngSubmit)="search()" data-testid="log-filters">
        @switch (tab()) {
          @case ('activity') {
            <ui-field label="Text" class="min-w-[12rem] flex-1">
              <input uiInput type="search" name="search" maxlength="200" placeholder="Action, e-mail, target or IP" [(ngModel)]="filters.activity['search']" data-testid="log-filter-search" />
            </ui-field>
            <ui-field label="Action">
              <input uiInput name="action" maxlength="100" placeholder="admin.user_ban" [(ngModel)]="filters.activity['action']" data-testid="log-filter-action" />
            </ui-field>
            <ui-field label="Actor">
              <input uiInput name="actor" maxlength="254" placeholder="E-mail or user id" [(ngModel)]="filters.activity['actor']" />
            </ui-field>
            <ui-field label="Actor type">
              <select uiInput name="actor_type" [(ngModel)]="filters.activity['actor_type']">
                <option value="">All</option>
                <option value="admin">Admin</option>
                <option value="user">User</option>
                <option value="system">System</option>
              </select>
            </ui-field>
            <ui-field label="IP">
              <input uiInput name="ip" maxlength="64" [(ngModel)]="filters.activity['ip']" />
            </ui-field>
          }
          @case ('access') {
            <ui-field label="Outcome">
              <select uiInput name="outcome" [(ngModel)]="filters.access['outcome']" data-testid="log-filter-outcome">
                <option value="">All</option>
                <option value="success">Successful</option>
                <option value="failed">Failed</option>
              </select>
            </ui-field>
            <ui-field label="Where">
              <select uiInput name="realm" [(ngModel)]="filters.access['realm']">
                <option value="">App and admin</option>
                <option value="user">App</option>
                <option value="admin">Admin panel</option>
              </select>
            </ui-field>
            <ui-field label="E-mail" class="min-w-[12rem] flex-1">
              <input uiInput type="search" name="email" maxlength="254" [(ngModel)]="filters.access['email']" data-testid="log-filter-email" />
            </ui-field>
            <ui-field label="IP">
              <input uiInput name="ip" maxlength="64" [(ngModel)]="filters.access['ip']" data-testid="log-filter-ip" />
            </ui-field>
          }
          @case ('errors') {
            <ui-field label="Text" class="min-w-[12rem] flex-1">
              <input uiInput type="search" name="search" maxlength="200" placeholder="Message or route" [(ngModel)]="filters.errors['search']" />
            </ui-field>
            <ui-field label="Status">
              <input uiInput name="status" inputmode="numeric" maxlength="3" placeholder="500" [(ngModel)]="filters.errors['status']" />
            </ui-field>
            <ui-field label="Request id">
              <input uiInput name="request_id" maxlength="64" [(ngModel)]="filters.errors['request_id']" data-testid="log-filter-request-id" />
            </ui-field>
          }
        }
        <ui-field label="From">
          <input uiInput type="date" name="date_from" [(ngModel)]="filters[tab()]['date_from']" />
        </ui-field>
        <ui-field label="To">
          <input uiInput type="date" name="date_to" [(ngModel)]="filters[tab()]['date_to']" />
        </ui-field>
        <button uiButton type="submit" variant="secondary" data-testid="log-search">Apply</button>
        <button uiButton type="button" variant="ghost" (click)="reset()">Clear</button>
        <span class="ml-auto flex gap-2">
          <button uiButton type="button" variant="secondary" size="sm" [busy]="exporting() === 'csv'" [disabled]="exporting() !== null" (click)="download('csv')" data-testid="log-export-csv">Export CSV</button>
          <button uiButton type="button" variant="secondary" size="sm" [busy]="exporting() === 'json'" [disabled]="exporting() !== null" (click)="download('json')" data-testid="log-export-json">Export JSON</button>
        </span>
      </form>

      @if (error()) {
        <ui-alert tone="error" data-testid="log-error">{{ error() }}</ui-alert>
      }

      @if (tab() === 'access') {
        <ui-card heading="Sign-ins" data-testid="access-summary">
          <div class="mb-3 flex flex-wrap items-center gap-3">
            <select uiInput class="w-auto" name="window" [ngModel]="summaryHours()" (ngModelChange)="setWindow($event)" aria-label="Window" data-testid="access-window">
              @for (w of windows; track w.hours) {
                <option [ngValue]="w.hours">{{ w.label }}</option>
              }
            </select>
            @if (summary(); as s) {
              <span class="text-sm text-ink-700" data-testid="access-totals">{{ s.total }} attempts · {{ s.successful }} successful · {{ s.failed }} failed</span>
            }
          </div>
          @if (summary(); as s) {
            @if (s.top_ips.length) {
              <table uiTable data-testid="top-ips">
                <thead>
                  <tr><th>IP address</th><th>Attempts</th><th>Failed</th><th><span class="sr-only">Filter</span></th></tr>
                </thead>
                <tbody>
                  @for (t of s.top_ips; track t.ip) {
                    <tr>
                      <td class="font-mono text-xs">{{ t.ip }}</td>
                      <td>{{ t.attempts }}</td>
                      <td>
                        @if (t.failed) {
                          <ui-badge tone="danger">{{ t.failed }}</ui-badge>
                        } @else {
                          0
                        }
                      </td>
                      <td class="text-right"><button uiButton size="sm" variant="ghost" type="button" (click)="filterIp(t.ip)">Show</button></td>
                    </tr>
                  }
                </tbody>
              </table>
            } @else {
              <p class="text-sm text-ink-500">No sign-ins in this window.</p>
            }
          }
        </ui-card>
      }

      <ui-card flush>
        @if (page(); as p) {
          <div class="overflow-x-auto">
            <table uiTable [attr.data-testid]="'log-table-' + tab()">
              @switch (tab()) {
                @case ('activity') {
                  <thead>
                    <tr><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>Details</th></tr>
                  </thead>
                  <tbody>
                    @for (e of activityItems(); track e.id) {
                      <tr data-testid="log-row">
                        <td class="whitespace-nowrap text-xs">{{ e.at | date: 'medium' }}</td>
                        <td class="max-w-[14rem]">
                          <p class="truncate" [title]="e.actor_email ?? ''">{{ e.actor_email ?? e.actor_type }}</p>
                          <p class="font-mono text-xs text-ink-500">{{ e.ip }}</p>
                        </td>
                        <td><code class="text-xs">{{ e.action }}</code></td>
                        <td class="max-w-[12rem] truncate font-mono text-xs" [title]="e.target ?? ''">{{ e.target }}</td>
                        <td class="max-w-[20rem] truncate text-xs text-ink-600" [title]="details(e.details, 2000)">{{ details(e.details) }}</td>
                      </tr>
                    } @empty {
                      <tr><td colspan="5" class="py-6 text-center text-ink-500">No entries match.</td></tr>
                    }
                  </tbody>
                }
                @case ('access') {
                  <thead>
                    <tr><th>When</th><th>E-mail</th><th>Outcome</th><th>Where</th><th>IP</th></tr>
                  </thead>
                  <tbody>
                    @for (e of accessItems(); track e.id) {
                      <tr data-testid="log-row">
                        <td class="whitespace-nowrap text-xs">{{ e.at | date: 'medium' }}</td>
                        <td class="max-w-[16rem] truncate" [title]="e.email ?? ''">{{ e.email }}</td>
                        <td>
                          <ui-badge [tone]="e.outcome === 'success' ? 'success' : 'danger'">{{ e.outcome === 'success' ? 'signed in' : 'failed' }}</ui-badge>
                          @if (e.reason) {
                            <span class="ml-1 text-xs text-ink-500">{{ e.reason }}</span>
                          }
                        </td>
                        <td class="text-xs">{{ e.realm === 'admin' ? 'Admin panel' : 'App' }} · {{ e.method }}</td>
                        <td class="font-mono text-xs">{{ e.ip }}</td>
                      </tr>
                    } @empty {
                      <tr><td colspan="5" class="py-6 text-center text-ink-500">No sign-ins match.</td></tr>
                    }
                  </tbody>
                }
                @case ('errors') {
                  <thead>
                    <tr><th>When</th><th>Status</th><th>Route</th><th>Error</th><th>Request id</th></tr>
                  </thead>
                  <tbody>
                    @for (e of errorItems(); track e.id) {
                      <tr data-testid="log-row">
                        <td class="whitespace-nowrap text-xs">{{ e.at | date: 'medium' }}</td>
                        <td><ui-badge tone="danger">{{ e.status }}</ui-badge></td>
                        <td class="max-w-[14rem] truncate font-mono text-xs" [title]="e.route">{{ e.method }} {{ e.route }}</td>
                        <td class="max-w-[22rem] text-xs">
                          <p class="truncate" [title]="e.message">{{ e.error }}: {{ e.message }}</p>
                          @if (e.suppressed_before) {
                            <p class="text-ink-500">{{ e.suppressed_before }} similar errors before this one were not stored (rate limit).</p>
                          }
                        </td>
                        <td class="font-mono text-xs">{{ e.request_id }}</td>
                      </tr>
                    } @empty {
                      <tr><td colspan="5" class="py-6 text-center text-ink-500">No server errors recorded.</td></tr>
                    }
                  </tbody>
                }
              }
            </table>
          </div>
          <div class="flex items-center justify-between border-t border-ink-100 px-5 py-3 text-sm">
            <span data-testid="log-total">{{ p.total }} {{ p.total === 1 ? 'entry' : 'entries' }} · page {{ p.page }} of {{ p.total_pages || 1 }}</span>
            <span class="flex gap-2">
              <button uiButton size="sm" variant="secondary" type="button" [disabled]="p.page <= 1 || loading()" (click)="go(p.page - 1)" data-testid="log-prev">Previous</button>
              <button uiButton size="sm" variant="secondary" type="button" [disabled]="p.page >= p.total_pages || loading()" (click)="go(p.page + 1)" data-testid="log-next">Next</button>
            </span>
          </div>
        } @else if (loading()) {
          <div class="flex justify-center p-8"><ui-spinner /></div>
        }
      </ui-card>

      @if (mayPurge()) {
        <ui-card heading="Retention" data-testid="log-retention">
          @if (retention(); as r) {
            <p class="mb-3 text-sm text-ink-700" data-testid="retention-current">
              @if (retentionDays(r) === 0) {
                {{ tabLabel() }} entries are kept forever.
              } @else {
                {{ tabLabel() }} entries older than {{ retentionDays(r) }} days are deleted automatically every day.
              }
            </p>
          }
          <form class="flex flex-wrap items-end gap-3" (ngSubmit)="askPurge()">
            <ui-field label="Delete entries older than (days)" [error]="purgeError()">
              <input uiInput type="number" min="1" max="3650" name="purgeDays" [(ngModel)]="purgeDays" data-testid="purge-days" />
            </ui-field>
            <button uiButton type="submit" variant="danger" data-testid="purge-open">Delete old {{ tabLabel().toLowerCase() }} entries</button>
          </form>
        </ui-card>
      }
    </ui-page>

    <ui-confirm-dialog
      [open]="confirmPurge()"
      [title]="'Delete old ' + tabLabel().toLowerCase() + ' entries?'"
      [message]="'Every ' + tabLabel().toLowerCase() + ' entry older than ' + purgeDays + ' days is deleted for good. The deletion itself is logged.'"
      confirmLabel="Delete"
      [busy]="purging()"
      (confirmed)="purge()"
      (cancelled)="confirmPurge.set(false)"
    />
  `,
})
export class AdminLogsPage implements OnInit {
  private readonly api = inject(AdminLogsApi);
  private readonly session = inject(AdminSession);
  private readonly toasts = inject(UiToastService);
  private readonly document = inject(DOCUMENT);

  protected readonly tabs = LOG_TABS;
  protected readonly windows = WINDOWS;
  protected readonly filters: Record<LogKind, LogFilters> = { activity: emptyFilters('activity'), access: emptyFilters('access'), errors: emptyFilters('errors') };
  protected readonly tab = signal<LogKind>('activity');
  protected readonly page = signal<AnyPage | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly summary = signal<AccessSummary | null>(null);
  protected readonly summaryHours = signal<number>(24);
  protected readonly exporting = signal<'csv' | 'json' | null>(null);
  protected readonly retention = signal<RetentionSettings | null>(null);
  protected readonly confirmPurge = signal(false);
  protected readonly purging = signal(false);
  protected readonly purgeError = signal<string | null>(null);
  protected purgeDays: number | string = 90;
  private readonly purger = new ActionRunner(this.toasts, this.purging, false);

  protected readonly mayPurge = computed(() => this.session.can(Permission.purgeLogs));
  protected readonly tabLabel = computed(() => LOG_TABS.find((t) => t.kind === this.tab())?.label ?? '');
  protected readonly activityItems = computed(() => (this.tab() === 'activity' ? ((this.page() as ActivityLogPage | null)?.items ?? []) : []));
  protected readonly accessItems = computed(() => (this.tab() === 'access' ? ((this.page() as AccessLogPage | null)?.items ?? []) : []));
  protected readonly errorItems = computed(() => (this.tab() === 'errors' ? ((this.page() as ErrorLogPage | null)?.items ?? []) : []));

  private pageNumber = 1;
  /** Answers to an older request (another tab, another page) are dropped. */
  private generation = 0;

  ngOnInit(): void {
    this.load();
    if (this.session.can(Permission.viewSettings)) {
      this.api.retention().subscribe({ next: (s) => this.retention.set(s), error: () => this.retention.set(null) });
    }
  }

  protected select(kind: LogKind): void {
    if (kind === this.tab()) return;
    this.tab.set(kind);
    this.page.set(null);
    this.pageNumber = 1;
    this.load();
  }

  protected search(): void {
    this.pageNumber = 1;
    this.load();
  }

  protected reset(): void {
    this.filters[this.tab()] = emptyFilters(this.tab());
    this.search();
  }

  protected go(page: number): void {
    this.pageNumber = page;
    this.load();
  }

  protected filterIp(ip: string): void {
    this.filters.access = { ...emptyFilters('access'), ip };
    this.search();
  }

  protected setWindow(hours: number): void {
    this.summaryHours.set(Number(hours));
    this.loadSummary();
  }

  protected details(d: Record<string, unknown> | null, max?: number): string {
    return detailsLine(d, max);
  }

  protected retentionDays(r: RetentionSettings): number {
    return r[LOG_RETENTION_SETTING[this.tab()]];
  }

  protected download(format: 'csv' | 'json'): void {
    const kind = this.tab();
    this.exporting.set(format);
    this.api.export(kind, this.filters[kind], format).subscribe({
      next: (blob) => {
        this.exporting.set(null);
        saveBlob(this.document, blob, `${kind}-log-${new Date().toISOString().slice(0, 10)}.${format}`);
      },
      error: (e: unknown) => {
        this.exporting.set(null);
        this.error.set(apiProblem(e).message);
      },
    });
  }

  protected askPurge(): void {
    const problem = purgeDaysProblem(this.purgeDays);
    this.purgeError.set(problem);
    if (!problem) this.confirmPurge.set(true);
  }

  protected purge(): void {
    if (this.purging()) return;
    const kind = this.tab();
    this.purger.run(true, this.api.purge(kind, Number(this.purgeDays)), {
      ok: (r) => `Deleted ${r.deleted} ${kind} ${r.deleted === 1 ? 'entry' : 'entries'} older than ${new Date(r.cutoff).toLocaleDateString()}.`,
      settled: () => this.confirmPurge.set(false),
      done: () => this.load(),
      fail: (message) => this.purgeError.set(message),
    });
  }

  private load(): void {
    const kind = this.tab();
    const generation = ++this.generation;
    loadInto<AnyPage>(this.api.list(kind, this.filters[kind], this.pageNumber, PAGE_SIZE), { value: this.page, loading: this.loading, error: this.error }, () => generation === this.generation);
    if (kind === 'access') this.loadSummary();
  }

  private loadSummary(): void {
    this.api.accessSummary(this.summaryHours()).subscribe({
      next: (s) => this.summary.set(s),
      error: (e: unknown) => this.error.set(apiProblem(e).message),
    });
  }
}
