import { extensionOf, sanitizeFilename } from './filename-sanitizer';

describe('sanitizeFilename', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\me\\secret.txt', 'secret.txt'],
    ['..', 'file'],
    ['a..b.txt', 'a.b.txt'],
    ['bad<>:"|?*name.txt', 'bad_______name.txt'],
    ['tab\there\u0000.txt', 'tabhere.txt'],
    ['CON.txt', '_CON.txt'],
    ['lpt1', '_lpt1'],
    ['  .hidden  ', 'hidden'],
    ['***', 'file'],
    ['naïve résumé — ünïcode.doc', 'naïve résumé — ünïcode.doc'],
    ['spaces and #?% signs.txt', 'spaces and #_% signs.txt'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeFilename(input)).toBe(expected);
  });

  it('caps at 255 characters and keeps the extension', () => {
    const out = sanitizeFilename(`${'x'.repeat(400)}.tar.gz`);
    expect([...out]).toHaveLength(255);
    expect(out.endsWith('.gz')).toBe(true);
  });

  it('counts characters, not bytes, and never splits a code point', () => {
    const out = sanitizeFilename(`${'😀'.repeat(300)}.txt`);
    expect([...out]).toHaveLength(255);
    expect(out).toMatch(/^(😀)+\.txt$/u);
  });
});

describe('extensionOf', () => {
  it('lower-cases and ignores dotfiles', () => {
    expect(extensionOf('SETUP.EXE')).toBe('.exe');
    expect(extensionOf('archive.tar.gz')).toBe('.gz');
    expect(extensionOf('README')).toBe('');
  });
});
