import { afterNextRender, ChangeDetectionStrategy, Component, computed, DestroyRef, effect, ElementRef, inject, input, signal, viewChild } from '@angular/core';
import { CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

import type { ThroughputPoint } from './admin-live.service';

// Only what a two-line chart needs, so the rest of chart.js stays out of the bundle.
Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Filler, Legend, Tooltip);

const MiB = 1024 * 1024;

function mibPerSecond(bytesPerSecond: number): number {
  return Math.round((bytesPerSecond / MiB) * 100) / 100;
}

function timeLabel(iso: string): string {
  const d = new Date(iso);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/**
 * Upload throughput (MiB/s, left axis) and active uploads (right axis) over
 * the latest system snapshots. The data the chart last drew is mirrored in
 * data-* attributes (points, last values, redraws) for tests and tooling.
 */
@Component({
  standalone: true,
  selector: 'app-throughput-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div
      class="relative h-56 w-full"
      data-testid="throughput-chart"
      [attr.data-points]="stats().points"
      [attr.data-last-bytes-per-second]="stats().lastBytesPerSecond"
      [attr.data-max-bytes-per-second]="stats().maxBytesPerSecond"
      [attr.data-last-active-uploads]="stats().lastActive"
      [attr.data-max-active-uploads]="stats().maxActive"
      [attr.data-redraws]="redraws()"
    >
      <canvas #canvas role="img" [attr.aria-label]="stats().summary"></canvas>
    </div>
  `,
})
export class ThroughputChartComponent {
  readonly points = input.required<ThroughputPoint[]>();
  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  private chart: Chart<'line', number[], string> | null = null;
  /** What the chart shows, for the data-* attributes and the canvas's accessible name. */
  protected readonly stats = computed(() => {
    const points = this.points();
    const last = points[points.length - 1];
    return {
      points: points.length,
      lastBytesPerSecond: last?.bytesPerSecond ?? 0,
      maxBytesPerSecond: Math.max(0, ...points.map((p) => p.bytesPerSecond)),
      lastActive: last?.activeUploads ?? 0,
      maxActive: Math.max(0, ...points.map((p) => p.activeUploads)),
      summary: last ? `Upload throughput ${mibPerSecond(last.bytesPerSecond)} MiB/s, ${last.activeUploads} active uploads` : 'Upload throughput and active uploads: no data yet',
    };
  });
  /** Times the canvas was redrawn with new data. */
  protected readonly redraws = signal(0);

  constructor() {
    afterNextRender(() => {
      const context = this.canvas().nativeElement.getContext('2d');
      if (!context) return; // no canvas support (e.g. a test DOM): the data attributes still update
      this.chart = new Chart(context, {
        type: 'line',
        data: {
          labels: [],
          datasets: [
            { label: 'Throughput (MiB/s)', data: [], yAxisID: 'y', borderColor: '#4f46e5', backgroundColor: 'rgba(79, 70, 229, 0.12)', fill: true, tension: 0.3, pointRadius: 0 },
            { label: 'Active uploads', data: [], yAxisID: 'y1', borderColor: '#059669', backgroundColor: '#059669', stepped: true, pointRadius: 0 },
          ],
        },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          interaction: { mode: 'index', intersect: false },
          scales: {
            x: { ticks: { maxTicksLimit: 6, autoSkip: true } },
            y: { beginAtZero: true, position: 'left', title: { display: true, text: 'MiB/s' } },
            y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, ticks: { precision: 0 }, title: { display: true, text: 'uploads' } },
          },
          plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
        },
      });
      this.draw(this.points());
    });
    effect(() => this.draw(this.points()), { allowSignalWrites: true });
    inject(DestroyRef).onDestroy(() => this.chart?.destroy());
  }

  private draw(points: ThroughputPoint[]): void {
    if (!this.chart) return;
    this.chart.data.labels = points.map((p) => timeLabel(p.at));
    (this.chart.data.datasets[0] as { data: number[] }).data = points.map((p) => mibPerSecond(p.bytesPerSecond));
    (this.chart.data.datasets[1] as { data: number[] }).data = points.map((p) => p.activeUploads);
    this.chart.update('none');
    this.redraws.update((n) => n + 1);
  }
}
