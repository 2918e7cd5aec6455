import { REPORT_DEFAULT_DAYS, REPORT_MAX_DAYS, ReportErrorCode, ReportGranularity, ReportRange } from '@ddx/contracts';

import { AppException } from '../../common/app-exception';

const DAY_MS = 86_400_000;

/** A report's UTC days, both ends included, with the instants that bound them. */
export interface ResolvedRange extends ReportRange {
  /** `from` at 00:00Z. */
  start: Date;
  /** The day after `to` at 00:00Z (exclusive). */
  end: Date;
}

export function dayOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

function midnight(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

export function addDays(day: string, n: number): string {
  return dayOf(new Date(midnight(day).getTime() + n * DAY_MS));
}

/**
 * `from`/`to` from the query with their defaults (the last 30 days up to
 * today; `to` defaults to today, `from` to 29 days before `to`). A range
 * that ends before it starts, or is longer than REPORT_MAX_DAYS, is a 400
 * with its own code.
 */
export function resolveRange(query: { from?: string; to?: string }, now: Date = new Date()): ResolvedRange {
  const to = query.to ?? dayOf(now);
  const from = query.from ?? addDays(to, -(REPORT_DEFAULT_DAYS - 1));
  const start = midnight(from);
  const end = new Date(midnight(to).getTime() + DAY_MS);
  const days = Math.round((end.getTime() - start.getTime()) / DAY_MS);
  if (days < 1) throw new AppException(400, ReportErrorCode.REPORT_RANGE_INVALID, `The range ends (${to}) before it starts (${from}).`);
  if (days > REPORT_MAX_DAYS) {
    throw new AppException(400, ReportErrorCode.REPORT_RANGE_TOO_LONG, `A report covers at most ${REPORT_MAX_DAYS} days; this range has ${days}.`);
  }
  return { from, to, days, start, end };
}

/** The first day of the bucket holding `day`: itself, the Monday of its ISO week, or the 1st of its month. */
export function bucketStart(day: string, granularity: ReportGranularity): string {
  if (granularity === 'month') return `${day.slice(0, 7)}-01`;
  if (granularity === 'week') return addDays(day, -((midnight(day).getUTCDay() + 6) % 7));
  return day;
}

/**
 * The buckets of a range in order, each labelled by its first day clipped to
 * the range (a week that began before `from` is labelled `from`), and the
 * label of any instant inside the range.
 */
export class Buckets {
  readonly labels: string[] = [];

  constructor(
    private readonly range: ResolvedRange,
    private readonly granularity: ReportGranularity,
  ) {
    for (let d = range.from; d <= range.to; d = addDays(d, 1)) {
      const label = this.labelOfDay(d);
      if (this.labels[this.labels.length - 1] !== label) this.labels.push(label);
    }
  }

  private labelOfDay(day: string): string {
    const first = bucketStart(day, this.granularity);
    return first < this.range.from ? this.range.from : first;
  }

  /** Null when the instant is outside the range. */
  labelOf(instant: Date): string | null {
    const t = instant.getTime();
    if (!(t >= this.range.start.getTime() && t < this.range.end.getTime())) return null;
    return this.labelOfDay(dayOf(instant));
  }

  /** One zeroed point per bucket, so empty buckets are present. */
  zeroed<T extends object>(make: () => T): Map<string, T> {
    return new Map(this.labels.map((l) => [l, make()]));
  }
}
