import { AdminSettingKey, AdminSettings, adminSettingsSchema } from '@ddx/contracts';
import { z } from 'zod';

export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;

export type SettingsGroupId = 'access' | 'uploads' | 'security' | 'maintenance' | 'backups' | 'logs' | 'monitoring';

export interface SettingsGroup {
  id: SettingsGroupId;
  title: string;
  description: string;
}

export const SETTINGS_GROUPS: readonly SettingsGroup[] = [
  { id: 'access', title: 'Access & registration', description: 'Who may create an account, and the storage a new account gets.' },
  { id: 'uploads', title: 'Uploads & limits', description: 'Size limits per file and per day, batch size and blocked file types. The hard cap wins over every other limit.' },
  { id: 'security', title: 'Security & passwords', description: 'Password policy, sign-in lockout and password-reset links.' },
  { id: 'maintenance', title: 'Maintenance', description: 'While on, everyone but admins gets “service unavailable” with your message. Health checks, sign-in and the admin area stay open.' },
  { id: 'backups', title: 'Backups', description: 'How hard the workers copy files to the backup store.' },
  { id: 'logs', title: 'Logs retention', description: 'The worker deletes older entries once a day. 0 keeps entries forever.' },
  { id: 'monitoring', title: 'Monitoring alerts', description: 'The monitoring page raises an alert when one of these thresholds is crossed.' },
];

interface FieldBase {
  group: SettingsGroupId;
  label: string;
  hint?: string;
}
export interface ToggleField extends FieldBase {
  kind: 'toggle';
}
export interface NumberField extends FieldBase {
  kind: 'number';
  /** Shown and typed in this unit; the setting itself is bytes. */
  unit?: 'MiB' | 'GiB';
  /** Unit words after the number in messages, e.g. "minutes". */
  suffix?: string;
  /** Only for nullable settings: what an empty box means. */
  emptyLabel?: string;
}
export interface TextField extends FieldBase {
  kind: 'text';
  rows: number;
}
export interface ListField extends FieldBase {
  kind: 'list';
  item: 'extension' | 'mime';
}
export type SettingField = ToggleField | NumberField | TextField | ListField;

type FieldFor<V> = V extends boolean ? ToggleField : V extends readonly string[] ? ListField : V extends string ? TextField : NumberField;

/**
 * How the page shows each setting. Typed per key, so a setting added to the
 * contract does not compile until it has a field here (and the contract spec
 * ties the contract to the api's definitions). Order within a group is the
 * order of this object.
 */
