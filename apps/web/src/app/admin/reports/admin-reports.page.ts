import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import {
  ReportGranularity,
  ReportName,
  ReportOverview,
  ReportDownloads,
  ReportRegistrations,
  ReportStorageByAccount,
  ReportStorageByType,
  ReportStorageByUser,
  ReportStorageOverTime,
  ReportUploads,
  ReportUserActivity,
} from '@ddx/contracts';
import { BytesPipe, UiAlertComponent, UiButtonDirective, UiCardComponent, UiFieldComponent, UiInputDirective, UiPageComponent, UiSpinnerComponent, UiTableDirective } from '@ddx/ui';
import { forkJoin } from 'rxjs';

import { apiProblem } from '../../core/api-problem';
import { saveBlob } from '../core/download-blob';
import { ReportChartComponent } from './report-chart.component';
import { activeUsersChart, downloadsChart, registrationsChart, storageByTypeChart, storageOverTimeChart, uploadsChart } from './report-charts';
import { lastDays, rangeProblem } from './report-range';
import { ReportsApi } from './reports-api.service';

const TOP = 10;

interface Reports {
  overview: ReportOverview;
  activity: ReportUserActivity;
  uploads: ReportUploads;
  downloads: ReportDownloads;
  registrations: ReportRegistrations;
  storage: ReportStorageOverTime;
  byUser: ReportStorageByUser;
  byType: ReportStorageByType;
  byAccount: ReportStorageByAccount;
}

const EXPORTS: ReadonlyArray<{ name: ReportName; label: string }> = [
  { name: 'overview', label: 'Overview' },
  { name: 'uploads', label: 'Uploads over time' },
  { name: 'downloads', label: 'Downloads over time' },
  { name: 'registrations', label: 'Registrations over time' },
  { name: 'active-users', label: 'Active users over time' },
  { name: 'storage-over-time', label: 'Storage over time' },
  { name: 'top-uploaders', label: 'Top uploaders' },
  { name: 'storage-by-user', label: 'Storage by user' },
  { name: 'storage-by-type', label: 'Storage by type' },
  { name: 'storage-by-account', label: 'Storage by account' },
];

const PRESETS = [
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: '1 year' },
];

