import { contentDisposition, parseRange } from './byte-range';

describe('parseRange', () => {
  it.each([
    [undefined, 100, { kind: 'full' }],
    ['bytes=0-0', 100, { kind: 'partial', start: 0, end: 0 }],
    ['bytes=99-99', 100, { kind: 'partial', start: 99, end: 99 }],
    ['bytes=10-19', 100, { kind: 'partial', start: 10, end: 19 }],
    ['bytes=90-', 100, { kind: 'partial', start: 90, end: 99 }],
    ['bytes=-5', 100, { kind: 'partial', start: 95, end: 99 }],
    ['bytes=-500', 100, { kind: 'partial', start: 0, end: 99 }],
    ['bytes=50-1000', 100, { kind: 'partial', start: 50, end: 99 }],
    ['bytes=100-', 100, { kind: 'unsatisfiable' }],
    ['bytes=20-10', 100, { kind: 'unsatisfiable' }],
    ['bytes=-0', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=0-1,5-6', 100, { kind: 'full' }],
    ['items=0-1', 100, { kind: 'full' }],
  ])('%s of %d bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});

describe('contentDisposition', () => {
  it('keeps the UTF-8 name and a safe ASCII fallback', () => {
    expect(contentDisposition('attachment', 'résumé "final" 100%.pdf')).toBe(
      `attachment; filename="r_sum_ _final_ 100_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22%20100%25.pdf`,
    );
  });
});
