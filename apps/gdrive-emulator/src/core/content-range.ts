/** A resumable-upload `Content-Range` header in one of the three forms Drive accepts. */
export type UploadContentRange =
  | { kind: 'status'; total: number | null }
  | { kind: 'data'; start: number; end: number; total: number | null };

/** Parses `bytes a-b/N`, `bytes a-b/*`, `bytes *\/N` and `bytes *\/*`; null when malformed. */
export function parseUploadContentRange(header: string): UploadContentRange | null {
  const match = /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i.exec(header.trim());
  if (!match) return null;
  const total = match[3] === '*' ? null : Number(match[3]);
  if (match[1] === undefined) return { kind: 'status', total };
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (end < start) return null;
  if (total !== null && end >= total) return null;
  return { kind: 'data', start, end, total };
}

export type ByteRange =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/**
 * Interprets a download `Range` header against a file of `size` bytes (RFC 9110 §14).
 * Syntax it cannot use (other units, several ranges) falls back to the full body, which
 * RFC 9110 allows; a well-formed range outside the file is unsatisfiable.
 */
export function resolveByteRange(header: string | undefined, size: number): ByteRange {
  if (!header) return { kind: 'full' };
  const match = /^bytes=(\d*)-(\d*)$/i.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'full' };
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== '' && Number(match[2]) < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}
