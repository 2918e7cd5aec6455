import { AdminSettingKey, AdminSettings, adminSettingsSchema } from '@ddx/contracts';

import {
  buildPatch,
  GiB,
  groupKeys,
  MiB,
  numberBounds,
  parseExtensions,
  parseMimeTypes,
  parseSetting,
  serverFieldErrors,
  SETTING_FIELDS,
  SETTING_KEYS,
  SettingField,
  SETTINGS_GROUPS,
  SettingsFormValues,
  toFormValues,
} from './settings-form';
import { SETTINGS } from './settings.fixture';

const form = (over: Partial<SettingsFormValues> = {}): SettingsFormValues => ({ ...toFormValues(SETTINGS), ...over });
const errorOf = (key: AdminSettingKey, raw: SettingsFormValues[AdminSettingKey]) => {
  const r = parseSetting(key, raw);
  return r.ok ? null : r.error;
};

/** A different value the form could hold for `key` that the contract accepts. */
function anotherValue(key: AdminSettingKey, now: SettingsFormValues[AdminSettingKey]): SettingsFormValues[AdminSettingKey] {
  const field = SETTING_FIELDS[key] as SettingField;
  switch (field.kind) {
    case 'toggle':
      return !now;
    case 'text':
      return `${String(now)} changed`;
    case 'list':
      return field.item === 'extension' ? `${String(now)}, .zzz` : `${String(now)}, application/x-test`;
    case 'number': {
      const { min, max } = numberBounds(key);
      const n = now === null ? (min ?? 0) : Number(now);
      return max !== null && n + 1 > max ? n - 1 : n + 1;
    }
  }
}

