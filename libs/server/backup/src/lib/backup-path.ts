/** Temporary upload names start with this; a user's file may not. */
export const PARTIAL_PREFIX = '.partial-';

/** Most file systems (ext4, ZFS, XFS) allow 255 bytes per name. */
const MAX_NAME_BYTES = 255;

/**
 * A file name that can be stored on the WebDAV server and read back under the
 * same path, kept as readable as the original.
 *
 * The `webdav` client percent-encodes every path segment with
 * `encodeURIComponent`, so spaces, unicode, `#`, `?`, `%`, `&`, `+` … arrive
 * intact and are stored as they are. What it does not protect, and what is
 * therefore replaced here by `_`:
 * - `/` (it is the path separator) and `\` (the client leaves `\\` unencoded
 *   and URL parsers turn a backslash into `/`);
 * - control characters (0x00–0x1F, 0x7F), which file systems and XML replies
 *   handle badly;
 * - names made only of dots (`.`, `..` are path segments, resolved away);
 * - names starting with `.partial-`, reserved for uploads in progress.
 *
 * Unicode is normalised to NFC (a name typed on macOS and on Windows ends up
 * as the same bytes) and cut to 255 UTF-8 bytes, keeping a short extension.
 */
export function backupFileName(filename: string): string {
  // eslint-disable-next-line no-control-regex
  let name = filename.normalize('NFC').replace(/[\u0000-\u001f\u007f/\\]/g, '_');
  if (name === '') name = 'unnamed';
  if (/^\.+$/.test(name)) name = `_${name}`;
  if (name.startsWith(PARTIAL_PREFIX)) name = `_${name}`;
  return truncateUtf8(name, MAX_NAME_BYTES);
}

/** `<prefix>/<fileId>/<safe name>`; fileId must be a plain id (letters, digits, `-`, `_`). */
export function backupPath(prefix: string, fileId: string, filename: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(fileId)) {
    throw new Error(`backup file id must be 1–128 letters, digits, '-' or '_' (got ${JSON.stringify(fileId.slice(0, 40))})`);
  }
  return joinPath(prefix, fileId, backupFileName(filename));
}

/** `<prefix>/<fileId>`: the collection holding every copy of one file, whatever its name. */
export function backupDir(prefix: string, fileId: string): string {
  return parentPath(backupPath(prefix, fileId, 'x'));
}

/** Normalises a configured prefix to `/a/b` (or `` for the server root). */
export function normalizePrefix(prefix: string): string {
  const segments = prefix.split('/').filter(Boolean);
  for (const s of segments) assertSegment(s, prefix);
  return segments.length ? `/${segments.join('/')}` : '';
}

/** Joins path pieces with single slashes, always absolute. */
export function joinPath(...parts: string[]): string {
  const joined = parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
  return `/${joined}`;
}

/** `/a/b/c` → `/a/b`; `/a` → `/`. */
export function parentPath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  return i <= 0 ? '/' : trimmed.slice(0, i);
}

/**
 * Rejects paths the client would send wrongly (see backupFileName); paths
 * built by backupPath always pass.
 */
export function assertSafePath(path: string): void {
  if (!path.startsWith('/')) throw new Error(`WebDAV paths must be absolute (got ${JSON.stringify(path.slice(0, 80))})`);
  for (const s of path.split('/').filter(Boolean)) assertSegment(s, path);
}

function assertSegment(segment: string, whole: string): void {
  // eslint-disable-next-line no-control-regex
  if (/^\.+$/.test(segment) || /[\u0000-\u001f\u007f\\]/.test(segment)) {
    throw new Error(`unsafe WebDAV path ${JSON.stringify(whole.slice(0, 80))}: dot segments, backslashes and control characters are not allowed`);
  }
}

function truncateUtf8(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const budget = maxBytes - Buffer.byteLength(ext);
  let out = '';
  let used = 0;
  // Iterating by code point never splits a surrogate pair.
  for (const ch of name.slice(0, name.length - ext.length)) {
    const size = Buffer.byteLength(ch);
    if (used + size > budget) break;
    out += ch;
    used += size;
  }
  return out + ext;
}