export const SETTING_FIELDS: { readonly [K in AdminSettingKey]: FieldFor<AdminSettings[K]> } = {
  registrationOpen: { group: 'access', kind: 'toggle', label: 'Registration open', hint: 'Anyone may create an account, with a password or at their first Google sign-in.' },
  defaultStorageQuotaBytes: { group: 'access', kind: 'number', unit: 'GiB', label: 'Storage quota for new accounts (GiB)', hint: 'Existing accounts keep their quota.' },

  anonymousUploadsAllowed: { group: 'uploads', kind: 'toggle', label: 'Anonymous uploads allowed', hint: 'People who are not signed in may upload.' },
  anonymousMaxFileBytes: { group: 'uploads', kind: 'number', unit: 'MiB', label: 'Anonymous: max per file (MiB)' },
  anonymousDailyBytes: { group: 'uploads', kind: 'number', unit: 'GiB', label: 'Anonymous: per day and address (GiB)' },
  userMaxFileBytes: { group: 'uploads', kind: 'number', unit: 'MiB', label: 'Signed-in: max per file (MiB)' },
  userDailyBytes: { group: 'uploads', kind: 'number', unit: 'GiB', label: 'Signed-in: per day (GiB)' },
  absoluteMaxFileBytes: { group: 'uploads', kind: 'number', unit: 'MiB', label: 'Hard cap per file (MiB)', hint: 'For everyone, whatever the other limits say.' },
  maxFilesPerBatch: { group: 'uploads', kind: 'number', label: 'Max files per batch' },
  uploadSessionTtlHours: { group: 'uploads', kind: 'number', suffix: 'hours', label: 'Unfinished upload expires after (hours)', hint: 'Its reserved space is freed then.' },
  uploadInitiationsPerHourPerClient: { group: 'uploads', kind: 'number', suffix: 'files', label: 'Anonymous: uploads started per hour and address', hint: 'Each start opens a Drive session; more answer “too many requests”.' },
  uploadInitiationsPerHourPerUser: { group: 'uploads', kind: 'number', suffix: 'files', label: 'Signed in: uploads started per hour and user' },
  maxUploadsInProgress: { group: 'uploads', kind: 'number', suffix: 'uploads', label: 'Unfinished uploads at once (per user or address)', hint: 'People finish or cancel one before starting another.' },
  uploadRecordRetentionDays: { group: 'uploads', kind: 'number', suffix: 'days', label: 'Keep records of cancelled, failed and expired uploads (days)', hint: 'The worker deletes older ones once a day. 0 keeps them forever.' },
  zipStreamsPerClient: { group: 'uploads', kind: 'number', suffix: 'downloads', label: 'Batch ZIP downloads at once per address' },
  zipStreamsTotal: { group: 'uploads', kind: 'number', suffix: 'downloads', label: 'Batch ZIP downloads at once in all' },
  blockedExtensions: { group: 'uploads', kind: 'list', item: 'extension', label: 'Blocked extensions', hint: 'Separated by commas or spaces, e.g. .exe, .bat' },
  blockedMimeTypes: { group: 'uploads', kind: 'list', item: 'mime', label: 'Blocked MIME types', hint: 'Separated by commas or spaces, e.g. application/x-msdownload' },

  passwordMinLength: { group: 'security', kind: 'number', suffix: 'characters', label: 'Minimum password length', hint: 'For new and changed passwords.' },
  maxLoginAttempts: { group: 'security', kind: 'number', label: 'Failed sign-ins before lockout' },
  loginLockoutMinutes: { group: 'security', kind: 'number', suffix: 'minutes', label: 'Lockout (minutes)' },
  passwordResetTtlMinutes: { group: 'security', kind: 'number', suffix: 'minutes', label: 'Password-reset link valid for (minutes)' },

  maintenanceMode: { group: 'maintenance', kind: 'toggle', label: 'Maintenance mode', hint: 'Uploads, downloads and account requests answer 503 for everyone but admins.' },
  maintenanceMessage: { group: 'maintenance', kind: 'text', rows: 3, label: 'Maintenance message', hint: 'Shown to people while maintenance mode is on.' },

  backupConcurrency: {
    group: 'backups',
    kind: 'number',
    label: 'Backup copies per worker at once',
    emptyLabel: 'Worker default',
    hint: "Leave empty to use each worker's BACKUP_CONCURRENCY. Running copies finish first when lowered.",
  },

  activityLogRetentionDays: { group: 'logs', kind: 'number', suffix: 'days', label: 'Activity log (days)' },
  accessLogRetentionDays: { group: 'logs', kind: 'number', suffix: 'days', label: 'Access log (days)' },
  errorLogRetentionDays: { group: 'logs', kind: 'number', suffix: 'days', label: 'Error log (days)' },

  alertDiskFreeMinPercent: { group: 'monitoring', kind: 'number', suffix: '%', label: 'Free disk space below (%)', hint: 'Of the file system holding DATA_DIR.' },
  alertProcessMemoryMaxBytes: { group: 'monitoring', kind: 'number', unit: 'MiB', label: 'Api process memory above (MiB)', hint: 'Resident memory of one api process.' },
  alertBackupFailures24hMax: { group: 'monitoring', kind: 'number', label: 'Failed backups in 24 hours above' },
  alertBackupQueueDepthMax: { group: 'monitoring', kind: 'number', label: 'Backup jobs waiting above' },
  alertUnhealthyAccountsMax: { group: 'monitoring', kind: 'number', label: 'Unhealthy Drive accounts above' },
};

export const SETTING_KEYS = Object.keys(SETTING_FIELDS) as AdminSettingKey[];

export function groupKeys(group: SettingsGroupId): AdminSettingKey[] {
  return SETTING_KEYS.filter((key) => SETTING_FIELDS[key].group === group);
}

