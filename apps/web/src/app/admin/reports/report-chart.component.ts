import { ChangeDetectionStrategy, Component, DestroyRef, effect, ElementRef, inject, input, viewChild } from '@angular/core';
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';

import { ReportChartConfig } from './report-charts';

// Only what the report charts use (bars, lines, doughnut); this file is part
// of the lazily loaded reports page, so chart.js never enters the initial bundle.
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, DoughnutController, ArcElement, CategoryScale, LinearScale, Filler, Legend, Tooltip);

/** A chart.js canvas for one ReportChartConfig; redrawn when the config changes. */
@Component({
  standalone: true,
  selector: 'app-report-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: [':host { display: block; }'],
  template: `<div class="relative h-64"><canvas #canvas role="img" [attr.aria-label]="label()"></canvas></div>`,
})
export class ReportChartComponent {
  readonly config = input.required<ReportChartConfig>();
  /** What the chart shows, for screen readers (the tables below carry the figures). */
  readonly label = input.required<string>();
  private readonly canvas = viewChild<ElementRef<HTMLCanvasElement>>('canvas');
  private chart: Chart | null = null;

  constructor() {
    effect(() => {
      const canvas = this.canvas()?.nativeElement;
      const config = this.config();
      if (!canvas) return;
      this.chart?.destroy();
      this.chart = new Chart(canvas, config as never);
    });
    inject(DestroyRef).onDestroy(() => this.chart?.destroy());
  }
}
