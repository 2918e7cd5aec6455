import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  inject,
  OnInit,
  signal,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import {
  Alerts,
  METRICS_WINDOWS,
  MetricsWindow,
  MonitoringHealth,
  QueueStatus,
  RequestMetrics,
  ServicesStatus,
} from '@ddx/contracts';
import {
  BytesPipe,
  UiAlertComponent,
  UiBadgeComponent,
  UiButtonDirective,
  UiCardComponent,
  UiPageComponent,
  UiSpinnerComponent,
  UiTableDirective,
} from '@ddx/ui';
import { catchError, forkJoin, map, Observable, of } from 'rxjs';

import { apiProblem } from '../../core/api-problem';
import { MonitoringApi } from './monitoring-api.service';
import { formatMs, formatRate, probeTone } from './monitoring-format';

/** Reloaded this often while the page is open. */
const REFRESH_MS = 15_000;

interface Loaded<T> {
  value: T | null;
  error: string | null;
}

function settle<T>(source: Observable<T>): Observable<Loaded<T>> {
  return source.pipe(
    map((value): Loaded<T> => ({ value, error: null })),
    catchError((e: unknown) =>
      of<Loaded<T>>({ value: null, error: apiProblem(e).message }),
    ),
  );
}

@Component({
  standalone: true,
  selector: 'app-admin-monitoring-page',
  imports: [
    DatePipe,
    FormsModule,
    BytesPipe,
    UiAlertComponent,
    UiBadgeComponent,
    UiButtonDirective,
    UiCardComponent,
    UiPageComponent,
    UiSpinnerComponent,
    UiTableDirective,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-page
      title="Monitoring"
      subtitle="Health, dependencies, request metrics of every api replica, queues and alerts."
    >
      <div uiPageActions>
        <button
          uiButton
          variant="secondary"
          type="button"
          (click)="load()"
          [disabled]="loading()"
          data-testid="monitoring-reload"
        >
          Reload
        </button>
      </div>

      @if (alerts(); as a) {
        <ui-card heading="Alerts" data-testid="monitoring-alerts">
          <div uiCardActions>
            <ui-badge
              [tone]="a.firing ? 'danger' : 'success'"
              data-testid="alerts-firing"
              >{{ a.firing ? a.firing + ' firing' : 'all clear' }}</ui-badge
            >
          </div>
          <ul class="divide-y divide-ink-100 text-sm">
            @for (x of a.alerts; track x.key) {
              <li
                class="flex flex-wrap items-center gap-3 py-2"
                [attr.data-testid]="'alert-' + x.key"
                [attr.data-firing]="x.firing"
              >
                <ui-badge
                  [tone]="
                    x.firing
                      ? x.severity === 'critical'
                        ? 'danger'
                        : 'warning'
                      : 'success'
                  "
                  >{{ x.firing ? x.severity : 'ok' }}</ui-badge
                >
                <span class="font-medium text-ink-900">{{
                  alertLabel[x.key]
                }}</span>
                <span class="min-w-0 flex-1 text-ink-600">{{ x.message }}</span>
                <span
                  class="text-xs text-ink-500"
                  [title]="'Setting ' + x.setting"
                  >{{ x.comparison }}
                  {{
                    x.key === 'process_memory'
                      ? (x.threshold | bytes)
                      : x.threshold
                  }}{{ x.key === 'disk_free' ? '%' : '' }}</span
                >
              </li>
            }
          </ul>
        </ui-card>
      }
      @for (e of errors(); track e) {
        <ui-alert tone="error">{{ e }}</ui-alert>
      }

      <div class="grid gap-4 lg:grid-cols-2">
        <ui-card
          heading="Health of this replica"
          data-testid="monitoring-health"
        >
          <div uiCardActions>
            @if (health(); as h) {
              <ui-badge [tone]="tone(h.status)" data-testid="health-status">{{
                h.status
              }}</ui-badge>
            }
          </div>
          @if (health(); as h) {
            <table uiTable>
              <thead>
                <tr>
                  <th>Check</th>
                  <th>State</th>
                  <th>Latency</th>
                  <th>Detail</th>
                </tr>
              </thead>
              <tbody>
                @for (p of h.probes; track p.name) {
                  <tr [attr.data-testid]="'probe-' + p.name">
                    <td class="font-medium">{{ p.name }}</td>
                    <td>
                      <ui-badge [tone]="tone(p.status)">{{
                        p.status
                      }}</ui-badge>
                    </td>
                    <td class="whitespace-nowrap">{{ ms(p.latency_ms) }}</td>
                    <td class="text-xs text-ink-600">{{ p.detail ?? '' }}</td>
                  </tr>
                }
              </tbody>
            </table>
            <p class="mt-3 text-xs text-ink-500">
              pid {{ h.process.pid }} · {{ h.process.rss_bytes | bytes }} RSS ·
              heap {{ h.process.heap_used_bytes | bytes }} · up
              {{ h.process.uptime_seconds }} s · Node
              {{ h.process.node_version }}
              @if (h.disk; as d) {
                · {{ d.free_bytes | bytes }} free of
                {{ d.total_bytes | bytes }} on {{ d.path }}
              }
            </p>
          } @else if (loading()) {
            <ui-spinner />
          }
        </ui-card>

        <ui-card
          heading="Third-party services"
          data-testid="monitoring-services"
        >
          @if (services(); as s) {
            <div class="overflow-x-auto">
              <table uiTable>
                <thead>
                  <tr>
                    <th>Service</th>
                    <th>State</th>
                    <th>Latency</th>
                    <th>Detail</th>
                  </tr>
                </thead>
                <tbody>
                  @for (p of [s.mongo, s.redis, s.webdav]; track p.name) {
                    <tr [attr.data-testid]="'service-' + p.name">
                      <td class="font-medium">{{ p.name }}</td>
                      <td>
                        <ui-badge
                          [tone]="tone(p.status)"
                          data-testid="service-status"
                          >{{ p.status }}</ui-badge
                        >
                      </td>
                      <td class="whitespace-nowrap">{{ ms(p.latency_ms) }}</td>
                      <td
                        class="max-w-[16rem] truncate text-xs text-ink-600"
                        [title]="p.detail ?? ''"
                      >
                        {{ p.detail ?? '' }}
                      </td>
                    </tr>
                  }
                  @for (a of s.drive.accounts; track a.id) {
                    <tr [attr.data-testid]="'service-drive-' + a.email">
                      <td class="font-medium">
                        Drive · {{ a.label }}
                        @if (!a.enabled) {
                          <span class="text-xs text-ink-500"> (disabled)</span>
                        }
                      </td>
                      <td>
                        <ui-badge
                          [tone]="tone(a.live.status)"
                          data-testid="service-status"
                          >{{ a.live.status }}</ui-badge
                        >
                        <span
                          class="ml-1 text-xs text-ink-500"
                          title="Health recorded by uploads and the worker"
                          >{{ a.stored_health }}</span
                        >
                      </td>
                      <td class="whitespace-nowrap">
                        {{ ms(a.live.latency_ms) }}
                      </td>
                      <td
                        class="max-w-[16rem] truncate text-xs text-ink-600"
                        [title]="a.live.detail ?? a.last_error ?? ''"
                      >
                        {{
                          a.live.status === 'up'
                            ? (a.last_error ?? '')
                            : a.live.detail
                        }}
                      </td>
                    </tr>
                  } @empty {
                    <tr>
                      <td colspan="4" class="text-ink-500">
                        No Drive accounts.
                      </td>
                    </tr>
                  }
                </tbody>
              </table>
            </div>
          } @else if (loading()) {
            <ui-spinner />
          }
        </ui-card>
      </div>

      <ui-card heading="Requests" flush data-testid="monitoring-requests">
        <div uiCardActions>
          <label class="text-sm text-ink-600" for="metrics-window"
            >Window</label
          >
          <select
            id="metrics-window"
            class="rounded-lg border border-ink-300 px-2 py-1 text-sm"
            [ngModel]="window()"
            (ngModelChange)="setWindow($event)"
            data-testid="metrics-window"
          >
            @for (w of windows; track w) {
              <option [value]="w">{{ w }}</option>
            }
          </select>
        </div>
        @if (requests(); as r) {
          <p
            class="px-5 pt-3 text-sm text-ink-600"
            data-testid="requests-totals"
            [attr.data-count]="r.totals.count"
          >
            {{ r.totals.count }} requests ({{ r.totals.per_minute }}/min) · 5xx
            {{ rate(r.totals.error_rate) }} · 4xx
            {{ rate(r.totals.client_error_rate) }} · p50
            {{ ms(r.totals.p50_ms) }} · p95 {{ ms(r.totals.p95_ms) }} · p99
            {{ ms(r.totals.p99_ms) }}
            <span class="text-xs text-ink-500"
              >(per {{ r.resolution }}, since
              {{ r.from | date: 'short' }})</span
            >
          </p>
          <div class="overflow-x-auto">
            <table uiTable data-testid="requests-table">
              <thead>
                <tr>
                  <th>Route</th>
                  <th class="text-right">Requests</th>
                  <th class="text-right">2xx</th>
                  <th class="text-right">4xx</th>
                  <th class="text-right">5xx</th>
                  <th class="text-right">Errors</th>
                  <th class="text-right">p50</th>
                  <th class="text-right">p95</th>
                  <th class="text-right">p99</th>
                </tr>
              </thead>
              <tbody>
                @for (row of r.routes; track row.method + row.route) {
                  <tr
                    [attr.data-testid]="'route-' + row.method + ' ' + row.route"
                    [attr.data-count]="row.count"
                  >
                    <td
                      class="max-w-[24rem] truncate font-mono text-xs"
                      [title]="row.route"
                    >
                      <span class="font-semibold">{{ row.method }}</span>
                      {{ row.route }}
                    </td>
                    <td class="text-right">{{ row.count }}</td>
                    <td class="text-right">{{ row.status['2xx'] }}</td>
                    <td class="text-right">{{ row.status['4xx'] }}</td>
                    <td
                      class="text-right"
                      [class.text-rose-700]="row.status['5xx'] > 0"
                    >
                      {{ row.status['5xx'] }}
                    </td>
                    <td class="text-right">{{ rate(row.error_rate) }}</td>
                    <td class="whitespace-nowrap text-right">
                      {{ ms(row.p50_ms) }}
                    </td>
                    <td class="whitespace-nowrap text-right">
                      {{ ms(row.p95_ms) }}
                    </td>
                    <td class="whitespace-nowrap text-right">
                      {{ ms(row.p99_ms) }}
                    </td>
                  </tr>
                } @empty {
                  <tr>
                    <td colspan="9" class="py-6 text-center text-ink-500">
                      No requests in this window.
                    </td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        } @else if (loading()) {
          <div class="flex justify-center p-8"><ui-spinner /></div>
        }
      </ui-card>

      <ui-card heading="Queues" flush data-testid="monitoring-queues">
        @if (queues(); as q) {
          <div class="overflow-x-auto">
            <table uiTable>
              <thead>
                <tr>
                  <th>Queue</th>
                  <th>State</th>
                  <th class="text-right">Workers</th>
                  <th class="text-right">Waiting</th>
                  <th class="text-right">Active</th>
                  <th class="text-right">Delayed</th>
                  <th class="text-right">Failed</th>
                  <th class="text-right">Completed</th>
                </tr>
              </thead>
              <tbody>
                @for (x of q.queues; track x.name) {
                  <tr
                    [attr.data-testid]="'queue-' + x.name"
                    [attr.data-depth]="x.depth"
                  >
                    <td class="font-medium">{{ x.name }}</td>
                    <td>
                      <ui-badge
                        [tone]="
                          x.status === 'up'
                            ? x.paused
                              ? 'warning'
                              : 'success'
                            : 'danger'
                        "
                        >{{
                          x.status === 'up'
                            ? x.paused
                              ? 'paused'
                              : 'running'
                            : 'unknown'
                        }}</ui-badge
                      >
                    </td>
                    <td
                      class="text-right"
                      [class.text-amber-700]="x.workers === 0"
                    >
                      {{ x.workers }}
                    </td>
                    <td class="text-right">{{ x.waiting }}</td>
                    <td class="text-right">{{ x.active }}</td>
                    <td class="text-right">{{ x.delayed }}</td>
                    <td class="text-right" [class.text-rose-700]="x.failed > 0">
                      {{ x.failed }}
                    </td>
                    <td class="text-right">{{ x.completed }}</td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        } @else if (loading()) {
          <div class="flex justify-center p-8"><ui-spinner /></div>
        }
      </ui-card>
      @if (checkedAt(); as at) {
        <p class="text-xs text-ink-500">
          Checked at {{ at | date: 'mediumTime' }}; refreshed every
          {{ refreshSeconds }} s.
        </p>
      }
    </ui-page>
  `,
})
export class AdminMonitoringPage implements OnInit {
  private readonly api = inject(MonitoringApi);
  protected readonly windows = METRICS_WINDOWS;
  protected readonly refreshSeconds = REFRESH_MS / 1000;
  protected readonly alertLabel: Record<string, string> = {
    disk_free: 'Disk space',
    process_memory: 'Process memory',
    backup_failures_24h: 'Backup failures (24 h)',
    backup_queue_depth: 'Backup queue',
    unhealthy_accounts: 'Unhealthy Drive accounts',
  };
  protected readonly window = signal<MetricsWindow>('15m');
  protected readonly health = signal<MonitoringHealth | null>(null);
  protected readonly services = signal<ServicesStatus | null>(null);
  protected readonly requests = signal<RequestMetrics | null>(null);
  protected readonly queues = signal<QueueStatus | null>(null);
  protected readonly alerts = signal<Alerts | null>(null);
  protected readonly errors = signal<string[]>([]);
  protected readonly loading = signal(false);
  protected readonly checkedAt = signal<string | null>(null);

  protected readonly tone = probeTone;
  protected readonly ms = formatMs;
  protected readonly rate = formatRate;

  constructor() {
    const timer = setInterval(() => {
      if (!this.loading()) this.load();
    }, REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  ngOnInit(): void {
    this.load();
  }

  protected setWindow(w: MetricsWindow): void {
    this.window.set(w);
    settle(this.api.requests(w)).subscribe(
      (r) => r.value && this.requests.set(r.value),
    );
  }

  /** Every panel loads on its own: one failing call never hides the others. */
  load(): void {
    this.loading.set(true);
    forkJoin([
      settle(this.api.alerts()),
      settle(this.api.health()),
      settle(this.api.services()),
      settle(this.api.requests(this.window())),
      settle(this.api.queues()),
    ]).subscribe(([alerts, health, services, requests, queues]) => {
      if (alerts.value) this.alerts.set(alerts.value);
      if (health.value) this.health.set(health.value);
      if (services.value) this.services.set(services.value);
      if (requests.value) this.requests.set(requests.value);
      if (queues.value) this.queues.set(queues.value);
      this.errors.set([
        ...new Set(
          [alerts, health, services, requests, queues]
            .map((r) => r.error)
            .filter((e): e is string => !!e),
        ),
      ]);
      this.checkedAt.set(new Date().toISOString());
      this.loading.set(false);
    });
  }
}
