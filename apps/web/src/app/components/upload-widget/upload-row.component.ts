import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { BytesPipe, formatBytes, UiButtonDirective, UiProgressBarComponent, UiTone } from '@ddx/ui';

import { UploadItem } from '../../services/upload-queue.service';
import { formatDuration } from './format-duration';

/**
 * One file of an upload: progress, speed and time left from the bytes the server has
 * received (Drive stores them in steps of up to 64 MiB, too coarse for a progress bar), cancel/retry.
 */
@Component({
  standalone: true,
  selector: 'app-upload-row',
  imports: [BytesPipe, UiButtonDirective, UiProgressBarComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <li class="py-4" data-testid="upload-row" [attr.data-phase]="state().phase">
      <div class="flex items-start gap-3">
        <div class="min-w-0 flex-1">
          <div class="flex flex-wrap items-baseline justify-between gap-x-3">
            <p class="truncate font-medium text-ink-900" [title]="item().filename">{{ item().filename }}</p>
            <p class="shrink-0 text-sm text-ink-500">{{ state().size | bytes }}</p>
          </div>
          <ui-progress-bar
            class="mt-2"
            size="sm"
            [label]="'Upload of ' + item().filename"
            [value]="state().phase === 'completed' ? 100 : state().percent"
            [tone]="tone()"
            [indeterminate]="state().phase === 'connecting'"
            [valueText]="state().percent.toFixed(0) + ' %'"
          />
          <p class="mt-1.5 text-sm" [class]="statusClass()" data-testid="upload-status" aria-live="polite">{{ status() }}</p>
        </div>
        <div class="flex shrink-0 gap-2">
          @if (state().phase === 'failed' && state().canRetry) {
            <button uiButton size="sm" variant="secondary" type="button" (click)="item().upload.retryNow()">Retry</button>
          }
          @if (cancellable()) {
            <button uiButton size="sm" variant="ghost" type="button" (click)="item().upload.cancel()" [attr.aria-label]="'Cancel upload of ' + item().filename" data-testid="upload-cancel">
              Cancel
            </button>
          }
        </div>
      </div>
    </li>
  `,
})
export class UploadRowComponent {
  readonly item = input.required<UploadItem>();
  protected readonly state = computed(() => this.item().upload.state());

  protected readonly cancellable = computed(() => {
    const s = this.state();
    return s.phase === 'connecting' || s.phase === 'uploading' || s.phase === 'reconnecting' || (s.phase === 'failed' && s.canRetry);
  });

  protected readonly tone = computed<UiTone>(() => {
    switch (this.state().phase) {
      case 'completed':
        return 'success';
      case 'reconnecting':
        return 'warning';
      case 'failed':
        return 'danger';
      case 'cancelled':
        return 'neutral';
      default:
        return 'brand';
    }
  });

  protected readonly status = computed(() => {
    const s = this.state();
    switch (s.phase) {
      case 'connecting':
        return 'Connecting…';
      case 'uploading': {
        const parts = [`${formatBytes(s.received)} of ${formatBytes(s.size)} (${s.percent.toFixed(0)} %)`];
        if (s.bytesPerSecond) parts.push(`${formatBytes(Math.round(s.bytesPerSecond))}/s`);
        if (s.secondsLeft !== null && s.received < s.size) parts.push(`${formatDuration(s.secondsLeft)} left`);
        // Every byte is sent; Drive's last request and the checksum are still to come.
        if (s.received >= s.size) parts.push('finishing…');
        return (s.message ? `${s.message} ` : '') + parts.join(' · ');
      }
      case 'reconnecting':
        return s.message ?? 'Reconnecting…';
      case 'completed':
        return 'Uploaded';
      case 'cancelled':
        return s.message ?? 'Cancelled.';
      case 'failed':
        return s.message ?? 'The upload failed.';
    }
  });

  protected readonly statusClass = computed(() => {
    const p = this.state().phase;
    return p === 'failed' ? 'text-rose-700' : p === 'reconnecting' ? 'text-amber-700' : p === 'completed' ? 'text-emerald-700' : 'text-ink-600';
  });
}
