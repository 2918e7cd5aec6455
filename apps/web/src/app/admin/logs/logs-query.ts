import { LogKind } from '@ddx/contracts';

/** The filter fields of each log, as the API names them (query parameters). */
export const LOG_FILTER_FIELDS = {
  activity: ['search', 'action', 'actor', 'actor_type', 'target', 'ip', 'date_from', 'date_to'],
  access: ['outcome', 'realm', 'email', 'ip', 'date_from', 'date_to'],
  errors: ['search', 'status', 'route', 'request_id', 'date_from', 'date_to'],
} as const satisfies Record<LogKind, readonly string[]>;

export type LogFilters = Record<string, string>;

export const LOG_TABS: ReadonlyArray<{ kind: LogKind; label: string }> = [
  { kind: 'activity', label: 'Activity' },
  { kind: 'access', label: 'Access' },
  { kind: 'errors', label: 'Errors' },
];

export function emptyFilters(kind: LogKind): LogFilters {
  return Object.fromEntries(LOG_FILTER_FIELDS[kind].map((f) => [f, '']));
}

/**
 * Query parameters for one log: only that log's fields, trimmed, empty ones
 * left out (the API would refuse an empty string). Text goes as typed: the
 * API matches it literally, never as a pattern.
 */
export function logQuery(kind: LogKind, filters: LogFilters, extra: Record<string, string | number> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of LOG_FILTER_FIELDS[kind]) {
    const value = (filters[field] ?? '').trim();
    if (value) out[field] = value;
  }
  for (const [k, v] of Object.entries(extra)) out[k] = String(v);
  return out;
}

/** Whether a purge setting makes sense before asking the API: whole days, 1 … 3650. */
export function purgeDaysProblem(value: unknown): string | null {
  const n = Number(value);
  if (value === '' || value === null || value === undefined || !Number.isInteger(n)) return 'Enter a whole number of days.';
  if (n < 1 || n > 3650) return 'Between 1 and 3650 days.';
  return null;
}

/** `details` of an activity entry as one short line. */
export function detailsLine(details: Record<string, unknown> | null, max = 160): string {
  if (!details) return '';
  const text = Object.entries(details)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
