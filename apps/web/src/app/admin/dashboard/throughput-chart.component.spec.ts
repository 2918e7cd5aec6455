import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { ThroughputPoint } from './admin-live.service';
import { ThroughputChartComponent } from './throughput-chart.component';

@Component({
  standalone: true,
  imports: [ThroughputChartComponent],
  template: `<app-throughput-chart [points]="points()" />`,
})
class HostComponent {
  readonly points = signal<ThroughputPoint[]>([]);
}

describe('ThroughputChartComponent', () => {
  it('mirrors the plotted data in data attributes as points arrive', () => {
    const fixture = TestBed.createComponent(HostComponent);
    fixture.detectChanges();
    const el = fixture.nativeElement.querySelector('[data-testid="throughput-chart"]') as HTMLElement;
    expect(el.getAttribute('data-points')).toBe('0');

    fixture.componentInstance.points.set([
      { at: '2024-05-01T10:00:00Z', bytesPerSecond: 2 * 1024 * 1024, activeUploads: 1 },
      { at: '2024-05-01T10:00:03Z', bytesPerSecond: 512, activeUploads: 2 },
    ]);
    fixture.detectChanges();
    expect(el.getAttribute('data-points')).toBe('2');
    expect(el.getAttribute('data-last-bytes-per-second')).toBe('512');
    expect(el.getAttribute('data-max-bytes-per-second')).toBe(String(2 * 1024 * 1024));
    expect(el.getAttribute('data-last-active-uploads')).toBe('2');
    expect(el.querySelector('canvas')?.getAttribute('aria-label')).toBe('Upload throughput 0 MiB/s, 2 active uploads');
  });
});
