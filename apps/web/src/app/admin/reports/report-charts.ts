import {
  ReportDownloads,
  ReportGranularity,
  ReportRegistrations,
  ReportStorageByType,
  ReportStorageOverTime,
  ReportUploads,
  ReportUserActivity,
} from '@ddx/contracts';
import { formatBytes } from '@ddx/ui';
import type { ChartConfiguration, TooltipItem } from 'chart.js';

/**
 * Report data → chart.js configurations. Pure (no chart.js runtime, no
 * DOM), so the mapping is unit-tested; ReportChartComponent draws them.
 */
export type ReportChartType = 'bar' | 'line' | 'doughnut';
export type ReportChartConfig = ChartConfiguration<ReportChartType, number[], string>;

/** Tailwind indigo/emerald/amber/rose/sky/slate, matching the panel. */
export const CHART_COLORS = {
  brand: '#4f46e5',
  brandSoft: 'rgba(79, 70, 229, 0.15)',
  emerald: '#10b981',
  amber: '#f59e0b',
  rose: '#f43f5e',
  sky: '#0ea5e9',
  slate: '#94a3b8',
} as const;

const TYPE_COLORS: Record<string, string> = {
  documents: CHART_COLORS.brand,
  images: CHART_COLORS.emerald,
  videos: CHART_COLORS.amber,
  audio: CHART_COLORS.sky,
  other: CHART_COLORS.slate,
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Axis labels for bucket start days (`YYYY-MM-DD`, UTC): "1 Feb", "w/c 1 Feb"
 * or "Feb 2021"; days and weeks get their year when the range spans years.
 */
export function bucketLabels(dates: readonly string[], granularity: ReportGranularity): string[] {
  const years = new Set(dates.map((d) => d.slice(0, 4)));
  return dates.map((date) => {
    const [y, m, d] = date.split('-');
    const month = MONTHS[Number(m) - 1] ?? m;
    if (granularity === 'month') return `${month} ${y}`;
    const day = `${Number(d)} ${month}${years.size > 1 ? ` ${y}` : ''}`;
    return granularity === 'week' ? `w/c ${day}` : day;
  });
}

function bytesTooltip(item: TooltipItem<ReportChartType>): string {
  const value = typeof item.parsed === 'number' ? item.parsed : (item.parsed as { y: number }).y;
  return `${item.dataset.label ?? item.label}: ${formatBytes(value)}`;
}

const countAxis = { beginAtZero: true, ticks: { precision: 0 } };
const bytesAxis = { beginAtZero: true, ticks: { callback: (v: string | number) => formatBytes(Number(v)) } };
const base = { responsive: true, maintainAspectRatio: false, animation: false as const, interaction: { mode: 'index' as const, intersect: false } };

/** Finished uploads per bucket (bars) and their bytes (line, right axis). */
export function uploadsChart(r: ReportUploads): ReportChartConfig {
  return {
    type: 'bar',
    data: {
      labels: bucketLabels(r.points.map((p) => p.date), r.granularity),
      datasets: [
        { type: 'bar', label: 'Uploads', data: r.points.map((p) => p.uploads), backgroundColor: CHART_COLORS.brand, yAxisID: 'y' },
        { type: 'line', label: 'Bytes', data: r.points.map((p) => p.bytes), borderColor: CHART_COLORS.amber, backgroundColor: CHART_COLORS.amber, yAxisID: 'bytes', tension: 0.2 },
      ],
    },
    options: {
      ...base,
      scales: { y: { ...countAxis, position: 'left' }, bytes: { ...bytesAxis, position: 'right', grid: { drawOnChartArea: false } } },
      plugins: { tooltip: { callbacks: { label: (item) => (item.dataset.yAxisID === 'bytes' ? bytesTooltip(item) : `${item.dataset.label}: ${item.formattedValue}`) } } },
    },
  } as ReportChartConfig;
}

/** One count per bucket as bars (downloads, registrations). */
export function countChart(label: string, dates: readonly string[], values: readonly number[], granularity: ReportGranularity, color: string = CHART_COLORS.brand): ReportChartConfig {
  return {
    type: 'bar',
    data: { labels: bucketLabels(dates, granularity), datasets: [{ label, data: [...values], backgroundColor: color }] },
    options: { ...base, scales: { y: countAxis }, plugins: { legend: { display: false } } },
  } as ReportChartConfig;
}

export function downloadsChart(r: ReportDownloads): ReportChartConfig {
  return countChart(
    'Downloads',
    r.points.map((p) => p.date),
    r.points.map((p) => p.downloads),
    r.granularity,
    CHART_COLORS.emerald,
  );
}

export function registrationsChart(r: ReportRegistrations): ReportChartConfig {
  return countChart(
    'New accounts',
    r.points.map((p) => p.date),
    r.points.map((p) => p.registrations),
    r.granularity,
    CHART_COLORS.sky,
  );
}

/** Active users (line) and sign-ins (bars) per bucket. */
export function activeUsersChart(r: ReportUserActivity): ReportChartConfig {
  return {
    type: 'bar',
    data: {
      labels: bucketLabels(r.points.map((p) => p.date), r.granularity),
      datasets: [
        { type: 'line', label: 'Active users', data: r.points.map((p) => p.active_users), borderColor: CHART_COLORS.brand, backgroundColor: CHART_COLORS.brand, tension: 0.2 },
        { type: 'bar', label: 'Sign-ins', data: r.points.map((p) => p.logins), backgroundColor: CHART_COLORS.slate },
      ],
    },
    options: { ...base, scales: { y: countAxis } },
  } as ReportChartConfig;
}

/** Bytes stored at the end of each bucket (filled line) with what was added and removed (bars). */
export function storageOverTimeChart(r: ReportStorageOverTime): ReportChartConfig {
  return {
    type: 'bar',
    data: {
      labels: bucketLabels(r.points.map((p) => p.date), r.granularity),
      datasets: [
        { type: 'line', label: 'Stored', data: r.points.map((p) => p.stored_bytes), borderColor: CHART_COLORS.brand, backgroundColor: CHART_COLORS.brandSoft, fill: true, tension: 0.2 },
        { type: 'bar', label: 'Added', data: r.points.map((p) => p.added_bytes), backgroundColor: CHART_COLORS.emerald },
        { type: 'bar', label: 'Removed', data: r.points.map((p) => p.removed_bytes), backgroundColor: CHART_COLORS.rose },
      ],
    },
    options: { ...base, scales: { y: bytesAxis }, plugins: { tooltip: { callbacks: { label: bytesTooltip } } } },
  } as ReportChartConfig;
}

/** Share of stored bytes per kind of file. */
export function storageByTypeChart(r: ReportStorageByType): ReportChartConfig {
  return {
    type: 'doughnut',
    data: {
      labels: r.items.map((i) => i.type[0].toUpperCase() + i.type.slice(1)),
      datasets: [{ label: 'Stored', data: r.items.map((i) => i.bytes), backgroundColor: r.items.map((i) => TYPE_COLORS[i.type] ?? CHART_COLORS.slate) }],
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: 'right' }, tooltip: { callbacks: { label: bytesTooltip } } } },
  } as ReportChartConfig;
}
