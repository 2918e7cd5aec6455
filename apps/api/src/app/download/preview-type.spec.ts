import { downloadTypeFor, previewFor } from './preview-type';

describe('previewFor', () => {
  it.each([
    ['image/png', 'a.png', 'image', 'image/png'],
    ['video/mp4', 'clip.mp4', 'video', 'video/mp4'],
    ['audio/mpeg', 'song.mp3', 'audio', 'audio/mpeg'],
    ['application/pdf', 'doc.pdf', 'document', 'application/pdf'],
    ['text/plain', 'notes.txt', 'text', 'text/plain; charset=utf-8'],
    ['application/json', 'data.json', 'text', 'text/plain; charset=utf-8'],
    ['text/html', 'page.html', 'none', 'application/octet-stream'],
    ['image/svg+xml', 'logo.svg', 'none', 'application/octet-stream'],
    ['image/png', 'trick.html', 'none', 'application/octet-stream'],
    ['text/plain', 'x.svg', 'none', 'application/octet-stream'],
    ['application/xml', 'feed.xml', 'none', 'application/octet-stream'],
    ['application/javascript', 'a.js', 'none', 'application/octet-stream'],
    ['application/octet-stream', 'blob.bin', 'none', 'application/octet-stream'],
  ])('%s %s → %s', (type, name, preview, served) => {
    expect(previewFor(type, name)).toEqual({ type: preview, contentType: served });
  });
});

describe('downloadTypeFor', () => {
  it.each([
    ['text/javascript', 'a.bin'],
    ['application/javascript', 'a.bin'],
    ['text/html', 'a.bin'],
    ['Text/HTML; charset=utf-8', 'a.bin'],
    ['image/svg+xml', 'a.bin'],
    ['application/xhtml+xml', 'a.bin'],
    ['text/xml', 'a.bin'],
    ['application/x-shockwave-flash', 'a.bin'],
    ['image/png', 'page.html'],
    ['', 'a.bin'],
    ['not a type', 'a.bin'],
  ])('%j (%s) downloads as application/octet-stream', (declared, name) => {
    expect(downloadTypeFor(declared, name)).toBe('application/octet-stream');
  });

  it.each([
    ['image/png', 'a.png', 'image/png'],
    ['IMAGE/PNG; q=1', 'a.png', 'image/png'],
    ['video/mp4', 'a.mp4', 'video/mp4'],
    ['audio/mpeg', 'a.mp3', 'audio/mpeg'],
    ['application/pdf', 'a.pdf', 'application/pdf'],
    ['text/plain', 'a.txt', 'text/plain; charset=utf-8'],
    ['Text/Plain; charset=utf-8', 'a.txt', 'text/plain; charset=utf-8'],
  ])('%j (%s) keeps its type: %s', (declared, name, served) => {
    expect(downloadTypeFor(declared, name)).toBe(served);
  });
});
