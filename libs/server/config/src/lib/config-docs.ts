import { z } from 'zod';

import { envSchema } from './env.schema';

export interface ConfigKeyDoc {
  key: string;
  defaultValue: string;
  description: string;
}

/** One row per env key, from the schema's defaults and `.describe()` texts. */
export function configKeyDocs(): ConfigKeyDoc[] {
  return Object.entries(envSchema.shape).map(([key, schema]) => {
    const s = schema as z.ZodType;
    let defaultValue = '';
    const parsed = s.safeParse(undefined);
    if (parsed.success && parsed.data !== undefined) {
      defaultValue = Array.isArray(parsed.data) ? parsed.data.join(',') : String(parsed.data);
    }
    if (/SECRET|KEY|PASSWORD/.test(key) && defaultValue) defaultValue = '(development value; required in production)';
    return { key, defaultValue, description: s.description ?? '' };
  });
}

export const CONFIG_TABLE_START = '<!-- config-table:start -->';
export const CONFIG_TABLE_END = '<!-- config-table:end -->';

export function renderConfigTable(): string {
  const escape = (v: string) => v.replace(/\|/g, '\\|');
  const rows = configKeyDocs().map((d) => `| \`${d.key}\` | ${d.defaultValue ? `\`${escape(d.defaultValue)}\`` : '—'} | ${escape(d.description)} |`);
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}

/** README with its configuration table replaced by the current one. */
export function withConfigTable(readme: string): string {
  const start = readme.indexOf(CONFIG_TABLE_START);
  const end = readme.indexOf(CONFIG_TABLE_END);
  if (start < 0 || end < start) throw new Error('README has no config-table markers');
  return `${readme.slice(0, start + CONFIG_TABLE_START.length)}\n${renderConfigTable()}\n${readme.slice(end)}`;
}
