import { buildFileQuery, emptyFileFilter } from './file-query';

describe('buildFileQuery', () => {
  it('sends only what is filled in, sizes in bytes, plus sort and page', () => {
    const f = { ...emptyFileFilter(), name: ' report ', sizeMin: '1 MiB', sizeMax: '2 GiB', dateFrom: '2026-01-01', dateTo: '2026-01-31', owner: 'anonymous', quarantined: 'true' as const, sortBy: 'size' as const, sortOrder: 'asc' as const };
    expect(buildFileQuery(f, 3, 25)).toEqual({
      query: { name: 'report', size_min: 1024 ** 2, size_max: 2 * 1024 ** 3, date_from: '2026-01-01', date_to: '2026-01-31', owner: 'anonymous', quarantined: 'true', sort_by: 'size', sort_order: 'asc', page: 3, limit: 25 },
    });
  });

  it('an empty form is just sort and page', () => {
    expect(buildFileQuery(emptyFileFilter(), 1, 25)).toEqual({ query: { sort_by: 'created_at', sort_order: 'desc', page: 1, limit: 25 } });
  });

  it('says what is wrong instead of sending a bad query', () => {
    expect(buildFileQuery({ ...emptyFileFilter(), sizeMin: 'big' }, 1, 25)).toEqual({ error: 'Minimum size: enter a size such as 10 MiB or 2 GiB.' });
    expect(buildFileQuery({ ...emptyFileFilter(), sizeMin: '2 GiB', sizeMax: '1 GiB' }, 1, 25)).toEqual({ error: 'The minimum size is larger than the maximum.' });
    expect(buildFileQuery({ ...emptyFileFilter(), dateFrom: '2026-02-01', dateTo: '2026-01-01' }, 1, 25)).toEqual({ error: 'The start date is after the end date.' });
  });
});