@Component({
  standalone: true,
  selector: 'app-admin-reports-page',
  imports: [FormsModule, BytesPipe, ReportChartComponent, UiAlertComponent, UiButtonDirective, UiCardComponent, UiFieldComponent, UiInputDirective, UiPageComponent, UiSpinnerComponent, UiTableDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-page title="Reports" subtitle="Users, storage and transfers over a range of UTC days.">
      <ui-card>
        <form class="flex flex-wrap items-end gap-3" (ngSubmit)="apply()" data-testid="report-range">
          <ui-field label="From">
            <input uiInput type="date" name="from" [(ngModel)]="from" required data-testid="report-from" />
          </ui-field>
          <ui-field label="To">
            <input uiInput type="date" name="to" [(ngModel)]="to" required data-testid="report-to" />
          </ui-field>
          <ui-field label="Group by">
            <select uiInput name="granularity" [(ngModel)]="granularity" data-testid="report-granularity">
              <option value="day">Day</option>
              <option value="week">Week</option>
              <option value="month">Month</option>
            </select>
          </ui-field>
          <button uiButton type="submit" [disabled]="loading()" data-testid="report-apply">Show</button>
          <span class="flex flex-wrap gap-1" role="group" aria-label="Quick ranges">
            @for (p of presets; track p.days) {
              <button uiButton type="button" size="sm" variant="ghost" (click)="preset(p.days)" [attr.data-testid]="'report-preset-' + p.days">{{ p.label }}</button>
            }
          </span>
        </form>
        <div class="mt-4 flex flex-wrap items-end gap-3 border-t border-ink-100 pt-4" data-testid="report-export">
          <ui-field label="Export">
            <select uiInput name="exportName" [(ngModel)]="exportName" data-testid="report-export-name">
              @for (e of exports; track e.name) {
                <option [value]="e.name">{{ e.label }}</option>
              }
            </select>
          </ui-field>
          <button uiButton type="button" variant="secondary" [busy]="exporting() === 'csv'" [disabled]="exporting() !== null" (click)="download('csv')" data-testid="report-export-csv">CSV</button>
          <button uiButton type="button" variant="secondary" [busy]="exporting() === 'json'" [disabled]="exporting() !== null" (click)="download('json')" data-testid="report-export-json">JSON</button>
        </div>
      </ui-card>

      @if (error()) {
        <ui-alert tone="error" data-testid="report-error">{{ error() }}</ui-alert>
      }

      @if (data(); as d) {
        <p class="text-sm text-ink-500" data-testid="report-shown-range">{{ d.overview.range.from }} – {{ d.overview.range.to }} ({{ d.overview.range.days }} {{ d.overview.range.days === 1 ? 'day' : 'days' }}, UTC)</p>

        <div class="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="report-overview">
          <ui-card heading="Users">
            <p class="text-3xl font-bold text-ink-900" data-testid="overview-users">{{ d.overview.users.total }}</p>
            <p class="mt-1 text-sm text-ink-600">{{ d.overview.users.active }} active · {{ d.overview.users.suspended }} suspended · {{ d.overview.users.banned }} banned · {{ d.overview.users.admins }} admins</p>
          </ui-card>
          <ui-card heading="Stored files">
            <p class="text-3xl font-bold text-ink-900" data-testid="overview-files">{{ d.overview.files.stored }}</p>
            <p class="mt-1 text-sm text-ink-600">{{ d.overview.files.stored_bytes | bytes }} · {{ d.overview.files.in_progress }} uploading · {{ d.overview.files.anonymous }} anonymous</p>
          </ui-card>
          <ui-card heading="Backups">
            <p class="text-3xl font-bold text-ink-900" data-testid="overview-backups">{{ d.overview.backups.done }}</p>
            <p class="mt-1 text-sm text-ink-600">copied · <span [class.text-rose-700]="d.overview.backups.failed > 0">{{ d.overview.backups.failed }} failed</span> · {{ d.overview.backups.pending }} pending</p>
          </ui-card>
          <ui-card heading="Storage accounts">
            <p class="text-3xl font-bold text-ink-900" data-testid="overview-accounts">{{ d.overview.accounts.enabled }}/{{ d.overview.accounts.total }}</p>
            <p class="mt-1 text-sm text-ink-600">enabled · {{ d.overview.accounts.healthy }} healthy</p>
          </ui-card>
        </div>

        <div class="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="report-period">
          <ui-card heading="New accounts"><p class="text-2xl font-semibold" data-testid="period-new-users">{{ d.overview.period.new_users }}</p></ui-card>
          <ui-card heading="Active users"><p class="text-2xl font-semibold" data-testid="period-active-users">{{ d.overview.period.active_users }}</p></ui-card>
          <ui-card heading="Uploads">
            <p class="text-2xl font-semibold" data-testid="period-uploads">{{ d.overview.period.uploads }}</p>
            <p class="text-sm text-ink-600">{{ d.overview.period.uploaded_bytes | bytes }}</p>
          </ui-card>
          <ui-card heading="Downloads"><p class="text-2xl font-semibold" data-testid="period-downloads">{{ d.overview.period.downloads }}</p></ui-card>
        </div>

        <div class="grid gap-4 lg:grid-cols-2">
          <ui-card heading="Uploads"><app-report-chart [config]="charts().uploads" label="Uploads and uploaded bytes per period" data-testid="chart-uploads" /></ui-card>
          <ui-card heading="Downloads"><app-report-chart [config]="charts().downloads" label="Downloads per period" data-testid="chart-downloads" /></ui-card>
          <ui-card heading="Storage"><app-report-chart [config]="charts().storage" label="Bytes stored, added and removed per period" data-testid="chart-storage" /></ui-card>
          <ui-card heading="Active users"><app-report-chart [config]="charts().activity" label="Active users and sign-ins per period" data-testid="chart-activity" /></ui-card>
          <ui-card heading="New accounts"><app-report-chart [config]="charts().registrations" label="Accounts created per period" data-testid="chart-registrations" /></ui-card>
          <ui-card heading="Stored by type (end of range)"><app-report-chart [config]="charts().byType" label="Stored bytes per kind of file" data-testid="chart-by-type" /></ui-card>
        </div>

        <div class="grid gap-4 lg:grid-cols-2">
          <ui-card heading="Top uploaders in range" flush>
            <div class="overflow-x-auto">
              <table uiTable data-testid="table-top-uploaders">
                <thead><tr><th>User</th><th class="text-right">Uploads</th><th class="text-right">Bytes</th></tr></thead>
                <tbody>
                  @for (t of d.activity.top_uploaders; track t.user_id) {
                    <tr><td class="max-w-[16rem] truncate" [title]="t.email ?? t.user_id">{{ t.email ?? 'deleted account' }}</td><td class="text-right">{{ t.uploads }}</td><td class="text-right">{{ t.bytes | bytes }}</td></tr>
                  } @empty {
                    <tr><td colspan="3" class="py-6 text-center text-ink-500">No uploads by signed-in users in this range.</td></tr>
                  }
                </tbody>
              </table>
            </div>
          </ui-card>
          <ui-card heading="Storage by user (end of range)" flush>
            <div class="overflow-x-auto">
              <table uiTable data-testid="table-storage-by-user">
                <thead><tr><th>User</th><th class="text-right">Files</th><th class="text-right">Bytes</th></tr></thead>
                <tbody>
                  @for (s of d.byUser.items; track s.user_id) {
                    <tr><td class="max-w-[16rem] truncate" [title]="s.email ?? ''">{{ s.user_id === null ? 'Anonymous uploads' : (s.email ?? 'deleted account') }}</td><td class="text-right">{{ s.files }}</td><td class="text-right">{{ s.bytes | bytes }}</td></tr>
                  } @empty {
                    <tr><td colspan="3" class="py-6 text-center text-ink-500">Nothing stored.</td></tr>
                  }
                </tbody>
                <tfoot><tr class="font-medium"><td>{{ d.byUser.totals.owners }} {{ d.byUser.totals.owners === 1 ? 'owner' : 'owners' }} in all</td><td class="text-right">{{ d.byUser.totals.files }}</td><td class="text-right">{{ d.byUser.totals.bytes | bytes }}</td></tr></tfoot>
              </table>
            </div>
          </ui-card>
          <ui-card heading="Storage by type (end of range)" flush>
            <div class="overflow-x-auto">
              <table uiTable data-testid="table-storage-by-type">
                <thead><tr><th>Type</th><th class="text-right">Files</th><th class="text-right">Bytes</th></tr></thead>
                <tbody>
                  @for (s of d.byType.items; track s.type) {
                    <tr><td class="capitalize">{{ s.type }}</td><td class="text-right">{{ s.files }}</td><td class="text-right">{{ s.bytes | bytes }}</td></tr>
                  }
                </tbody>
              </table>
            </div>
          </ui-card>
          <ui-card heading="Storage by account (end of range)" flush>
            <div class="overflow-x-auto">
              <table uiTable data-testid="table-storage-by-account">
                <thead><tr><th>Account</th><th class="text-right">Files</th><th class="text-right">Bytes</th></tr></thead>
                <tbody>
                  @for (s of d.byAccount.items; track s.account_id) {
                    <tr>
                      <td class="max-w-[16rem] truncate" [title]="s.email ?? ''">{{ s.account_id === null ? 'No account (served from backup)' : (s.label || s.email) }}</td>
                      <td class="text-right">{{ s.files }}</td>
                      <td class="text-right">{{ s.bytes | bytes }}</td>
                    </tr>
                  } @empty {
                    <tr><td colspan="3" class="py-6 text-center text-ink-500">No storage accounts.</td></tr>
                  }
                </tbody>
              </table>
            </div>
          </ui-card>
        </div>
      } @else if (loading()) {
        <div class="flex justify-center p-8"><ui-spinner /></div>
      }
    </ui-page>
  `,
})
export class AdminReportsPage implements OnInit {
  private readonly api = inject(ReportsApi);
  private readonly document = inject(DOCUMENT);

  protected readonly presets = PRESETS;
  protected readonly exports = EXPORTS;
  protected from = lastDays(30).from;
  protected to = lastDays(30).to;
  protected granularity: ReportGranularity = 'day';
  protected exportName: ReportName = 'overview';

  protected readonly data = signal<Reports | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly exporting = signal<'csv' | 'json' | null>(null);
  protected readonly charts = computed(() => {
    const d = this.data() as Reports;
    return {
      uploads: uploadsChart(d.uploads),
      downloads: downloadsChart(d.downloads),
      storage: storageOverTimeChart(d.storage),
      activity: activeUsersChart(d.activity),
      registrations: registrationsChart(d.registrations),
      byType: storageByTypeChart(d.byType),
    };
  });

  ngOnInit(): void {
    this.apply();
  }

  protected preset(days: number): void {
    ({ from: this.from, to: this.to } = lastDays(days));
    this.granularity = days > 92 ? 'week' : 'day';
    this.apply();
  }

  protected apply(): void {
    const problem = rangeProblem(this.from, this.to);
    if (problem) {
      this.error.set(problem);
      return;
    }
    const range = { from: this.from, to: this.to };
    const series = { ...range, granularity: this.granularity };
    this.loading.set(true);
    this.error.set(null);
    forkJoin({
      overview: this.api.overview(range),
      activity: this.api.userActivity({ ...series, limit: TOP }),
      uploads: this.api.uploads(series),
      downloads: this.api.downloads(series),
      registrations: this.api.registrations(series),
      storage: this.api.storageOverTime(series),
      byUser: this.api.storageByUser({ ...range, limit: TOP }),
      byType: this.api.storageByType(range),
      byAccount: this.api.storageByAccount(range),
    }).subscribe({
      next: (d) => {
        this.data.set(d);
        this.loading.set(false);
      },
      error: (e) => {
        this.error.set(apiProblem(e).message);
        this.loading.set(false);
      },
    });
  }

  protected download(format: 'csv' | 'json'): void {
    const problem = rangeProblem(this.from, this.to);
    if (problem) {
      this.error.set(problem);
      return;
    }
    const name = this.exportName;
    this.exporting.set(format);
    this.api.export({ report: name, format, from: this.from, to: this.to, granularity: this.granularity, limit: TOP }).subscribe({
      next: (blob) => {
        saveBlob(this.document, blob, `report-${name}-${this.from}-to-${this.to}.${format}`);
        this.exporting.set(null);
      },
      error: (e) => {
        // A failed blob request carries its JSON error body as a Blob: read it for the message.
        void readProblem(e).then((message) => this.error.set(message));
        this.exporting.set(null);
      },
    });
  }
}

async function readProblem(e: unknown): Promise<string> {
  const body = (e as { error?: unknown }).error;
  if (body instanceof Blob) {
    try {
      const parsed = JSON.parse(await body.text()) as { message?: unknown };
      if (typeof parsed.message === 'string') return parsed.message;
    } catch {
      // not JSON: fall through to the generic explanation
    }
  }
  return apiProblem(e).message;
}
