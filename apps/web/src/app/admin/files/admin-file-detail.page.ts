import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, OnInit, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { AdminFileDetail, IntegrityCheck, Permission } from '@ddx/contracts';
import { BytesPipe, UiAlertComponent, UiBadgeComponent, UiButtonDirective, UiCardComponent, UiPageComponent, UiSpinnerComponent, UiToastService } from '@ddx/ui';

import { apiProblem } from '../../core/api-problem';
import { ActionRunner } from '../core/action-runner';
import { AdminApi } from '../core/admin-api.service';
import { AdminReasonDialogComponent } from '../core/admin-reason-dialog.component';
import { AdminSession } from '../core/admin-session';
import { BACKUP_STATUS_LABEL, BACKUP_STATUS_TONE, FILE_STATUS_TONE, ownerLabel } from './file-labels';

type Verdict = { text: string; tone: 'success' | 'danger' | 'neutral' };

/** "yes" / "no" / "unknown" for a tri-state answer from the api. */
export function verdict(value: boolean | null, yes = 'yes', no = 'no'): Verdict {
  if (value === null) return { text: 'unknown', tone: 'neutral' };
  return value ? { text: yes, tone: 'success' } : { text: no, tone: 'danger' };
}

type Pending = 'delete' | 'quarantine';

