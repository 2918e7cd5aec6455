import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { QuotaInfo } from '@ddx/contracts';
import { BytesPipe, UiProgressBarComponent, usageTone } from '@ddx/ui';

const pct = (used: number, limit: number) => (limit > 0 ? (used / limit) * 100 : 0);

/** Today's upload allowance (signed in or anonymous) and, for accounts, storage. */
@Component({
  standalone: true,
  selector: 'app-quota-bar',
  imports: [BytesPipe, DatePipe, UiProgressBarComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (quota(); as q) {
      <div class="space-y-3" data-testid="quota">
        <div>
          <div class="mb-1 flex flex-wrap justify-between gap-x-4 text-sm">
            <span class="font-medium text-ink-800">{{ q.scope === 'user' ? 'Your daily upload allowance' : 'Daily upload allowance (without an account)' }}</span>
            <span class="text-ink-600" data-testid="quota-daily">
              {{ q.daily_used_bytes | bytes }} of {{ q.daily_limit_bytes | bytes }} used · {{ q.daily_remaining_bytes | bytes }} left
            </span>
          </div>
          <ui-progress-bar size="sm" label="Daily upload allowance used" [value]="dailyPercent()" [tone]="dailyTone()" [valueText]="dailyPercent().toFixed(0) + ' %'" />
          <p class="mt-1 text-xs text-ink-500">
            Up to {{ q.max_file_size_bytes | bytes }} per file. Resets {{ q.resets_at | date: 'MMM d, HH:mm' }} (midnight UTC).
          </p>
        </div>
        @if (q.storage_quota_bytes !== null && q.storage_used_bytes !== null) {
          <div>
            <div class="mb-1 flex flex-wrap justify-between gap-x-4 text-sm">
              <span class="font-medium text-ink-800">Storage</span>
              <span class="text-ink-600">{{ q.storage_used_bytes | bytes }} of {{ q.storage_quota_bytes | bytes }} used</span>
            </div>
            <ui-progress-bar size="sm" label="Storage used" [value]="storagePercent()" [tone]="storageTone()" />
          </div>
        }
      </div>
    }
  `,
})
export class QuotaBarComponent {
  readonly quota = input<QuotaInfo | null>(null);
  protected readonly dailyPercent = computed(() => {
    const q = this.quota();
    return q ? pct(q.daily_used_bytes, q.daily_limit_bytes) : 0;
  });
  protected readonly dailyTone = computed(() => usageTone(this.dailyPercent()));
  protected readonly storagePercent = computed(() => {
    const q = this.quota();
    return q?.storage_quota_bytes && q.storage_used_bytes !== null ? pct(q.storage_used_bytes, q.storage_quota_bytes) : 0;
  });
  protected readonly storageTone = computed(() => usageTone(this.storagePercent()));
}
