const UNITS: Record<string, number> = {
  b: 1,
  byte: 1,
  bytes: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/**
 * "10 GiB", "1.5 mb", "2048" → bytes (binary units, as the rest of the UI
 * shows them); null for anything else. Empty text is null too.
 */
export function parseByteSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!m) return null;
  const factor = UNITS[(m[2] || 'b').toLowerCase()];
  if (factor === undefined) return null;
  const value = Math.round(Number(m[1]) * factor);
  return Number.isSafeInteger(value) ? value : null;
}
