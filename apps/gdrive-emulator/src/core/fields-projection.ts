import { googleErrors } from './google-error';

/** A parsed `fields` selector: `true` selects the whole value below that key. */
export type FieldSelection = Map<string, FieldSelection | true>;

/**
 * Parses Drive's partial-response syntax: `a,b/c,d(e,f),*`.
 * Throws a Google 400 for malformed selectors so product typos surface in tests.
 */
export function parseFields(input: string): FieldSelection {
  let pos = 0;
  const fail = (): never => {
    throw googleErrors.invalidParameter('fields', `Invalid field selection ${input}`);
  };

  const parseList = (): FieldSelection => {
    const selection: FieldSelection = new Map();
    for (;;) {
      parseItem(selection);
      skipSpaces();
      if (input[pos] === ',') {
        pos++;
        continue;
      }
      return selection;
    }
  };

  const skipSpaces = (): void => {
    while (input[pos] === ' ') pos++;
  };

  const readName = (): string => {
    skipSpaces();
    const start = pos;
    while (pos < input.length && /[A-Za-z0-9_*]/.test(input[pos])) pos++;
    if (pos === start) fail();
    return input.slice(start, pos);
  };

  const parseItem = (into: FieldSelection): void => {
    const path = [readName()];
    while (input[pos] === '/') {
      pos++;
      path.push(readName());
    }
    skipSpaces();
    let leaf: FieldSelection | true = true;
    if (input[pos] === '(') {
      pos++;
      leaf = parseList();
      skipSpaces();
      if (input[pos] !== ')') fail();
      pos++;
    }
    let node = into;
    path.forEach((name, index) => {
      if (index === path.length - 1) {
        node.set(name, merge(node.get(name), leaf));
        return;
      }
      const existing = node.get(name);
      if (existing === true) {
        node = new Map(); // already fully selected; deeper selection adds nothing
        return;
      }
      const child: FieldSelection = existing ?? new Map();
      node.set(name, child);
      node = child;
    });
  };

  if (input.trim() === '') fail();
  const result = parseList();
  skipSpaces();
  if (pos !== input.length) fail();
  return result;
}

function merge(a: FieldSelection | true | undefined, b: FieldSelection | true): FieldSelection | true {
  if (a === undefined) return b;
  if (a === true || b === true) return true;
  const out: FieldSelection = new Map(a);
  for (const [key, value] of b) out.set(key, merge(out.get(key), value));
  return out;
}

/**
 * The field names a real resource defines, level by level (`null` = not validated below).
 * Selecting a name outside it is a 400 like Google's; selecting a real field the emulator
 * does not model simply yields nothing.
 */
export type FieldSchema = ReadonlyMap<string, FieldSchema | null>;

export function fieldSchema(names: readonly string[], children: Record<string, FieldSchema> = {}): FieldSchema {
  return new Map(names.map((name) => [name, children[name] ?? null]));
}

export function projectFields(
  value: unknown,
  selection: FieldSelection | true,
  schema: FieldSchema | null = null,
): unknown {
  if (selection === true) return value;
  if (Array.isArray(value)) return value.map((item) => projectFields(item, selection, schema));
  if (value === null || typeof value !== 'object') return value;
  if (selection.has('*')) return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of selection) {
    if (schema && !schema.has(key)) {
      throw googleErrors.invalidParameter('fields', `Invalid field selection ${key}`);
    }
    if (source[key] === undefined) continue;
    out[key] = projectFields(source[key], sub, schema?.get(key) ?? null);
  }
  return out;
}
