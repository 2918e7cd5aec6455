import { PreviewType } from '@ddx/contracts';

const IMAGE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp', 'image/avif']);
const VIDEO = new Set(['video/mp4', 'video/webm', 'video/ogg', 'video/quicktime']);
const AUDIO = new Set(['audio/mpeg', 'audio/ogg', 'audio/wav', 'audio/x-wav', 'audio/webm', 'audio/aac', 'audio/flac', 'audio/mp4']);
const TEXT = new Set(['text/plain', 'text/csv', 'text/markdown', 'application/json', 'text/x-log']);
/** Never rendered inline, whatever the declared type: active content. */
const ACTIVE_EXTENSIONS = /\.(html?|xhtml|xht|svgz?|xml|xsl|js|mjs|css|swf)$/i;

export interface PreviewDecision {
  type: PreviewType;
  /** Content-Type to serve the preview with. */
  contentType: string;
}

/**
 * Decides whether a file may be shown inline. The declared type is only a
 * hint from the uploader, so active formats (HTML, SVG, XML, scripts) are
 * refused by name too; everything served inline also gets
 * `Content-Security-Policy: sandbox` and `nosniff`.
 */
export function previewFor(contentType: string, filename: string): PreviewDecision {
  const type = contentType.toLowerCase().split(';')[0]?.trim() ?? '';
  if (ACTIVE_EXTENSIONS.test(filename) || type.includes('html') || type.includes('svg') || type.includes('xml') || type.includes('javascript')) {
    return { type: 'none', contentType: 'application/octet-stream' };
  }
  if (IMAGE.has(type)) return { type: 'image', contentType: type };
  if (VIDEO.has(type)) return { type: 'video', contentType: type };
  if (AUDIO.has(type)) return { type: 'audio', contentType: type };
  if (type === 'application/pdf') return { type: 'document', contentType: type };
  if (TEXT.has(type) || (type.startsWith('text/') && /\.(txt|log|csv|md|json)$/i.test(filename))) {
    return { type: 'text', contentType: 'text/plain; charset=utf-8' };
  }
  return { type: 'none', contentType: 'application/octet-stream' };
}

/**
 * Content-Type of a download (always an attachment). The declared type is
 * the uploader's word, and served from this origin an active type (HTML,
 * SVG, XHTML, JavaScript) could run as the app if a browser ever rendered it,
 * so only the passive types the preview list allows keep theirs.
 */
export function downloadTypeFor(contentType: string, filename: string): string {
  return previewFor(contentType, filename).contentType;
}