@Component({
  standalone: true,
  selector: 'app-admin-file-detail-page',
  imports: [DatePipe, RouterLink, BytesPipe, UiAlertComponent, UiBadgeComponent, UiButtonDirective, UiCardComponent, UiPageComponent, UiSpinnerComponent, AdminReasonDialogComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <a routerLink="/admin/files" class="mb-4 inline-block text-sm font-medium text-brand-700 hover:underline">← All files</a>
    @if (error()) {
      <ui-alert tone="error" data-testid="file-detail-error">{{ error() }}</ui-alert>
    }
    @if (detail(); as d) {
      <ui-page [title]="d.file.filename" [subtitle]="d.file.content_type + ' · ' + (d.file.size | bytes)">
        <div uiPageActions>
          <button uiButton variant="secondary" type="button" (click)="load()">Reload</button>
          @if (canManage() && d.file.status !== 'deleted') {
            @if (d.file.quarantined) {
              <button uiButton type="button" [disabled]="busy() !== null" (click)="release()" data-testid="file-release">Release</button>
            } @else {
              <button uiButton variant="secondary" type="button" [disabled]="busy() !== null" (click)="ask('quarantine')" data-testid="file-quarantine">Quarantine</button>
            }
          }
          @if (canBackup() && d.file.status === 'completed') {
            <button uiButton variant="secondary" type="button" [busy]="busy() === 'backup'" [disabled]="busy() !== null" (click)="backup()" data-testid="file-force-backup">Back up now</button>
          }
          @if (canManage() && d.file.status === 'completed') {
            <button uiButton variant="secondary" type="button" [busy]="busy() === 'integrity'" [disabled]="busy() !== null" (click)="integrity()" data-testid="file-integrity">{{ busy() === 'integrity' ? 'Checking…' : 'Check integrity' }}</button>
          }
          @if (canManage() && d.file.status !== 'deleted') {
            <button uiButton variant="danger" type="button" [disabled]="busy() !== null" (click)="ask('delete')" data-testid="file-delete">Delete</button>
          }
        </div>

        @if (d.file.quarantined) {
          <ui-alert tone="warning" data-testid="file-quarantine-notice">Quarantined: downloads, previews and batch ZIPs do not serve this file.</ui-alert>
        }

        <div class="grid gap-4 lg:grid-cols-3">
          <ui-card heading="File">
            <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
              <dt class="text-ink-500">Status</dt>
              <dd>
                <ui-badge [tone]="statusTone[d.file.status]" data-testid="file-detail-status">{{ d.file.status }}</ui-badge>
                @if (d.file.quarantined) {
                  <ui-badge tone="danger" class="ml-1" data-testid="file-detail-quarantined">quarantined</ui-badge>
                }
              </dd>
              @if (d.file.failure_reason) {
                <dt class="text-ink-500">Failure</dt>
                <dd class="text-rose-700 [overflow-wrap:anywhere]">{{ d.file.failure_reason }}</dd>
              }
              <dt class="text-ink-500">Owner</dt>
              <dd class="break-all">
                @if (d.file.owner_id && canViewUsers()) {
                  <a class="text-brand-700 hover:underline" [routerLink]="['/admin/users', d.file.owner_id]">{{ owner(d.file) }}</a>
                } @else {
                  {{ owner(d.file) }}
                }
              </dd>
              <dt class="text-ink-500">File id</dt>
              <dd class="break-all font-mono text-xs">{{ d.file.file_id }}</dd>
              <dt class="text-ink-500">Uploaded</dt>
              <dd>{{ d.file.created_at | date: 'medium' }}</dd>
              <dt class="text-ink-500">Completed</dt>
              <dd>{{ d.file.completed_at ? (d.file.completed_at | date: 'medium') : '—' }}</dd>
              @if (d.file.deleted_at) {
                <dt class="text-ink-500">Deleted</dt>
                <dd>{{ d.file.deleted_at | date: 'medium' }}</dd>
              }
              <dt class="text-ink-500">Downloads</dt>
              <dd>{{ d.file.download_count }}</dd>
              <dt class="text-ink-500">MD5</dt>
              <dd class="break-all font-mono text-xs">{{ d.file.md5 ?? '—' }}</dd>
            </dl>
          </ui-card>

          <ui-card heading="Google Drive copy" data-testid="insight-drive">
            <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
              <dt class="text-ink-500">Account</dt>
              <dd>{{ d.storage.drive.account_label ?? d.storage.drive.account_id ?? 'none' }} @if (d.storage.drive.account_id && !d.storage.drive.account_usable) {<ui-badge tone="warning">not usable</ui-badge>}</dd>
              <dt class="text-ink-500">On Drive</dt>
              <dd><ui-badge [tone]="v(d.storage.drive.exists).tone" data-testid="drive-exists">{{ v(d.storage.drive.exists).text }}</ui-badge></dd>
              <dt class="text-ink-500">Size</dt>
              <dd>{{ d.storage.drive.size | bytes }} <ui-badge [tone]="v(d.storage.drive.size_matches).tone">{{ v(d.storage.drive.size_matches, 'matches', 'differs').text }}</ui-badge></dd>
              <dt class="text-ink-500">MD5</dt>
              <dd><ui-badge [tone]="v(d.storage.drive.md5_matches).tone" data-testid="drive-md5">{{ v(d.storage.drive.md5_matches, 'matches', 'differs').text }}</ui-badge></dd>
            </dl>
            @if (d.storage.drive.error) {
              <p class="mt-2 text-xs text-rose-700 [overflow-wrap:anywhere]">{{ d.storage.drive.error }}</p>
            }
          </ui-card>

          <ui-card heading="WebDAV backup" data-testid="insight-backup">
            <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
              <dt class="text-ink-500">Status</dt>
              <dd><ui-badge [tone]="backupTone[d.file.backup_status]" data-testid="file-detail-backup">{{ backupLabel[d.file.backup_status] }}</ui-badge> <span class="text-xs text-ink-500">{{ d.file.backup_attempts }} attempts</span></dd>
              @if (d.file.backup_error) {
                <dt class="text-ink-500">Last error</dt>
                <dd class="text-xs text-rose-700 [overflow-wrap:anywhere]">{{ d.file.backup_error }}</dd>
              }
              <dt class="text-ink-500">On WebDAV</dt>
              <dd>
                @if (d.storage.backup.enabled) {
                  <ui-badge [tone]="v(d.storage.backup.exists).tone" data-testid="backup-exists">{{ v(d.storage.backup.exists).text }}</ui-badge>
                } @else {
                  backups are off
                }
              </dd>
              <dt class="text-ink-500">Size</dt>
              <dd>{{ d.storage.backup.size | bytes }} <ui-badge [tone]="v(d.storage.backup.size_matches).tone">{{ v(d.storage.backup.size_matches, 'matches', 'differs').text }}</ui-badge></dd>
              <dt class="text-ink-500">Path</dt>
              <dd class="break-all font-mono text-xs">{{ d.storage.backup.path ?? '—' }}</dd>
              <dt class="text-ink-500">Backed up</dt>
              <dd>{{ d.file.backed_up_at ? (d.file.backed_up_at | date: 'medium') : '—' }}</dd>
            </dl>
            @if (d.storage.backup.error) {
              <p class="mt-2 text-xs text-rose-700 [overflow-wrap:anywhere]">{{ d.storage.backup.error }}</p>
            }
          </ui-card>
        </div>

        <p class="text-sm" data-testid="served-from">
          A download now comes from:
          <strong>{{ d.storage.served_from === 'drive' ? 'Google Drive' : d.storage.served_from === 'backup' ? 'the WebDAV backup' : 'nowhere — no copy can serve it' }}</strong>
        </p>

        @if (check(); as c) {
          <ui-card heading="Integrity check" data-testid="integrity-result">
            <p class="text-sm">
              <ui-badge [tone]="c.ok ? 'success' : 'danger'" data-testid="integrity-ok">{{ c.ok ? 'every copy matches' : 'mismatch or no copy' }}</ui-badge>
              <span class="ml-2 text-ink-500">checked {{ c.checked_at | date: 'medium' }}</span>
            </p>
            <ul class="mt-2 space-y-1 text-sm">
              <li>Drive: {{ copyText(c.drive) }}</li>
              <li>WebDAV: {{ copyText(c.backup) }}</li>
            </ul>
          </ui-card>
        }
      </ui-page>
    } @else if (!error()) {
      <div class="flex justify-center p-8"><ui-spinner /></div>
    }

    <app-admin-reason-dialog
      [open]="pending() !== null"
      [title]="pending() === 'delete' ? 'Delete ' + (detail()?.file?.filename ?? '') + '?' : 'Quarantine ' + (detail()?.file?.filename ?? '') + '?'"
      [message]="
        pending() === 'delete'
          ? 'The link stops working at once; the copies on Google Drive and the WebDAV backup are removed and the owner gets the space back. This cannot be undone.'
          : 'Downloads, previews, metadata and batch ZIPs stop serving this file until it is released. The copies are kept.'
      "
      [confirmLabel]="pending() === 'delete' ? 'Delete file' : 'Quarantine'"
      [reasonRequired]="pending() === 'quarantine'"
      [busy]="busy() === 'action'"
      [error]="actionError()"
      (confirmed)="runPending($event)"
      (cancelled)="pending.set(null)"
    />
  `,
})
export class AdminFileDetailPage implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly session = inject(AdminSession);
  private readonly toasts = inject(UiToastService);
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly statusTone = FILE_STATUS_TONE;
  protected readonly backupTone = BACKUP_STATUS_TONE;
  protected readonly backupLabel = BACKUP_STATUS_LABEL;
  protected readonly owner = ownerLabel;
  protected readonly v = verdict;
  protected readonly detail = signal<AdminFileDetail | null>(null);
  protected readonly check = signal<IntegrityCheck | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly busy = signal<'action' | 'backup' | 'integrity' | 'release' | null>(null);
  protected readonly pending = signal<Pending | null>(null);
  protected readonly canManage = computed(() => this.session.can(Permission.manageFiles));
  protected readonly canBackup = computed(() => this.session.can(Permission.manageBackups));
  protected readonly canViewUsers = computed(() => this.session.can(Permission.viewUsers));
  private readonly actions = new ActionRunner(this.toasts, this.busy, null);
  private id = '';

  ngOnInit(): void {
    this.route.paramMap.pipe(takeUntilDestroyed(this.destroyRef)).subscribe((p) => {
      this.id = p.get('id') ?? '';
      this.detail.set(null);
      this.check.set(null);
      this.load();
    });
  }

  load(): void {
    this.error.set(null);
    this.api.file(this.id).subscribe({
      next: (d) => this.detail.set(d),
      error: (e: unknown) => {
        const p = apiProblem(e);
        this.error.set(p.status === 404 || p.status === 400 ? 'This file does not exist.' : p.message);
      },
    });
  }

  protected copyText(c: IntegrityCheck['drive']): string {
    if (!c.checked) return c.error ? `not checked — ${c.error}` : 'no copy';
    const how = c.method === 'read' ? 'every byte re-read' : 'as the store reports it';
    const result = c.ok === null ? 'unknown' : c.ok ? 'matches' : 'does not match';
    return `${result} (${how}${c.size !== null ? ', ' + c.size + ' bytes' : ''}${c.md5 ? ', MD5 ' + c.md5 : ''})${c.error ? ' — ' + c.error : ''}`;
  }

  protected ask(p: Pending): void {
    this.actionError.set(null);
    this.pending.set(p);
  }

  protected runPending(reason: string): void {
    const p = this.pending();
    const d = this.detail();
    if (!p || !d || this.busy()) return;
    this.actionError.set(null);
    const fail = (message: string) => this.actionError.set(message);
    if (p === 'delete') {
      this.actions.run('action', this.api.deleteFile(d.file.file_id, reason), {
        ok: `${d.file.filename} deleted; both copies are being removed.`,
        done: () => {
          this.pending.set(null);
          void this.router.navigate(['/admin/files']);
        },
        fail,
      });
      return;
    }
    this.actions.run('action', this.api.quarantineFile(d.file.file_id, reason), {
      ok: `${d.file.filename} is quarantined.`,
      done: () => {
        this.pending.set(null);
        this.load();
      },
      fail,
    });
  }

  protected release(): void {
    const d = this.detail();
    if (!d) return;
    this.actions.run('release', this.api.releaseFile(d.file.file_id), { ok: `${d.file.filename} is released.`, done: () => this.load() });
  }

  protected backup(): void {
    const d = this.detail();
    if (!d) return;
    this.actions.run('backup', this.api.backupFile(d.file.file_id), { ok: (r) => r.message, done: () => this.load() });
  }

  protected integrity(): void {
    const d = this.detail();
    if (!d) return;
    this.check.set(null);
    this.actions.run('integrity', this.api.checkIntegrity(d.file.file_id), { done: (c) => this.check.set(c) });
  }
}
