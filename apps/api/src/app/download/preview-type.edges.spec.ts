import { downloadTypeFor, previewFor } from './preview-type';

describe('previewFor at its edges', () => {
  it('refuses active formats by the end of the name only, in any letter case', () => {
    expect(previewFor('image/png', 'page.HTML').type).toBe('none');
    expect(previewFor('image/png', 'icon.SvgZ').type).toBe('none');
    // An active extension in the middle of a name is not the file's type.
    expect(previewFor('image/png', 'page.html.png')).toEqual({ type: 'image', contentType: 'image/png' });
    expect(previewFor('text/plain', 'notes.js.txt')).toEqual({ type: 'text', contentType: 'text/plain; charset=utf-8' });
  });

  it('reads the declared type in any letter case, without parameters or spaces', () => {
    expect(previewFor('IMAGE/PNG', 'a.png')).toEqual({ type: 'image', contentType: 'image/png' });
    expect(previewFor(' image/jpeg ; q=1', 'a.jpg')).toEqual({ type: 'image', contentType: 'image/jpeg' });
    expect(previewFor('Text/HTML; charset=utf-8', 'a.txt').type).toBe('none');
  });

  it('shows another text/* type as text only for a text file name, ending in it', () => {
    expect(previewFor('text/x-python', 'notes.md').type).toBe('text');
    expect(previewFor('text/x-python', 'notes.md.py').type).toBe('none');
    expect(previewFor('text/x-python', 'script.py').type).toBe('none');
    // A known text extension under a non-text type is not text.
    expect(previewFor('application/x-python', 'notes.txt').type).toBe('none');
  });

  it('serves downloads with the preview type, or octet-stream for anything active or unknown', () => {
    expect(downloadTypeFor('application/pdf', 'a.pdf')).toBe('application/pdf');
    expect(downloadTypeFor('application/xhtml+xml', 'a.pdf')).toBe('application/octet-stream');
    expect(downloadTypeFor('application/zip', 'a.zip')).toBe('application/octet-stream');
    expect(downloadTypeFor('', 'a')).toBe('application/octet-stream');
  });
});
