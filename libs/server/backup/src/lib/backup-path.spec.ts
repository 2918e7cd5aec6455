import { backupDir, backupFileName, backupPath, normalizePrefix } from './backup-path';

describe('backupFileName', () => {
  it('keeps spaces, unicode and URL-special characters as they are', () => {
    for (const name of ['Quarterly report 2026.pdf', 'ünïcødé 文件 🎉.txt', 'x#y?z%25%.txt', "q!'()*~+&=;,@$.txt"]) {
      expect(backupFileName(name)).toBe(name);
    }
  });

  it('replaces separators and control characters, which would change the path', () => {
    expect(backupFileName('a/b\\c\\\\d.txt')).toBe('a_b_c__d.txt');
    expect(backupFileName('tab\there\nnul\u0000.txt')).toBe('tab_here_nul_.txt');
  });

  it('never yields a dot segment, an empty name or a temporary-upload name', () => {
    expect(backupFileName('..')).toBe('_..');
    expect(backupFileName('.')).toBe('_.');
    expect(backupFileName('')).toBe('unnamed');
    expect(backupFileName('.partial-1234')).toBe('_.partial-1234');
    expect(backupFileName('.bashrc')).toBe('.bashrc');
  });

  it('normalises to NFC so the same name typed on different systems is one path', () => {
    expect(backupFileName('Cafe\u0301.txt')).toBe('Caf\u00e9.txt');
  });

  it('cuts long names to 255 UTF-8 bytes, keeping the extension and whole characters', () => {
    const name = `${'文'.repeat(200)}.tar.gz`;
    const safe = backupFileName(name);
    expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(255);
    expect(safe.endsWith('.gz')).toBe(true);
    expect(safe).not.toContain('\ufffd');
    expect(safe.startsWith('文文文')).toBe(true);
  });
});

describe('backupPath', () => {
  it('is <prefix>/<fileId>/<safe name>', () => {
    expect(backupPath('/directdrivex', 'f_01H9', 'my file.txt')).toBe('/directdrivex/f_01H9/my file.txt');
    expect(backupPath('directdrivex/', 'abc', 'a/b')).toBe('/directdrivex/abc/a_b');
  });

  it('refuses file ids that are not plain ids', () => {
    expect(() => backupPath('/p', '../x', 'a')).toThrow(/file id/);
    expect(() => backupPath('/p', 'a/b', 'a')).toThrow(/file id/);
    expect(() => backupPath('/p', '', 'a')).toThrow(/file id/);
  });

  it('refuses a prefix with dot segments', () => {
    expect(normalizePrefix('//a//b/')).toBe('/a/b');
    expect(normalizePrefix('/')).toBe('');
    expect(() => normalizePrefix('/a/../b')).toThrow(/unsafe/);
  });
});

describe('backupDir', () => {
  it("is the collection that holds a file's copy, whatever the file is called", () => {
    const id = '3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c';
    expect(backupDir('/ddx', id)).toBe(`/ddx/${id}`);
    expect(backupDir('', id)).toBe(`/${id}`);
    for (const name of ['a.txt', 'ünïcødé 文件.bin', '..']) expect(backupPath('/ddx', id, name).startsWith(`${backupDir('/ddx', id)}/`)).toBe(true);
  });

  it('refuses an id that could leave the prefix', () => {
    expect(() => backupDir('/ddx', '../other')).toThrow();
    expect(() => backupDir('/ddx', '')).toThrow();
  });
});
