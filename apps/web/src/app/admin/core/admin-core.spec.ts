import { parseByteSize } from './byte-size';
import { bulkSummary } from './bulk-summary';
import { toParams } from './admin-api.service';
import { Selection } from './selection';

describe('parseByteSize', () => {
  it.each([
    ['2048', 2048],
    ['10 GiB', 10 * 1024 ** 3],
    ['1.5 mb', 1.5 * 1024 ** 2],
    [' 3K ', 3072],
    ['0', 0],
    ['1 byte', 1],
  ])('%s → %d', (text, bytes) => expect(parseByteSize(text)).toBe(bytes));

  it.each(['', 'ten', '-5 MiB', '5 parsecs', '1e3', '5 MiB extra'])('%s → null', (text) => expect(parseByteSize(text)).toBeNull());

  it('refuses sizes beyond what a number holds exactly', () => {
    expect(parseByteSize('99999999999 TiB')).toBeNull();
  });
});

describe('toParams', () => {
  it('leaves out empty, null and undefined values and trims text', () => {
    const p = toParams({ page: 2, limit: 20, search: '  bob ', status: '', role: undefined, x: null, flag: false });
    expect(p.toString()).toBe('page=2&limit=20&search=bob&flag=false');
  });
});

describe('Selection', () => {
  it('toggles ids, selects a page and knows when all of it is selected', () => {
    const s = new Selection();
    s.toggle('a');
    expect(s.has('a')).toBe(true);
    expect(s.allOf(['a', 'b'])).toBe(false);
    s.setAll(['a', 'b'], true);
    expect(s.allOf(['a', 'b'])).toBe(true);
    expect(s.size()).toBe(2);
    s.toggle('a', false);
    expect(s.values()).toEqual(['b']);
    expect(s.allOf([])).toBe(false);
    s.clear();
    expect(s.size()).toBe(0);
  });
});

describe('bulkSummary', () => {
  it('counts successes and names the first refusal', () => {
    expect(bulkSummary({ action: 'ban', succeeded: ['1', '2'], failed: [] })).toEqual({ ok: true, text: '2 done' });
    const r = bulkSummary(
      {
        action: 'ban',
        succeeded: ['1'],
        failed: [
          { id: '2', error: 'SELF_ACTION', message: 'Not yourself.' },
          { id: '3', error: 'PERMISSION_DENIED', message: 'No.' },
        ],
      },
      (id) => `user ${id}`,
    );
    expect(r).toEqual({ ok: false, text: '1 done; 2 refused — user 2: Not yourself. (and 1 more)' });
  });
});
