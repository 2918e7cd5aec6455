import { parseDriveQuery, type QueryableFile } from './drive-query';

const file = (overrides: Partial<QueryableFile> = {}): QueryableFile => ({
  name: "it's a file.txt",
  mimeType: 'text/plain',
  parents: ['ROOT'],
  trashed: false,
  createdTime: '2026-01-02T00:00:00.000Z',
  modifiedTime: '2026-01-03T00:00:00.000Z',
  ...overrides,
});
const resolve = (id: string): string => (id === 'root' ? 'ROOT' : id);
const matches = (q: string, f: QueryableFile = file()): boolean => parseDriveQuery(q).matches(f, resolve);

describe('parseDriveQuery', () => {
  it('matches parents, resolving the root alias', () => {
    expect(matches("'root' in parents")).toBe(true);
    expect(matches("'ROOT' in parents")).toBe(true);
    expect(matches("'other' in parents")).toBe(false);
  });

  it('handles name equality with escaped quotes, contains and trashed', () => {
    expect(matches("name = 'it\\'s a file.txt'")).toBe(true);
    expect(matches("name='other'")).toBe(false);
    expect(matches("name contains 'FILE'")).toBe(true);
    expect(matches('trashed=false')).toBe(true);
    expect(matches('trashed = true')).toBe(false);
    expect(matches('trashed = true', file({ trashed: true }))).toBe(true);
  });

  it('combines terms with and / or / not and parentheses', () => {
    expect(matches("'root' in parents and trashed=false and mimeType != 'application/vnd.google-apps.folder'")).toBe(true);
    expect(matches("'x' in parents or name = 'it\\'s a file.txt'")).toBe(true);
    expect(matches("not name contains 'file'")).toBe(false);
    expect(matches("('x' in parents or 'root' in parents) and trashed = true")).toBe(false);
    expect(matches("createdTime > '2026-01-01T00:00:00Z' and modifiedTime < '2026-02-01T00:00:00Z'")).toBe(true);
  });

  it.each([
    "name = 'unterminated",
    "name == 'x'",
    'fullText contains "x"',
    "starred = true",
    "'x' in owners",
    "name = 'a' and",
    "trashed = 'false'",
    "createdTime contains '2026'",
  ])('refuses %p with a 400 invalid q', (q) => {
    expect(() => parseDriveQuery(q)).toThrow(expect.objectContaining({ status: 400, errors: [expect.objectContaining({ location: 'q' })] }));
  });
});
