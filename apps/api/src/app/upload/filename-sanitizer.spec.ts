import { blockedExtensionOf, extensionOf, sanitizeFilename } from './filename-sanitizer';
import { UPLOAD_SETTINGS_DEFAULTS } from './upload-settings';

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
    // Bidi overrides and isolates would make this display as "invoiceexe.pdf".
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['\u202Aa\u202Bb\u202Cc\u202Dd.txt', 'abcd.txt'],
    ['\u2066report\u2069\u2067x\u2068.pdf', 'reportx.pdf'],
    ['zero\u200Bwidth\u200C\u200D\u200E\u200F.txt', 'zerowidth.txt'],
    ['\uFEFFbom.txt', 'bom.txt'],
    ['arabic\u061Cmark.txt', 'arabicmark.txt'],
    ['soft\u00ADhyphen\u2060.txt', 'softhyphen.txt'],
    ['a.exe\u200B', 'a.exe'],
    ['evil.EXE.', 'evil.EXE'],
    ['a.js ', 'a.js'],
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

describe('blockedExtensionOf (with the default blocked list)', () => {
  const blocked = UPLOAD_SETTINGS_DEFAULTS.blockedExtensions;

  it.each(['setup.exe', 'SETUP.EXE', 'evil.EXE.', 'evil.exe. . ', 'a.js ', 'a.Js', 'invoice\u202Efdp.exe', 'a.exe\u200B', 'run.hta', 'x.jse', 'x.vbs', 'x.vbe', 'x.wsf', 'x.wsh', 'x.cpl', 'x.scr', 'x.msi', 'x.msp', 'x.jar', 'x.bat', 'x.cmd', 'x.com', 'x.pif', 'x.ps1', 'x.lnk', 'x.reg', 'dir/../x.exe'])(
    '%j is blocked',
    (name) => {
      expect(blockedExtensionOf(name, blocked)).toBe(extensionOf(sanitizeFilename(name)));
      expect(blockedExtensionOf(name, blocked)).not.toBeNull();
    },
  );

  it.each(['data.json', 'notes.txt', 'photo.jpeg', 'archive.jsonl', 'exe', 'exe.txt', 'script.js.txt', 'page.html', 'report.pdf', 'example.community'])('%j is allowed', (name) => {
    expect(blockedExtensionOf(name, blocked)).toBeNull();
  });

  it('matches the list case-insensitively', () => {
    expect(blockedExtensionOf('tool.exe', ['.EXE'])).toBe('.exe');
    expect(blockedExtensionOf('tool.json', ['.js'])).toBeNull();
  });
});
