import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { OrphanReport } from '@ddx/contracts';
import { BytesPipe, UiAlertComponent, UiButtonDirective, UiCardComponent, UiConfirmDialogComponent, UiFieldComponent, UiInputDirective, UiToastService } from '@ddx/ui';

import { apiProblem } from '../../core/api-problem';
import { AdminApi } from '../core/admin-api.service';

/** How many entries of each list the report shows per account (the totals count all). */
export const ORPHAN_ROWS_SHOWN = 20;

/**
 * Orphan report (Drive files no record points to, records whose Drive file is
 * gone) and its cleanup. Scanning lists every account's upload folder, so it
 * runs on request only.
 */
@Component({
  standalone: true,
  selector: 'app-admin-orphans',
  imports: [DatePipe, FormsModule, RouterLink, BytesPipe, UiAlertComponent, UiButtonDirective, UiCardComponent, UiConfirmDialogComponent, UiFieldComponent, UiInputDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-card heading="Orphans" data-testid="orphans">
      <p class="text-sm text-ink-600">Compares every storage account's upload folder with the file records. Drive files younger than the grace period are left alone (an upload may be finishing).</p>
      <form class="mt-3 flex flex-wrap items-end gap-2" (ngSubmit)="scan()">
        <ui-field label="Grace period (minutes)">
          <input uiInput type="number" min="0" max="10080" name="grace" [(ngModel)]="grace" class="w-32" data-testid="orphans-grace" />
        </ui-field>
        <button uiButton type="submit" variant="secondary" [busy]="scanning()" [disabled]="scanning() || cleaning()" data-testid="orphans-scan">{{ scanning() ? 'Scanning…' : 'Scan' }}</button>
        @if (canClean() && report() && hasOrphans()) {
          <button uiButton type="button" variant="danger" [disabled]="scanning() || cleaning()" (click)="confirming.set(true)" data-testid="orphans-cleanup">Clean up</button>
        }
      </form>
      @if (error()) {
        <ui-alert tone="error" class="mt-3">{{ error() }}</ui-alert>
      }
      @if (report(); as r) {
        <p class="mt-4 text-sm" data-testid="orphans-totals">
          <strong>{{ r.totals.untracked_on_drive }}</strong> untracked Drive files · <strong>{{ r.totals.missing_on_drive }}</strong> records whose Drive file is missing
          <span class="text-ink-500">(scanned {{ r.generated_at | date: 'medium' }})</span>
        </p>
        @for (a of r.accounts; track a.account_id) {
          <div class="mt-3 rounded-lg border border-ink-200 p-3 text-sm">
            <p class="font-medium text-ink-900">{{ a.label }}</p>
            @if (!a.checked) {
              <p class="text-rose-700">Not checked: {{ a.error ?? 'unknown error' }}</p>
            } @else if (!a.missing_on_drive.length && !a.untracked_on_drive.length) {
              <p class="text-ink-500">Nothing out of place.</p>
            }
            @if (a.missing_on_drive.length) {
              <p class="mt-2 text-ink-700">Missing on Drive:</p>
              <ul class="ml-4 list-disc">
                @for (m of a.missing_on_drive.slice(0, rowsShown); track m.file_id) {
                  <li><a class="text-brand-700 hover:underline" [routerLink]="['/admin/files', m.file_id]">{{ m.filename }}</a> · {{ m.size | bytes }} · backup {{ m.backup_status }}</li>
                }
              </ul>
              @if (a.missing_on_drive.length > rowsShown) {
                <p class="text-xs text-ink-500">and {{ a.missing_on_drive.length - rowsShown }} more</p>
              }
            }
            @if (a.untracked_on_drive.length) {
              <p class="mt-2 text-ink-700">Untracked on Drive:</p>
              <ul class="ml-4 list-disc">
                @for (u of a.untracked_on_drive.slice(0, rowsShown); track u.drive_file_id) {
                  <li>{{ u.name }} · {{ u.size | bytes }}{{ u.created_time ? ' · ' + (u.created_time | date: 'short') : '' }}</li>
                }
              </ul>
              @if (a.untracked_on_drive.length > rowsShown) {
                <p class="text-xs text-ink-500">and {{ a.untracked_on_drive.length - rowsShown }} more</p>
              }
            }
          </div>
        }
      }
    </ui-card>

    <ui-confirm-dialog
      [open]="confirming()"
      title="Clean up orphans?"
      [message]="cleanupMessage()"
      confirmLabel="Clean up"
      [busy]="cleaning()"
      (confirmed)="cleanup()"
      (cancelled)="confirming.set(false)"
    />
  `,
})
export class AdminOrphansComponent {
  readonly canClean = input(false);
  private readonly api = inject(AdminApi);
  private readonly toasts = inject(UiToastService);

  protected readonly rowsShown = ORPHAN_ROWS_SHOWN;
  protected grace = 60;
  protected readonly report = signal<OrphanReport | null>(null);
  protected readonly scanning = signal(false);
  protected readonly cleaning = signal(false);
  protected readonly confirming = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly hasOrphans = computed(() => {
    const t = this.report()?.totals;
    return !!t && t.missing_on_drive + t.untracked_on_drive > 0;
  });
  protected readonly cleanupMessage = computed(() => {
    const t = this.report()?.totals;
    if (!t) return '';
    return (
      `${t.untracked_on_drive} Drive files that no record points to are deleted from Google Drive. ` +
      `Of the ${t.missing_on_drive} records whose Drive file is gone, those without a backup copy are marked deleted (their quota is given back); those still served from the backup are kept.`
    );
  });

  protected scan(): void {
    this.scanning.set(true);
    this.error.set(null);
    this.api.orphans(this.graceMinutes()).subscribe({
      next: (r) => {
        this.scanning.set(false);
        this.report.set(r);
      },
      error: (e: unknown) => {
        this.scanning.set(false);
        this.error.set(apiProblem(e).message);
      },
    });
  }

  protected cleanup(): void {
    this.cleaning.set(true);
    this.api.cleanupOrphans({ delete_untracked: true, close_missing: true, grace_minutes: this.graceMinutes() }).subscribe({
      next: (r) => {
        this.cleaning.set(false);
        this.confirming.set(false);
        const kept = r.missing_kept.length ? `, ${r.missing_kept.length} kept (served from backup)` : '';
        const errors = r.errors.length ? `; ${r.errors.length} accounts could not be cleaned: ${r.errors[0]?.message}` : '';
        const text = `${r.untracked_deleted} untracked Drive files deleted, ${r.missing_closed} records closed${kept}${errors}.`;
        if (r.errors.length) this.toasts.error(text);
        else this.toasts.success(text);
        this.scan();
      },
      error: (e: unknown) => {
        this.cleaning.set(false);
        this.confirming.set(false);
        this.toasts.error(apiProblem(e).message);
      },
    });
  }

  private graceMinutes(): number {
    const n = Math.round(Number(this.grace));
    return Number.isFinite(n) ? Math.min(10_080, Math.max(0, n)) : 60;
  }
}
