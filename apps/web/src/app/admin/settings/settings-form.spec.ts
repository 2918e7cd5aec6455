import { AdminSettings } from '../core/admin-api.service';
import { diffSettings, GiB, MiB, parseExtensions, toForm } from './settings-form';

const settings: AdminSettings = {
  registrationOpen: true,
  passwordMinLength: 8,
  defaultStorageQuotaBytes: 10 * GiB,
  maxLoginAttempts: 5,
  loginLockoutMinutes: 15,
  passwordResetTtlMinutes: 30,
  maintenanceMode: false,
  maintenanceMessage: '',
  maxFilesPerBatch: 20,
  anonymousUploadsAllowed: true,
  anonymousMaxFileBytes: 1.5 * MiB + 1,
  anonymousDailyBytes: 2 * GiB,
  userMaxFileBytes: 100 * MiB,
  userDailyBytes: 10 * GiB,
  absoluteMaxFileBytes: 10 * GiB,
  blockedExtensions: ['.exe'],
  blockedMimeTypes: [],
  uploadSessionTtlHours: 24,
};

describe('settings form', () => {
  it('sends nothing when nothing changed, even for values that are not whole MiB', () => {
    expect(diffSettings(settings, toForm(settings))).toEqual({});
  });

  it('sends only what changed, converted to bytes', () => {
    const f = { ...toForm(settings), registrationOpen: false, userMaxFileMiB: 250, userDailyGiB: 0.5, maxFilesPerBatch: 5, blockedExtensions: 'exe, BAT sh' };
    expect(diffSettings(settings, f)).toEqual({ registrationOpen: false, userMaxFileBytes: 250 * MiB, userDailyBytes: GiB / 2, maxFilesPerBatch: 5, blockedExtensions: ['.exe', '.bat', '.sh'] });
  });

  it('normalises blocked extensions', () => {
    expect(parseExtensions(' .EXE,exe;  js ')).toEqual(['.exe', '.js']);
    expect(parseExtensions('')).toEqual([]);
  });
});
