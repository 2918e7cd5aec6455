import { formatBytes } from './bytes.pipe';

describe('formatBytes', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [1023, '1023 bytes'],
    [1536, '1.5 KiB'],
    [9 * 1024 * 1024, '9 MiB'],
    [2 * 1024 ** 3, '2 GiB'],
    [123.4 * 1024 ** 2, '123 MiB'],
    [null, '—'],
  ])('%s → %s', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });
});
