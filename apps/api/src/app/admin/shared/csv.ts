/**
 * One CSV field (RFC 4180). Text a spreadsheet would run as a formula
 * (=, +, -, @, tab, CR first) gets a leading apostrophe: an e-mail address
 * like `=HYPERLINK(...)@x.org` must not execute on the admin's machine.
 */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: Array<string | number | boolean | null | undefined>): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
