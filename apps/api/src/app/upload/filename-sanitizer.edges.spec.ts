import { blockedExtensionOf, extensionOf, sanitizeFilename } from './filename-sanitizer';

/** The sanitiser's rules at their edges: each range, anchor and length limit on both sides. */
describe('sanitizeFilename at its edges', () => {
  it.each([
    // Both ends of both control ranges go; the first character after them stays.
    ['a\u001fb\u007fc\u0080d\u009fe.txt', 'abcde.txt'],
    ['no\u00a0break.txt', 'no\u00a0break.txt'],
    ['e\u0301.txt', '\u00e9.txt'],
    ['a...b.txt', 'a.b.txt'],
    // Device names only as the whole first segment.
    ['console.txt', 'console.txt'],
    ['acon.txt', 'acon.txt'],
    ['com0.txt', 'com0.txt'],
    ['COM9.log', '_COM9.log'],
    ['nul.tar.gz', '_nul.tar.gz'],
    // Underscores alone become "file", underscores next to a name stay.
    ['a*', 'a_'],
    ['*a', '_a'],
    ['__', 'file'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeFilename(input)).toBe(expected);
  });

  it('keeps an extension of 20 characters (dot included) when capping the length', () => {
    const ext = `.${'y'.repeat(19)}`;
    const out = sanitizeFilename(`${'x'.repeat(300)}${ext}`);
    expect([...out]).toHaveLength(255);
    expect(out.endsWith(ext)).toBe(true);
  });

  it('treats a longer "extension" as part of the name when capping the length', () => {
    const out = sanitizeFilename(`${'x'.repeat(300)}.${'y'.repeat(20)}`);
    expect(out).toBe('x'.repeat(255));
  });

  it('leaves a name of exactly 255 characters as it is', () => {
    const name = `${'x'.repeat(251)}.txt`;
    expect(sanitizeFilename(name)).toBe(name);
  });

  it('does not end the capped name in a space before the extension', () => {
    const out = sanitizeFilename(`${'a'.repeat(250)} ${'b'.repeat(100)}.txt`);
    expect(out).toBe(`${'a'.repeat(250)}.txt`);
  });
});

describe('extensionOf and blockedExtensionOf at their edges', () => {
  it('a dotfile has no extension', () => {
    expect(extensionOf('.env')).toBe('');
  });

  it('an empty entry in the blocked list blocks nothing', () => {
    expect(blockedExtensionOf('README', [''])).toBeNull();
  });

  it('any entry of the list blocks, not only when all match', () => {
    expect(blockedExtensionOf('a.exe', ['.bat', '.exe'])).toBe('.exe');
  });
});
