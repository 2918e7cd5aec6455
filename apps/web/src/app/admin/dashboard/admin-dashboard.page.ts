import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, OnInit } from '@angular/core';
import { UiBadgeComponent, BytesPipe, UiCardComponent, UiEmptyStateComponent, UiPageComponent, UiProgressBarComponent } from '@ddx/ui';

import { AdminLiveService, FeedEvent } from './admin-live.service';
import { ThroughputChartComponent } from './throughput-chart.component';

function describe(e: FeedEvent): { tone: 'success' | 'danger' | 'warning' | 'brand' | 'neutral'; text: string } {
  switch (e.type) {
    case 'upload.started':
      return { tone: 'brand', text: `Upload started: ${e.filename}` };
    case 'upload.completed':
      return { tone: 'success', text: `Upload completed: ${e.filename}` };
    case 'upload.failed':
      return { tone: 'danger', text: `Upload failed (${e.code}): ${e.fileId}` };
    case 'upload.cancelled':
      return { tone: 'neutral', text: `Upload cancelled: ${e.fileId}` };
    case 'upload.disconnected':
      return { tone: 'warning', text: `Upload interrupted (connection lost, resumable): ${e.fileId}` };
    case 'backup.completed':
      return { tone: 'success', text: `Backup completed: ${e.fileId}` };
    case 'backup.failed':
      return { tone: e.final ? 'danger' : 'warning', text: `Backup ${e.final ? 'failed' : 'attempt failed'}: ${e.fileId} — ${e.reason}` };
    case 'account.health':
      return { tone: e.health === 'healthy' ? 'success' : e.health === 'degraded' ? 'warning' : 'danger', text: `Account ${e.label}: ${e.health}${e.lastError ? ' — ' + e.lastError : ''}` };
  }
}

