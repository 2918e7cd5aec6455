import { ReportErrorCode } from '@ddx/contracts';

import { AppException } from '../../common/app-exception';
import { addDays, bucketStart, Buckets, resolveRange } from './report-range';

const NOW = new Date('2024-03-15T18:30:00Z');

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof AppException ? e.code : 'not an AppException';
  }
}

describe('resolveRange', () => {
  it('defaults to the last 30 days up to today (UTC)', () => {
    const r = resolveRange({}, NOW);
    expect(r).toMatchObject({ from: '2024-02-15', to: '2024-03-15', days: 30 });
    expect(r.start.toISOString()).toBe('2024-02-15T00:00:00.000Z');
    expect(r.end.toISOString()).toBe('2024-03-16T00:00:00.000Z');
  });

  it('counts 30 days back from an explicit end, and includes both ends', () => {
    expect(resolveRange({ to: '2024-01-10' }, NOW)).toMatchObject({ from: '2023-12-12', to: '2024-01-10', days: 30 });
    expect(resolveRange({ from: '2024-03-15', to: '2024-03-15' }, NOW).days).toBe(1);
    expect(resolveRange({ from: '2024-03-01' }, NOW)).toMatchObject({ from: '2024-03-01', to: '2024-03-15', days: 15 });
  });

  it('refuses a range that ends before it starts, or is longer than 366 days', () => {
    expect(codeOf(() => resolveRange({ from: '2024-03-02', to: '2024-03-01' }, NOW))).toBe(ReportErrorCode.REPORT_RANGE_INVALID);
    expect(codeOf(() => resolveRange({ from: '2023-01-01', to: '2024-01-01' }, NOW))).toBeNull(); // 366 days
    expect(codeOf(() => resolveRange({ from: '2023-01-01', to: '2024-01-02' }, NOW))).toBe(ReportErrorCode.REPORT_RANGE_TOO_LONG);
  });
});

describe('buckets', () => {
  it('starts weeks on Monday and months on the 1st', () => {
    expect(bucketStart('2024-03-17', 'week')).toBe('2024-03-11'); // Sunday → Monday before
    expect(bucketStart('2024-03-11', 'week')).toBe('2024-03-11');
    expect(bucketStart('2024-02-29', 'month')).toBe('2024-02-01');
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
  });

  it('lists every bucket, clipping the first to the range, and places instants', () => {
    const range = resolveRange({ from: '2024-02-28', to: '2024-03-12' }, NOW);
    const weeks = new Buckets(range, 'week');
    expect(weeks.labels).toEqual(['2024-02-28', '2024-03-04', '2024-03-11']);
    expect(weeks.labelOf(new Date('2024-03-03T23:59:59Z'))).toBe('2024-02-28');
    expect(weeks.labelOf(new Date('2024-03-12T23:59:59Z'))).toBe('2024-03-11');
    expect(weeks.labelOf(new Date('2024-03-13T00:00:00Z'))).toBeNull();
    expect(weeks.labelOf(new Date('2024-02-27T23:59:59Z'))).toBeNull();
    expect(new Buckets(range, 'month').labels).toEqual(['2024-02-28', '2024-03-01']);
    expect(new Buckets(range, 'day').labels).toHaveLength(14);
  });
});
