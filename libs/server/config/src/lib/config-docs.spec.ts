import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { configKeyDocs, withConfigTable } from './config-docs';

const root = join(__dirname, '../../../../..');

describe('configuration documentation', () => {
  it('every env key has a description', () => {
    for (const doc of configKeyDocs()) expect({ key: doc.key, ok: doc.description.length > 10 }).toEqual({ key: doc.key, ok: true });
  });

  it('README configuration table matches the schema (run `npm run docs:config` to refresh)', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(withConfigTable(readme)).toBe(readme);
  });

  it('.env.example mentions every key', () => {
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const missing = configKeyDocs()
      .map((d) => d.key)
      .filter((key) => !new RegExp(`^#?\\s*${key}=`, 'm').test(example));
    expect(missing).toEqual([]);
  });
});
