import { detailsLine, emptyFilters, logQuery, purgeDaysProblem } from './logs-query';

describe('logs query helpers', () => {
  it('sends only the fields of the chosen log, trimmed, without empty ones, text as typed', () => {
    const filters = { ...emptyFilters('activity'), search: '  (.*) [x]+? ', ip: '', outcome: 'failed', date_to: '2026-01-02' };
    expect(logQuery('activity', filters, { page: 2, limit: 25 })).toEqual({ search: '(.*) [x]+?', date_to: '2026-01-02', page: '2', limit: '25' });
    expect(logQuery('access', { outcome: 'failed', search: 'ignored', ip: ' 10.0.0. ' })).toEqual({ outcome: 'failed', ip: '10.0.0.' });
    expect(logQuery('errors', emptyFilters('errors'), { format: 'csv' })).toEqual({ format: 'csv' });
  });

  it('checks the purge age before asking', () => {
    expect(purgeDaysProblem('')).toMatch(/whole number/);
    expect(purgeDaysProblem('2.5')).toMatch(/whole number/);
    expect(purgeDaysProblem(0)).toMatch(/Between 1 and 3650/);
    expect(purgeDaysProblem(3651)).toMatch(/Between 1 and 3650/);
    expect(purgeDaysProblem('30')).toBeNull();
  });

  it('shows details as one bounded line', () => {
    expect(detailsLine(null)).toBe('');
    expect(detailsLine({ reason: 'spam', before: { a: 1 } })).toBe('reason: spam · before: {"a":1}');
    const long = detailsLine({ text: 'x'.repeat(500) }, 50);
    expect(long).toHaveLength(50);
    expect(long.endsWith('…')).toBe(true);
  });
});