/** What the form holds: booleans, text, lists as text, numbers in their display unit (null when the box is empty). */
export type SettingsFormValue = boolean | string | number | null;
export type SettingsFormValues = Record<AdminSettingKey, SettingsFormValue>;
export type SettingsErrors = Partial<Record<AdminSettingKey, string>>;

const UNIT: Record<'MiB' | 'GiB', number> = { MiB, GiB };
const round3 = (n: number) => Math.round(n * 1000) / 1000;

function fieldSchema(key: AdminSettingKey): z.ZodType {
  return adminSettingsSchema.shape[key];
}

function numberSchema(key: AdminSettingKey): z.ZodNumber {
  let schema: z.ZodType = fieldSchema(key);
  if (schema instanceof z.ZodNullable) schema = schema.unwrap() as z.ZodType;
  if (!(schema instanceof z.ZodNumber)) throw new Error(`${key} is not a number setting`);
  return schema;
}

export function isNullable(key: AdminSettingKey): boolean {
  return fieldSchema(key).safeParse(null).success;
}

export interface NumberBounds {
  /** In the display unit; null when unbounded. */
  min: number | null;
  max: number | null;
  integer: boolean;
  /** For `<input step>`: whole numbers unless shown in MiB/GiB or the setting allows fractions. */
  step: string;
}

/** The contract's bounds, in the unit the field shows. */
export function numberBounds(key: AdminSettingKey): NumberBounds {
  const field = SETTING_FIELDS[key] as SettingField;
  const schema = numberSchema(key);
  const factor = field.kind === 'number' && field.unit ? UNIT[field.unit] : 1;
  const finite = (n: number | null) => (n === null || !Number.isFinite(n) || Math.abs(n) >= Number.MAX_SAFE_INTEGER ? null : n / factor);
  return { min: finite(schema.minValue), max: finite(schema.maxValue), integer: schema.isInt, step: schema.isInt && factor === 1 ? '1' : 'any' };
}

/** `exe, .BAT  sh` → [".exe", ".bat", ".sh"] (deduplicated). */
export function parseExtensions(text: string): string[] {
  const out = text
    .split(/[\s,;]+/)
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean)
    .map((e) => (e.startsWith('.') ? e : `.${e}`));
  return [...new Set(out)];
}

/** MIME types separated by commas, semicolons or white space; lower-cased, deduplicated. */
export function parseMimeTypes(text: string): string[] {
  const out = text
    .split(/[\s,;]+/)
    .map((m) => m.trim().toLowerCase())
    .filter(Boolean);
  return [...new Set(out)];
}

export function toFormValues(s: AdminSettings): SettingsFormValues {
  const values = {} as SettingsFormValues;
  for (const key of SETTING_KEYS) {
    const field = SETTING_FIELDS[key] as SettingField;
    const value = s[key];
    if (field.kind === 'list') values[key] = (value as string[]).join(', ');
    else if (field.kind === 'number') values[key] = value === null ? null : field.unit ? round3((value as number) / UNIT[field.unit]) : (value as number);
    else values[key] = value as boolean | string;
  }
  return values;
}

const plain = (n: number) => String(round3(n));

function numberMessage(key: AdminSettingKey, issue: z.core.$ZodIssue): string {
  const field = SETTING_FIELDS[key] as NumberField;
  const { min, max } = numberBounds(key);
  const words = field.unit ?? field.suffix;
  const unit = !words ? '' : words === '%' ? '%' : ` ${words}`;
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    if (field.unit && min !== null && min > 0 && min < 0.001) return `Must be more than 0${unit}.`;
    if (min !== null && max !== null) return `Must be from ${plain(min)} to ${plain(max)}${unit}.`;
    if (issue.code === 'too_small') return min === 0 ? 'Cannot be negative.' : `Must be at least ${plain(min ?? 0)}${unit}.`;
    return `Must be at most ${plain(max ?? 0)}${unit}.`;
  }
  if (issue.code === 'invalid_type') return 'Enter a whole number.';
  return issue.message;
}

function listMessage(field: ListField, items: string[], issue: z.core.$ZodIssue): string {
  if (issue.path.length === 0 && issue.code === 'too_big') return `At most ${String(issue.maximum)} entries.`;
  const item = typeof issue.path[0] === 'number' ? items[issue.path[0]] : undefined;
  if (item === undefined) return issue.message;
  return field.item === 'extension' ? `“${item}” is not an extension: a dot, then letters or digits, like .exe.` : `“${item}” is not a MIME type, like application/x-msdownload.`;
}

