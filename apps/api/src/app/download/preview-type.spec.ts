import { previewFor } from './preview-type';

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
