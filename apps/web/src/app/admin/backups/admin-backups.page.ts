import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, OnInit, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { BackupSummary, FailedBackupList, Permission } from '@ddx/contracts';
import {
  BytesPipe,
  UiAlertComponent,
  UiBadgeComponent,
  UiButtonDirective,
  UiCardComponent,
  UiConfirmDialogComponent,
  UiPageComponent,
  UiSpinnerComponent,
  UiTableDirective,
  UiToastService,
} from '@ddx/ui';
import { forkJoin } from 'rxjs';

import { apiProblem } from '../../core/api-problem';
import { AdminApi } from '../core/admin-api.service';
import { AdminSession } from '../core/admin-session';

@Component({
  standalone: true,
  selector: 'app-admin-backups-page',
  imports: [DatePipe, RouterLink, BytesPipe, UiAlertComponent, UiBadgeComponent, UiButtonDirective, UiCardComponent, UiConfirmDialogComponent, UiPageComponent, UiSpinnerComponent, UiTableDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-page title="Backups" subtitle="WebDAV copies of stored files.">
      <div uiPageActions>
        <button uiButton variant="secondary" type="button" (click)="load()" [disabled]="loading()" data-testid="page-reload">Reload</button>
        @if (canManage() && summary()?.enabled) {
          <button uiButton variant="secondary" type="button" [busy]="busy() === 'trigger'" [disabled]="busy() !== null" (click)="trigger()" data-testid="backups-trigger">Back up pending files</button>
        }
        @if (canManage() && (failed()?.total ?? 0) > 0) {
          <button uiButton type="button" (click)="confirmAll.set(true)" data-testid="backups-retry-all">Retry all failed</button>
        }
      </div>
      @if (error()) {
        <ui-alert tone="error">{{ error() }}</ui-alert>
      }
      @if (summary(); as s) {
        @if (!s.enabled) {
          <ui-alert tone="warning" data-testid="backups-disabled">Backups are off: WEBDAV_URL is not set on the server.</ui-alert>
        }
        <div class="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="backup-summary">
          <ui-card heading="Files by backup status">
            <dl class="grid grid-cols-2 gap-1 text-sm">
              <dt>Completed</dt><dd class="text-right font-semibold" data-testid="count-completed">{{ s.counts.completed }}</dd>
              <dt>Failed</dt><dd class="text-right font-semibold text-rose-700" data-testid="count-failed">{{ s.counts.failed }}</dd>
              <dt>Queued</dt><dd class="text-right">{{ s.counts.queued }}</dd>
              <dt>In progress</dt><dd class="text-right">{{ s.counts.in_progress }}</dd>
              <dt>None</dt><dd class="text-right">{{ s.counts.none }}</dd>
            </dl>
          </ui-card>
          <ui-card heading="Last runs">
            <p class="text-sm">Last success: <strong>{{ s.last_success_at ? (s.last_success_at | date: 'medium') : 'never' }}</strong></p>
            @if (s.last_failure; as f) {
              <p class="mt-2 text-sm">Last failure: <strong>{{ f.at | date: 'medium' }}</strong> — {{ f.filename }}</p>
              <p class="text-xs text-rose-700">{{ f.reason ?? 'no reason recorded' }}</p>
            } @else {
              <p class="mt-2 text-sm">No failures.</p>
            }
            <p class="mt-2 text-sm" data-testid="backup-queue">Queue: {{ s.queue.waiting }} waiting, {{ s.queue.active }} active, {{ s.queue.delayed }} delayed, {{ s.queue.failed }} failed jobs kept</p>
          </ui-card>
          <ui-card heading="WebDAV">
            <p class="break-all text-sm text-ink-600">{{ s.target ?? 'not configured' }}</p>
            @if (s.webdav; as w) {
              <p class="mt-2"><ui-badge [tone]="w.reachable && w.ok ? 'success' : 'danger'" data-testid="webdav-state">{{ w.reachable ? (w.ok ? 'reachable' : 'error') : 'unreachable' }}</ui-badge> <span class="text-sm text-ink-500">{{ w.latency_ms }} ms</span></p>
              @if (w.error) {
                <p class="text-xs text-rose-700">{{ w.error }}</p>
              }
            }
            @if (s.quota; as q) {
              <p class="mt-2 text-sm">Used {{ q.used_bytes | bytes }}{{ q.available_bytes !== null ? ', ' : '' }}{{ q.available_bytes !== null ? (q.available_bytes | bytes) + ' free' : '' }}</p>
            }
          </ui-card>
        </div>
      } @else if (loading()) {
        <div class="flex justify-center p-8"><ui-spinner /></div>
      }
      @if (failed(); as f) {
        <ui-card heading="Failed backups ({{ f.total }})" flush>
          <div class="overflow-x-auto">
            <table uiTable data-testid="failed-backups">
              <thead><tr><th>File</th><th>Size</th><th>Reason</th><th>Attempts</th><th>Failed</th><th><span class="sr-only">Actions</span></th></tr></thead>
              <tbody>
                @for (b of f.items; track b.file_id) {
                  <tr [attr.data-testid]="'failed-' + b.file_id">
                    <td class="max-w-[14rem] truncate">
                      @if (canViewFiles()) {
                        <a class="text-brand-700 hover:underline" [routerLink]="['/admin/files', b.file_id]" [title]="b.filename">{{ b.filename }}</a>
                      } @else {
                        {{ b.filename }}
                      }
                    </td>
                    <td>{{ b.size | bytes }}</td>
                    <td class="max-w-[16rem] truncate text-xs text-rose-700" [title]="b.reason ?? ''">{{ b.reason ?? '—' }}</td>
                    <td>{{ b.attempts }}</td>
                    <td class="whitespace-nowrap">{{ b.failed_at | date: 'short' }}</td>
                    <td class="text-right">
                      @if (canManage()) {
                        <button uiButton size="sm" variant="secondary" type="button" [disabled]="busy() === b.file_id" (click)="retry(b.file_id, b.filename)" data-testid="backup-retry">Retry</button>
                      }
                    </td>
                  </tr>
                } @empty {
                  <tr><td colspan="6" class="py-6 text-center text-ink-500">No failed backups.</td></tr>
                }
              </tbody>
            </table>
          </div>
          @if (f.total_pages > 1) {
            <div class="flex items-center justify-between border-t border-ink-100 px-5 py-3 text-sm">
              <span>Page {{ f.page }} of {{ f.total_pages }}</span>
              <span class="flex gap-2">
                <button uiButton size="sm" variant="secondary" type="button" [disabled]="f.page <= 1" (click)="go(f.page - 1)">Previous</button>
                <button uiButton size="sm" variant="secondary" type="button" [disabled]="f.page >= f.total_pages" (click)="go(f.page + 1)">Next</button>
              </span>
            </div>
          }
        </ui-card>
      }
    </ui-page>
    <ui-confirm-dialog
      [open]="confirmAll()"
      title="Retry every failed backup?"
      [message]="'Queues a new copy for each of the ' + (failed()?.total ?? 0) + ' failed backups.'"
      confirmLabel="Retry all"
      tone="primary"
      [busy]="busy() === '*'"
      (confirmed)="retryAll()"
      (cancelled)="confirmAll.set(false)"
    />
  `,
})
export class AdminBackupsPage implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly session = inject(AdminSession);
  private readonly toasts = inject(UiToastService);
  protected readonly summary = signal<BackupSummary | null>(null);
  protected readonly failed = signal<FailedBackupList | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly busy = signal<string | null>(null);
  protected readonly confirmAll = signal(false);
  private page = 1;

  protected canManage(): boolean {
    return this.session.can(Permission.manageBackups);
  }

  protected canViewFiles(): boolean {
    return this.session.can(Permission.viewFiles);
  }

  /** Queues every stored file that has no copy and no job (the worker's sweep does the same, less often). */
  protected trigger(): void {
    this.busy.set('trigger');
    this.api.triggerBackups().subscribe({
      next: (r) => {
        this.busy.set(null);
        const parts = [`${r.queued} files queued for backup`];
        if (r.skipped) parts.push(`${r.skipped} already queued or running`);
        if (r.remaining) parts.push(`${r.remaining} left for another run`);
        this.toasts.success(`${parts.join(', ')}.`);
        this.load();
      },
      error: (e: unknown) => {
        this.busy.set(null);
        this.toasts.error(apiProblem(e).message);
      },
    });
  }

  ngOnInit(): void {
    this.load();
  }

  load(): void {
    this.loading.set(true);
    this.error.set(null);
    forkJoin([this.api.backupSummary(), this.api.failedBackups(this.page)]).subscribe({
      next: ([s, f]) => {
        this.summary.set(s);
        this.failed.set(f);
        this.loading.set(false);
      },
      error: (e: unknown) => {
        this.loading.set(false);
        this.error.set(apiProblem(e).message);
      },
    });
  }

  protected go(page: number): void {
    this.page = page;
    this.load();
  }

  protected retry(fileId: string, filename: string): void {
    this.busy.set(fileId);
    this.api.retryBackup(fileId).subscribe({
      next: () => {
        this.busy.set(null);
        this.toasts.success(`Backup of ${filename} queued again.`);
        this.load();
      },
      error: (e: unknown) => {
        this.busy.set(null);
        this.toasts.error(apiProblem(e).message);
        this.load();
      },
    });
  }

  protected retryAll(): void {
    this.busy.set('*');
    this.api.retryAllFailed().subscribe({
      next: (r) => {
        this.busy.set(null);
        this.confirmAll.set(false);
        this.toasts.success(`${r.queued} backups queued again${r.remaining ? `, ${r.remaining} left for another run` : ''}.`);
        this.page = 1;
        this.load();
      },
      error: (e: unknown) => {
        this.busy.set(null);
        this.confirmAll.set(false);
        this.toasts.error(apiProblem(e).message);
      },
    });
  }
}
