import { accessActions, accessFilter, activityFilter, atRange, errorFilter } from './log-filters';
import { parseCsv } from '../../../testing/rfc4180';
import { csvLine } from '../shared/csv';

describe('log filters', () => {
  it('escapes user text: a regex-special search is matched literally', () => {
    const f = activityFilter({ search: 'a.b*(c)[d]+?' }) as { $and: Array<Record<string, unknown>> };
    const or = (f.$and[1] as { $or: Array<Record<string, { $regex: string }>> }).$or;
    for (const cond of or) {
      const pattern = Object.values(cond)[0]?.$regex as string;
      expect(new RegExp(pattern, 'i').test('xx A.B*(C)[D]+? yy')).toBe(true);
      expect(new RegExp(pattern, 'i').test('aXb**cd+')).toBe(false);
    }
  });

  it('an IP filter is a literal prefix', () => {
    const f = accessFilter({ ip: '10.0.0.' }) as { $and: Array<{ ip?: { $regex: string } }> };
    const pattern = new RegExp(f.$and[1]?.ip?.$regex as string);
    expect(pattern.test('10.0.0.7')).toBe(true);
    expect(pattern.test('10a0b0c7')).toBe(false);
    expect(pattern.test('110.0.0.1')).toBe(false);
  });

  it('a day as upper bound includes the whole day', () => {
    expect(atRange('2024-05-01', '2024-05-02')).toEqual({ at: { $gte: new Date('2024-05-01T00:00:00.000Z'), $lte: new Date('2024-05-02T23:59:59.999Z') } });
    expect(atRange(undefined, '2024-05-02T10:00:00Z')).toEqual({ at: { $lte: new Date('2024-05-02T10:00:00Z') } });
    expect(atRange()).toEqual({});
  });

  it('access actions by outcome and realm; activity excludes them', () => {
    expect(accessActions('failed', 'admin')).toEqual(['admin.login_failed']);
    expect(accessActions('success', 'user').sort()).toEqual(['user.google_login', 'user.login']);
    expect(accessActions()).toHaveLength(6);
    expect(activityFilter({})).toEqual({ action: { $nin: accessActions() } });
    expect(errorFilter({})).toEqual({});
  });
});

describe('CSV round trip', () => {
  it('what csvLine writes parses back, formula cells neutralised', () => {
    const cells = ['plain', 'with, comma', 'with "quotes"', 'multi\r\nline', '=SUM(A1:A2)', '+1', '-2', '@cmd', '', 'tab\tinside'];
    const rows = parseCsv(csvLine(cells) + csvLine(['a', 'b']));
    expect(rows).toEqual([['plain', 'with, comma', 'with "quotes"', 'multi\r\nline', "'=SUM(A1:A2)", "'+1", "'-2", "'@cmd", '', 'tab\tinside'], ['a', 'b']]);
  });

  it('the parser refuses malformed CSV', () => {
    expect(() => parseCsv('a,"b\r\n')).toThrow();
    expect(() => parseCsv('a,b')).toThrow();
    expect(() => parseCsv('a,b"c"\r\n')).toThrow();
  });
});