describe('settings form', () => {
  it('has a field in a known group for every setting of the contract, and nothing else', () => {
    expect([...SETTING_KEYS].sort()).toEqual(Object.keys(adminSettingsSchema.shape).sort());
    const groups = SETTINGS_GROUPS.map((g) => g.id);
    expect(groups).toEqual(['access', 'uploads', 'security', 'maintenance', 'backups', 'logs', 'monitoring']);
    for (const key of SETTING_KEYS) expect(groups).toContain(SETTING_FIELDS[key].group);
    expect(SETTINGS_GROUPS.flatMap((g) => groupKeys(g.id)).sort()).toEqual([...SETTING_KEYS].sort());
    for (const g of SETTINGS_GROUPS) expect(groupKeys(g.id).length).toBeGreaterThan(0);
    expect(adminSettingsSchema.safeParse(SETTINGS).success).toBe(true);
  });

  it('maps every setting both ways: a changed value is sent for that key alone, in the contract type', () => {
    for (const key of SETTING_KEYS) {
      const values = form();
      values[key] = anotherValue(key, values[key]);
      const { patch, errors } = buildPatch(SETTINGS, values);
      expect({ key, errors }).toEqual({ key, errors: {} });
      expect(Object.keys(patch)).toEqual([key]);
      expect(adminSettingsSchema.partial().strict().safeParse(patch).success).toBe(true);
    }
  });

  it('sends nothing when nothing changed, even for values that are not whole MiB', () => {
    expect(buildPatch(SETTINGS, form())).toEqual({ patch: {}, errors: {} });
    // typed back as the same number (a string from the input) is no change either
    expect(buildPatch(SETTINGS, form({ anonymousMaxFileBytes: '1.5', maxFilesPerBatch: '20', blockedExtensions: 'EXE' })).patch).toEqual({});
  });

  it('sends only what changed, converted to bytes', () => {
    const values = form({ registrationOpen: false, userMaxFileBytes: 250, userDailyBytes: 0.5, maxFilesPerBatch: 5, blockedExtensions: 'exe, BAT sh', alertProcessMemoryMaxBytes: 512 });
    expect(buildPatch(SETTINGS, values)).toEqual({
      patch: {
        registrationOpen: false,
        userMaxFileBytes: 250 * MiB,
        userDailyBytes: GiB / 2,
        maxFilesPerBatch: 5,
        blockedExtensions: ['.exe', '.bat', '.sh'],
        alertProcessMemoryMaxBytes: 512 * MiB,
      },
      errors: {},
    });
  });

  it('takes its bounds from the contract, in the unit each field shows', () => {
    expect(numberBounds('maxFilesPerBatch')).toEqual({ min: 1, max: 100, integer: true, step: '1' });
    expect(numberBounds('passwordMinLength')).toEqual({ min: 8, max: 256, integer: true, step: '1' });
    expect(numberBounds('loginLockoutMinutes')).toEqual({ min: 1, max: 1440, integer: true, step: '1' });
    expect(numberBounds('passwordResetTtlMinutes')).toMatchObject({ min: 5, max: 1440 });
    expect(numberBounds('uploadSessionTtlHours')).toMatchObject({ min: 1, max: 168 });
    expect(numberBounds('backupConcurrency')).toEqual({ min: 1, max: 8, integer: true, step: '1' });
    for (const key of ['activityLogRetentionDays', 'accessLogRetentionDays', 'errorLogRetentionDays'] as const) expect(numberBounds(key)).toEqual({ min: 0, max: 3650, integer: true, step: '1' });
    expect(numberBounds('alertDiskFreeMinPercent')).toEqual({ min: 0, max: 100, integer: false, step: 'any' });
    expect(numberBounds('alertBackupQueueDepthMax')).toEqual({ min: 0, max: null, integer: true, step: '1' });
    // bytes shown in MiB: 1 byte is the least, no upper bound, fractions allowed
    expect(numberBounds('userMaxFileBytes')).toEqual({ min: 1 / MiB, max: null, integer: true, step: 'any' });
    expect(numberBounds('defaultStorageQuotaBytes')).toEqual({ min: 0, max: null, integer: true, step: 'any' });
  });

  it('refuses values outside the bounds with a message in the field unit', () => {
    expect(errorOf('maxFilesPerBatch', 0)).toBe('Must be from 1 to 100.');
    expect(errorOf('maxFilesPerBatch', 101)).toBe('Must be from 1 to 100.');
    expect(errorOf('maxFilesPerBatch', 100)).toBeNull();
    expect(errorOf('maxFilesPerBatch', 2.5)).toBe('Enter a whole number.');
    expect(errorOf('maxFilesPerBatch', null)).toBe('Required.');
    expect(errorOf('maxFilesPerBatch', 'abc')).toBe('Enter a number.');
    expect(errorOf('passwordMinLength', 7)).toBe('Must be from 8 to 256 characters.');
    expect(errorOf('loginLockoutMinutes', 1441)).toBe('Must be from 1 to 1440 minutes.');
    expect(errorOf('errorLogRetentionDays', 3651)).toBe('Must be from 0 to 3650 days.');
    expect(errorOf('errorLogRetentionDays', 0)).toBeNull(); // 0 = keep forever
    expect(errorOf('errorLogRetentionDays', -1)).toBe('Must be from 0 to 3650 days.');
    expect(errorOf('alertDiskFreeMinPercent', 12.5)).toBeNull();
    expect(errorOf('alertDiskFreeMinPercent', 100.5)).toBe('Must be from 0 to 100%.');
    expect(errorOf('userMaxFileBytes', 0)).toBe('Must be more than 0 MiB.');
    expect(errorOf('userMaxFileBytes', 0.001)).toBeNull(); // about 1 KiB, still a whole byte count
    expect(errorOf('userDailyBytes', -1)).toBe('Cannot be negative.');
    expect(errorOf('alertBackupFailures24hMax', -1)).toBe('Cannot be negative.');
    expect(errorOf('alertBackupQueueDepthMax', 1.5)).toBe('Enter a whole number.');
    expect(errorOf('defaultStorageQuotaBytes', 1e300)).toBe('That is too large.');
    expect(errorOf('maintenanceMessage', 'x'.repeat(500))).toBeNull();
    expect(errorOf('maintenanceMessage', 'x'.repeat(501))).toBe('At most 500 characters.');
  });

  it('reports invalid values as errors instead of sending them', () => {
    const { patch, errors } = buildPatch(SETTINGS, form({ maxFilesPerBatch: 0, registrationOpen: false, accessLogRetentionDays: null }));
    expect(errors).toEqual({ maxFilesPerBatch: 'Must be from 1 to 100.', accessLogRetentionDays: 'Required.' });
    expect(patch).toEqual({ registrationOpen: false });
  });

  it('treats an empty backup concurrency as null (each worker keeps its BACKUP_CONCURRENCY)', () => {
    expect(toFormValues(SETTINGS).backupConcurrency).toBeNull();
    expect(buildPatch(SETTINGS, form({ backupConcurrency: null })).patch).toEqual({});
    expect(buildPatch(SETTINGS, form({ backupConcurrency: '' })).patch).toEqual({});
    expect(buildPatch(SETTINGS, form({ backupConcurrency: 3 })).patch).toEqual({ backupConcurrency: 3 });
    expect(errorOf('backupConcurrency', 0)).toBe('Must be from 1 to 8.');
    expect(errorOf('backupConcurrency', 9)).toBe('Must be from 1 to 8.');
    expect(errorOf('backupConcurrency', 1.5)).toBe('Enter a whole number.');

    const set: AdminSettings = { ...SETTINGS, backupConcurrency: 4 };
    expect(toFormValues(set).backupConcurrency).toBe(4);
    expect(buildPatch(set, { ...toFormValues(set), backupConcurrency: null }).patch).toEqual({ backupConcurrency: null });
    expect(buildPatch(set, { ...toFormValues(set), backupConcurrency: ' ' }).patch).toEqual({ backupConcurrency: null });
    expect(buildPatch(set, { ...toFormValues(set), backupConcurrency: '4' }).patch).toEqual({});
  });

  it('normalises and checks the blocked lists', () => {
    expect(parseExtensions(' .EXE,exe;  js ')).toEqual(['.exe', '.js']);
    expect(parseExtensions('')).toEqual([]);
    expect(parseMimeTypes('Application/X-SH, application/x-sh\ntext/x-script')).toEqual(['application/x-sh', 'text/x-script']);
    expect(errorOf('blockedExtensions', '.exe, .ta-r')).toBe('“.ta-r” is not an extension: a dot, then letters or digits, like .exe.');
    expect(errorOf('blockedMimeTypes', 'application/x-sh, ab')).toBe('“ab” is not a MIME type, like application/x-msdownload.');
    expect(errorOf('blockedExtensions', Array.from({ length: 501 }, (_, i) => `.e${i}`).join(' '))).toBe('At most 500 entries.');
    expect(buildPatch(SETTINGS, form({ blockedExtensions: '', blockedMimeTypes: '' })).patch).toEqual({ blockedExtensions: [], blockedMimeTypes: [] });
  });

  it('files the api validation details under their settings', () => {
    expect(
      serverFieldErrors([
        { path: 'body.maxFilesPerBatch', message: 'Too big: expected number to be <=100' },
        { path: 'body.blockedExtensions.3', message: 'Invalid string' },
        { path: 'body', message: 'Unrecognized key: "nonsense"' },
      ]),
    ).toEqual({
      fields: { maxFilesPerBatch: 'Too big: expected number to be <=100', blockedExtensions: 'Invalid string' },
      other: ['body: Unrecognized key: "nonsense"'],
    });
    expect(serverFieldErrors(undefined)).toEqual({ fields: {}, other: [] });
  });
});
