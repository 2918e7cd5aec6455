import { REPORT_MAX_DAYS } from '@ddx/contracts';

const DAY_MS = 86_400_000;

/** UTC day (`YYYY-MM-DD`) of an instant. */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** The last `days` UTC days up to today, both ends included. */
export function lastDays(days: number, now: Date = new Date()): { from: string; to: string } {
  return { from: utcDay(new Date(now.getTime() - (days - 1) * DAY_MS)), to: utcDay(now) };
}

/** Why the API would refuse this range (so the form can say so first), or null. */
export function rangeProblem(from: string, to: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) return 'Choose both a start and an end day.';
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
  if (Number.isNaN(days)) return 'Choose both a start and an end day.';
  if (days < 1) return 'The end day is before the start day.';
  if (days > REPORT_MAX_DAYS) return `A report covers at most ${REPORT_MAX_DAYS} days.`;
  return null;
}
