/**
 * A strict RFC 4180 reader for tests: quoted fields with "" escapes, commas,
 * CR LF and bare LF inside quotes; rows end with CRLF. Throws on anything
 * malformed, so a broken export fails the test rather than parsing loosely.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = text[i];
        if (next !== ',' && next !== '\r' && next !== undefined) throw new Error(`text after a closing quote at ${i}`);
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      if (fieldStarted) throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
      fieldStarted = true;
      i++;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      fieldStarted = false;
      i++;
    } else if (ch === '\r') {
      if (text[i + 1] !== '\n') throw new Error(`CR without LF at ${i}`);
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStarted = false;
      i += 2;
    } else if (ch === '\n') {
      throw new Error(`bare LF outside quotes at ${i}`);
    } else {
      field += ch;
      fieldStarted = true;
      i++;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (fieldStarted || row.length) throw new Error('last row does not end with CRLF');
  return rows;
}