export type ParsedSetting = { ok: true; value: AdminSettings[AdminSettingKey] } | { ok: false; error: string };

/** One form value → the setting's value, checked against the contract's bounds with a message in the field's unit. */
export function parseSetting(key: AdminSettingKey, raw: SettingsFormValue): ParsedSetting {
  const field = SETTING_FIELDS[key] as SettingField;
  let value: unknown;
  switch (field.kind) {
    case 'toggle':
      value = raw === true;
      break;
    case 'text':
      value = raw === null ? '' : String(raw);
      break;
    case 'list':
      value = field.item === 'extension' ? parseExtensions(String(raw ?? '')) : parseMimeTypes(String(raw ?? ''));
      break;
    case 'number': {
      const text = raw === null ? '' : String(raw).trim();
      if (text === '') {
        if (isNullable(key)) return { ok: true, value: null };
        return { ok: false, error: 'Required.' };
      }
      const n = Number(text);
      if (!Number.isFinite(n)) return { ok: false, error: 'Enter a number.' };
      const number = field.unit ? Math.round(n * UNIT[field.unit]) : n;
      if (Math.abs(number) > Number.MAX_SAFE_INTEGER) return { ok: false, error: 'That is too large.' };
      value = number;
      break;
    }
  }
  const result = fieldSchema(key).safeParse(value);
  if (result.success) return { ok: true, value: result.data as AdminSettings[AdminSettingKey] };
  const issue = result.error.issues[0];
  if (!issue) return { ok: false, error: 'Not valid.' };
  if (field.kind === 'number') return { ok: false, error: numberMessage(key, issue) };
  if (field.kind === 'list') return { ok: false, error: listMessage(field, value as string[], issue) };
  if (field.kind === 'text' && issue.code === 'too_big') return { ok: false, error: `At most ${String(issue.maximum)} characters.` };
  return { ok: false, error: issue.message };
}

function sameValue(a: unknown, b: unknown): boolean {
  return Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b;
}

/** A value that is shown as it was loaded counts as unchanged (so a rounded 1.5 MiB is never sent back as a different byte count). */
function untouched(key: AdminSettingKey, loaded: SettingsFormValue, now: SettingsFormValue): boolean {
  const field = SETTING_FIELDS[key] as SettingField;
  if (field.kind !== 'number') return loaded === now;
  const text = now === null ? '' : String(now).trim();
  return loaded === null ? text === '' : text !== '' && Number(text) === loaded;
}

export interface SettingsPatch {
  /** Only what changed, in the contract's units. */
  patch: Partial<AdminSettings>;
  /** Why a changed value cannot be sent; empty when the patch may be sent. */
  errors: SettingsErrors;
}

export function buildPatch(before: AdminSettings, values: SettingsFormValues): SettingsPatch {
  const loaded = toFormValues(before);
  const patch: Partial<Record<AdminSettingKey, unknown>> = {};
  const errors: SettingsErrors = {};
  for (const key of SETTING_KEYS) {
    if (untouched(key, loaded[key], values[key])) continue;
    const parsed = parseSetting(key, values[key]);
    if (!parsed.ok) errors[key] = parsed.error;
    else if (!sameValue(parsed.value, before[key])) patch[key] = parsed.value;
  }
  return { patch: patch as Partial<AdminSettings>, errors };
}

/**
 * The api's per-field VALIDATION details (`body.maxFilesPerBatch`,
 * `body.blockedExtensions.3`) keyed by setting; the rest stays for a general alert.
 */
export function serverFieldErrors(details: readonly { path: string; message: string }[] | undefined): { fields: SettingsErrors; other: string[] } {
  const fields: SettingsErrors = {};
  const other: string[] = [];
  for (const d of details ?? []) {
    const segments = d.path.split('.');
    const key = (segments[0] === 'body' ? segments[1] : segments[0]) as AdminSettingKey | undefined;
    if (key && key in SETTING_FIELDS) fields[key] ??= d.message;
    else other.push(d.path ? `${d.path}: ${d.message}` : d.message);
  }
  return { fields, other };
}
