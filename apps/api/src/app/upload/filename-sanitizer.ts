const MAX_LENGTH = 255;
const MAX_EXTENSION_LENGTH = 20;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/**
 * Invisible format characters (Unicode Cf): bidi overrides and isolates make
 * "invoice\u202Efdp.exe" display as "invoiceexe.pdf", and zero-width ones hide
 * a real extension ("a.exe\u200B") from both people and extension checks.
 */
const FORMAT = /\p{Cf}/gu;
const RESERVED = /[<>:"|?*]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i;

/**
 * Turns a client-supplied name into one that is safe on every file system and
 * in Content-Disposition: no path, no control, format or reserved characters,
 * no Windows device names, no leading or trailing dots and spaces, at most 255
 * characters with the extension kept.
 */
export function sanitizeFilename(input: string): string {
  let name = input.normalize('NFC').replace(CONTROL, '').replace(FORMAT, '');
  // Only the last path segment, whichever separator the client used.
  name = name.split(/[/\\]/).pop() ?? '';
  name = name.replace(RESERVED, '_').replace(/\.{2,}/g, '.');
  name = name.replace(/^[\s.]+|[\s.]+$/g, '');
  if (!name || /^_+$/.test(name)) return 'file';

  const dot = name.lastIndexOf('.');
  let base = dot > 0 ? name.slice(0, dot) : name;
  let ext = dot > 0 ? name.slice(dot) : '';
  if (ext.length > MAX_EXTENSION_LENGTH) {
    base = name;
    ext = '';
  }
  if (WINDOWS_DEVICE.test(base.split('.')[0] ?? '')) base = `_${base}`;
  const chars = [...base];
  if (chars.length + [...ext].length > MAX_LENGTH) base = chars.slice(0, MAX_LENGTH - [...ext].length).join('').trimEnd();
  return `${base}${ext}`;
}

/** Lower-cased extension including the dot, or '' when there is none. */
export function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot > 0 ? filename.slice(dot).toLowerCase() : '';
}

/**
 * The blocked extension of the name as it will be stored (after sanitising,
 * so "evil.EXE.", "a.js " and "a.exe\u200B" are caught), or null. The list
 * is compared case-insensitively.
 */
export function blockedExtensionOf(filename: string, blocked: readonly string[]): string | null {
  const ext = extensionOf(sanitizeFilename(filename));
  return ext && blocked.some((b) => b.toLowerCase() === ext) ? ext : null;
}
