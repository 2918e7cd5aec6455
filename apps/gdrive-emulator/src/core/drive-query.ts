import { googleErrors } from './google-error';

/** The subset of a File that `q` terms can look at. */
export interface QueryableFile {
  name: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
  createdTime: string;
  modifiedTime: string;
}

type Comparison = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains';
type Expr =
  | { type: 'and' | 'or'; left: Expr; right: Expr }
  | { type: 'not'; expr: Expr }
  | { type: 'inParents'; folderId: string }
  | { type: 'compare'; field: keyof Omit<QueryableFile, 'parents'>; op: Comparison; value: string | boolean };

type Token = { kind: 'string'; value: string } | { kind: 'word'; value: string } | { kind: 'op'; value: string };

const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=', 'contains']);
const STRING_FIELDS = new Set(['name', 'mimeType']);
const TIME_FIELDS = new Set(['createdTime', 'modifiedTime']);

/** A compiled Drive `q` expression; `matches` resolves folder aliases such as `root`. */
export interface DriveQuery {
  matches(file: QueryableFile, resolveFolderId: (id: string) => string): boolean;
}

/**
 * Parses the part of Drive's query language the product and tests use:
 * `'<id>' in parents`, `name`/`mimeType` with `=`/`!=`/`contains`, `trashed = true|false`,
 * `createdTime`/`modifiedTime` comparisons, combined with `and`/`or`/`not`/parentheses.
 * Anything else is answered with Google's 400 "Invalid Value" rather than ignored,
 * so a product query the emulator cannot honour fails loudly.
 */
export function parseDriveQuery(q: string): DriveQuery {
  const tokens = tokenize(q);
  let pos = 0;
  const invalid = (): never => {
    throw googleErrors.invalidParameter('q', 'Invalid Value');
  };
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (token: Token | undefined, word: string): boolean =>
    token?.kind === 'word' && token.value.toLowerCase() === word;

  const parseOr = (): Expr => {
    let left = parseAnd();
    while (isWord(peek(), 'or')) {
      pos++;
      left = { type: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): Expr => {
    let left = parseUnary();
    while (isWord(peek(), 'and')) {
      pos++;
      left = { type: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): Expr => {
    if (isWord(peek(), 'not')) {
      pos++;
      return { type: 'not', expr: parseUnary() };
    }
    const token = peek();
    if (token?.kind === 'op' && token.value === '(') {
      pos++;
      const inner = parseOr();
      const close = peek();
      if (close?.kind !== 'op' || close.value !== ')') invalid();
      pos++;
      return inner;
    }
    return parseTerm();
  };
  const parseTerm = (): Expr => {
    const first = tokens[pos++];
    if (!first) return invalid();
    if (first.kind === 'string') {
      if (!isWord(tokens[pos], 'in') || !isWord(tokens[pos + 1], 'parents')) invalid();
      pos += 2;
      return { type: 'inParents', folderId: first.value };
    }
    if (first.kind !== 'word') return invalid();
    const field = first.value;
    const opToken = tokens[pos++];
    const op =
      opToken?.kind === 'op'
        ? opToken.value
        : isWord(opToken, 'contains')
          ? 'contains'
          : invalid();
    if (!COMPARISONS.has(op)) invalid();
    const valueToken = tokens[pos++];
    if (field === 'trashed' || field === 'starred') {
      if (op !== '=' && op !== '!=') invalid();
      if (!isWord(valueToken, 'true') && !isWord(valueToken, 'false')) invalid();
      if (field === 'starred') invalid(); // not modelled; refuse rather than guess
      return { type: 'compare', field: 'trashed', op: op as Comparison, value: isWord(valueToken, 'true') };
    }
    if (valueToken?.kind !== 'string') return invalid();
    if (STRING_FIELDS.has(field)) {
      if (!['=', '!=', 'contains'].includes(op)) invalid();
      return { type: 'compare', field: field as 'name' | 'mimeType', op: op as Comparison, value: valueToken.value };
    }
    if (TIME_FIELDS.has(field)) {
      if (op === 'contains' || Number.isNaN(Date.parse(valueToken.value))) invalid();
      return {
        type: 'compare',
        field: field as 'createdTime' | 'modifiedTime',
        op: op as Comparison,
        value: new Date(valueToken.value).toISOString(),
      };
    }
    return invalid();
  };

  const expr = parseOr();
  if (pos !== tokens.length) invalid();
  return { matches: (file, resolve) => evaluate(expr, file, resolve) };
}

function evaluate(expr: Expr, file: QueryableFile, resolve: (id: string) => string): boolean {
  switch (expr.type) {
    case 'and':
      return evaluate(expr.left, file, resolve) && evaluate(expr.right, file, resolve);
    case 'or':
      return evaluate(expr.left, file, resolve) || evaluate(expr.right, file, resolve);
    case 'not':
      return !evaluate(expr.expr, file, resolve);
    case 'inParents':
      return file.parents.includes(resolve(expr.folderId));
    case 'compare':
      return compare(file[expr.field], expr.op, expr.value);
  }
}

function compare(actual: string | boolean, op: Comparison, expected: string | boolean): boolean {
  if (typeof actual === 'boolean' || typeof expected === 'boolean') {
    return op === '=' ? actual === expected : actual !== expected;
  }
  switch (op) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case 'contains':
      return actual.toLowerCase().includes(expected.toLowerCase());
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
  }
}

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const ch = q[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= q.length) throw googleErrors.invalidParameter('q', 'Invalid Value');
        const c = q[i];
        if (c === '\\' && i + 1 < q.length) {
          value += q[i + 1];
          i += 2;
        } else if (c === "'") {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      tokens.push({ kind: 'string', value });
    } else if ('()'.includes(ch)) {
      tokens.push({ kind: 'op', value: ch });
      i++;
    } else if ('=!<>'.includes(ch)) {
      const two = q.slice(i, i + 2);
      if (two === '!=' || two === '<=' || two === '>=') {
        tokens.push({ kind: 'op', value: two });
        i += 2;
      } else if (ch === '!') {
        throw googleErrors.invalidParameter('q', 'Invalid Value');
      } else {
        tokens.push({ kind: 'op', value: ch });
        i++;
      }
    } else if (/[A-Za-z_]/.test(ch)) {
      let j = i;
      while (j < q.length && /[A-Za-z0-9_]/.test(q[j])) j++;
      tokens.push({ kind: 'word', value: q.slice(i, j) });
      i = j;
    } else {
      throw googleErrors.invalidParameter('q', 'Invalid Value');
    }
  }
  return tokens;
}