@Component({
  standalone: true,
  selector: 'app-admin-dashboard-page',
  imports: [DatePipe, DecimalPipe, UiBadgeComponent, BytesPipe, UiCardComponent, UiEmptyStateComponent, UiPageComponent, UiProgressBarComponent, ThroughputChartComponent],
  providers: [AdminLiveService],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-page title="Dashboard" subtitle="Live view of uploads, queues and servers.">
      <div uiPageActions>
        <ui-badge [tone]="live.state() === 'open' ? 'success' : live.state() === 'connecting' ? 'warning' : 'danger'" data-testid="live-state">
          {{ live.state() === 'open' ? 'Live' : live.state() === 'connecting' ? 'Connecting…' : 'Disconnected — retrying' }}
        </ui-badge>
      </div>
      @if (live.snapshot(); as s) {
        <div class="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="system-snapshot">
          <ui-card><p class="text-sm text-ink-500">Active uploads</p><p class="text-2xl font-semibold" data-testid="active-uploads">{{ s.activeUploads }}</p></ui-card>
          <ui-card><p class="text-sm text-ink-500">Upload throughput</p><p class="text-2xl font-semibold">{{ s.uploadBytesPerSecond | bytes }}/s</p></ui-card>
          <ui-card><p class="text-sm text-ink-500">MongoDB latency</p><p class="text-2xl font-semibold">{{ s.mongoLatencyMs === null ? '—' : (s.mongoLatencyMs | number: '1.0-1') + ' ms' }}</p></ui-card>
          <ui-card><p class="text-sm text-ink-500">Redis latency</p><p class="text-2xl font-semibold">{{ s.redisLatencyMs === null ? '—' : (s.redisLatencyMs | number: '1.0-1') + ' ms' }}</p></ui-card>
        </div>
        <div class="grid gap-4 lg:grid-cols-2">
          <ui-card heading="Upload throughput">
            <app-throughput-chart [points]="live.history()" />
          </ui-card>
          <ui-card heading="Live uploads" data-testid="live-uploads">
            @for (u of live.uploads(); track u.fileId) {
              <div class="border-b border-ink-100 py-2 text-sm last:border-0" [attr.data-testid]="'live-upload-' + (u.filename ?? u.fileId)" [attr.data-state]="u.state" [attr.data-offset]="u.offset">
                <div class="mb-1 flex items-baseline justify-between gap-2">
                  <span class="min-w-0 truncate font-medium text-ink-900" [title]="u.filename ?? u.fileId">{{ u.filename ?? u.fileId }}</span>
                  <span class="shrink-0 text-ink-600">{{ u.offset | bytes }} / {{ u.size | bytes }}</span>
                </div>
                <ui-progress-bar size="sm" [value]="u.size ? (u.offset / u.size) * 100 : 0" [label]="'Upload of ' + (u.filename ?? u.fileId)" [tone]="u.state === 'failed' ? 'danger' : u.state === 'completed' ? 'success' : 'brand'" />
              </div>
            } @empty {
              <p class="text-sm text-ink-500">No upload since this page opened.</p>
            }
          </ui-card>
          <ui-card heading="Queues">
            @for (q of queues(); track q.name) {
              <div class="flex flex-wrap items-baseline justify-between gap-2 border-b border-ink-100 py-2 text-sm last:border-0">
                <span class="font-medium text-ink-900">{{ q.name }}</span>
                <span class="text-ink-600">
                  @for (c of q.counts; track c[0]) {
                    <span class="ml-3">{{ c[0] }} <strong>{{ c[1] }}</strong></span>
                  }
                </span>
              </div>
            } @empty {
              <p class="text-sm text-ink-500">No queues reported.</p>
            }
          </ui-card>
          <ui-card heading="Processes">
            <div class="space-y-2 text-sm">
              <p><span class="font-medium">API</span> (pid {{ s.api.pid }}): {{ s.api.rssBytes | bytes }} RSS, heap {{ s.api.heapUsedBytes | bytes }}, CPU {{ s.api.cpuPercent | number: '1.0-1' }}%</p>
              @for (w of s.workers; track w.pid) {
                <p><span class="font-medium">Worker</span> (pid {{ w.pid }}): {{ w.rssBytes | bytes }} RSS, CPU {{ w.cpuPercent | number: '1.0-1' }}%, seen {{ w.seenAt | date: 'mediumTime' }}</p>
              } @empty {
                <p class="text-amber-700">No worker heartbeat.</p>
              }
            </div>
          </ui-card>
        </div>
        <p class="text-xs text-ink-500">Snapshot at {{ s.at | date: 'mediumTime' }}</p>
      } @else {
        <ui-card><p class="text-sm text-ink-500">Waiting for the first system snapshot…</p></ui-card>
      }
      <ui-card heading="Latest events" flush>
        @if (feed().length) {
          <ul class="divide-y divide-ink-100" data-testid="event-feed">
            @for (e of feed(); track $index) {
              <li class="flex items-start gap-3 px-5 py-2 text-sm">
                <span class="w-20 shrink-0 text-ink-500">{{ e.at | date: 'mediumTime' }}</span>
                <ui-badge [tone]="e.view.tone">{{ e.type }}</ui-badge>
                <span class="min-w-0 break-words text-ink-800">{{ e.view.text }}</span>
              </li>
            }
          </ul>
        } @else {
          <ui-empty-state title="No events yet" message="Uploads, backups and account health changes appear here as they happen." />
        }
      </ui-card>
    </ui-page>
  `,
})
export class AdminDashboardPage implements OnInit {
  protected readonly live = inject(AdminLiveService);
  protected readonly queues = computed(() => {
    const s = this.live.snapshot();
    return s ? Object.entries(s.queues).map(([name, counts]) => ({ name, counts: Object.entries(counts) })) : [];
  });
  protected readonly feed = computed(() => this.live.feed().map((e) => ({ at: e.at, type: e.type, view: describe(e) })));

  ngOnInit(): void {
    this.live.start();
  }
}
