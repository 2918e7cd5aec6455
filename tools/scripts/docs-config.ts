// `npm run docs:config`: rewrites README's configuration table from the env schema.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { withConfigTable } from '../../libs/server/config/src/lib/config-docs';

const readme = join(__dirname, '../../README.md');
writeFileSync(readme, withConfigTable(readFileSync(readme, 'utf8')));
process.stdout.write('README configuration table updated\n');
