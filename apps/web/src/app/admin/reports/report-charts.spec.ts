import { ReportDownloads, ReportStorageByType, ReportStorageOverTime, ReportUploads, ReportUserActivity } from '@ddx/contracts';

import { activeUsersChart, bucketLabels, CHART_COLORS, downloadsChart, ReportChartConfig, storageByTypeChart, storageOverTimeChart, uploadsChart } from './report-charts';
import { lastDays, rangeProblem } from './report-range';

const range = { from: '2021-02-01', to: '2021-02-03', days: 3 };

type Dataset = { type?: string; label?: string; data: number[]; yAxisID?: string; backgroundColor?: unknown };
const datasets = (c: ReportChartConfig) => c.data.datasets as unknown as Dataset[];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const scale = (c: ReportChartConfig, id: string) => (c.options?.scales as any)?.[id];

describe('report charts (data → chart.js config)', () => {
  it('labels buckets by day, week or month, with the year when a range spans years', () => {
    expect(bucketLabels(['2021-02-01', '2021-02-02'], 'day')).toEqual(['1 Feb', '2 Feb']);
    expect(bucketLabels(['2021-02-01', '2021-02-08'], 'week')).toEqual(['w/c 1 Feb', 'w/c 8 Feb']);
    expect(bucketLabels(['2021-01-10', '2021-02-01'], 'month')).toEqual(['Jan 2021', 'Feb 2021']);
    expect(bucketLabels(['2020-12-31', '2021-01-01'], 'day')).toEqual(['31 Dec 2020', '1 Jan 2021']);
  });

  it('uploads: one bar per bucket for the count, a line on the bytes axis, bytes formatted on the axis', () => {
    const report: ReportUploads = {
      range,
      granularity: 'day',
      points: [
        { date: '2021-02-01', uploads: 1, bytes: 1000 },
        { date: '2021-02-02', uploads: 0, bytes: 0 },
        { date: '2021-02-03', uploads: 2, bytes: 3 * 1024 * 1024 },
      ],
      totals: { uploads: 3, bytes: 1000 + 3 * 1024 * 1024 },
    };
    const chart = uploadsChart(report);
    expect(chart.data.labels).toEqual(['1 Feb', '2 Feb', '3 Feb']);
    const [count, bytes] = datasets(chart);
    expect(count).toMatchObject({ type: 'bar', label: 'Uploads', data: [1, 0, 2], yAxisID: 'y' });
    expect(bytes).toMatchObject({ type: 'line', label: 'Bytes', data: [1000, 0, 3 * 1024 * 1024], yAxisID: 'bytes' });
    expect(scale(chart, 'bytes').ticks.callback(3 * 1024 * 1024)).toBe('3 MiB');
    expect(scale(chart, 'y').ticks.precision).toBe(0);
  });

  it('downloads: one bar per bucket, zeros kept', () => {
    const report: ReportDownloads = { range, granularity: 'week', points: [{ date: '2021-02-01', downloads: 0 }, { date: '2021-02-08', downloads: 7 }], totals: { downloads: 7 } };
    const chart = downloadsChart(report);
    expect(chart.type).toBe('bar');
    expect(chart.data.labels).toEqual(['w/c 1 Feb', 'w/c 8 Feb']);
    expect(datasets(chart)).toEqual([expect.objectContaining({ label: 'Downloads', data: [0, 7], backgroundColor: CHART_COLORS.emerald })]);
  });

  it('storage over time: the stored line and added/removed bars share the bytes axis', () => {
    const report: ReportStorageOverTime = {
      range,
      granularity: 'day',
      start_bytes: 10,
      points: [
        { date: '2021-02-01', added_bytes: 5, removed_bytes: 0, stored_bytes: 15 },
        { date: '2021-02-02', added_bytes: 0, removed_bytes: 4, stored_bytes: 11 },
      ],
      totals: { added_bytes: 5, removed_bytes: 4, end_bytes: 11 },
    };
    const chart = storageOverTimeChart(report);
    expect(datasets(chart).map((d) => [d.type, d.label, d.data])).toEqual([
      ['line', 'Stored', [15, 11]],
      ['bar', 'Added', [5, 0]],
      ['bar', 'Removed', [0, 4]],
    ]);
    expect(scale(chart, 'y').ticks.callback(2048)).toBe('2 KiB');
  });

  it('active users: a line of active users and bars of sign-ins', () => {
    const report: ReportUserActivity = {
      range,
      granularity: 'month',
      top_uploaders: [],
      points: [{ date: '2021-02-01', active_users: 3, logins: 4 }],
      totals: { active_users: 3, logins: 4, uploaders: 2 },
    };
    const chart = activeUsersChart(report);
    expect(chart.data.labels).toEqual(['Feb 2021']);
    expect(datasets(chart).map((d) => [d.label, d.data])).toEqual([
      ['Active users', [3]],
      ['Sign-ins', [4]],
    ]);
  });

  it('storage by type: a doughnut of bytes per kind, one colour per kind', () => {
    const report: ReportStorageByType = {
      range,
      as_of: range.to,
      items: [
        { type: 'documents', files: 1, bytes: 2000 },
        { type: 'images', files: 2, bytes: 11000 },
        { type: 'videos', files: 0, bytes: 0 },
        { type: 'audio', files: 1, bytes: 300 },
        { type: 'other', files: 0, bytes: 0 },
      ],
      totals: { files: 4, bytes: 13300 },
    };
    const chart = storageByTypeChart(report);
    expect(chart.type).toBe('doughnut');
    expect(chart.data.labels).toEqual(['Documents', 'Images', 'Videos', 'Audio', 'Other']);
    const [stored] = datasets(chart);
    expect(stored.data).toEqual([2000, 11000, 0, 300, 0]);
    expect(new Set(stored.backgroundColor as string[]).size).toBe(5);
  });
});

describe('report range form', () => {
  it('presets count back from today in UTC, both ends included', () => {
    expect(lastDays(30, new Date('2024-03-15T23:30:00Z'))).toEqual({ from: '2024-02-15', to: '2024-03-15' });
    expect(lastDays(1, new Date('2024-03-15T00:10:00Z'))).toEqual({ from: '2024-03-15', to: '2024-03-15' });
  });

  it('says what the API would refuse', () => {
    expect(rangeProblem('2024-03-01', '2024-03-01')).toBeNull();
    expect(rangeProblem('2024-03-02', '2024-03-01')).toMatch(/before the start/);
    expect(rangeProblem('2023-01-01', '2024-01-01')).toBeNull();
    expect(rangeProblem('2023-01-01', '2024-01-02')).toMatch(/at most 366 days/);
    expect(rangeProblem('', '2024-01-02')).toMatch(/Choose/);
  });
});
