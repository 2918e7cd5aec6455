import { AdminSettings } from '../core/admin-api.service';

export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;

/** The settings form in the units people think in (MiB per file, GiB per day). */
export interface SettingsForm {
  registrationOpen: boolean;
  maintenanceMode: boolean;
  maintenanceMessage: string;
  anonymousUploadsAllowed: boolean;
  anonymousMaxFileMiB: number;
  anonymousDailyGiB: number;
  userMaxFileMiB: number;
  userDailyGiB: number;
  absoluteMaxFileMiB: number;
  maxFilesPerBatch: number;
  blockedExtensions: string;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export function toForm(s: AdminSettings): SettingsForm {
  return {
    registrationOpen: s.registrationOpen,
    maintenanceMode: s.maintenanceMode,
    maintenanceMessage: s.maintenanceMessage,
    anonymousUploadsAllowed: s.anonymousUploadsAllowed,
    anonymousMaxFileMiB: round(s.anonymousMaxFileBytes / MiB),
    anonymousDailyGiB: round(s.anonymousDailyBytes / GiB),
    userMaxFileMiB: round(s.userMaxFileBytes / MiB),
    userDailyGiB: round(s.userDailyBytes / GiB),
    absoluteMaxFileMiB: round(s.absoluteMaxFileBytes / MiB),
    maxFilesPerBatch: s.maxFilesPerBatch,
    blockedExtensions: s.blockedExtensions.join(', '),
  };
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

/**
 * Only what changed, in bytes; a value shown rounded and left alone is not sent
 * back (so 1.5 MiB stays exactly what the server had).
 */
export function diffSettings(before: AdminSettings, form: SettingsForm): Partial<AdminSettings> {
  const was = toForm(before);
  const patch: Partial<AdminSettings> = {};
  const bytes = (key: 'anonymousMaxFileBytes' | 'anonymousDailyBytes' | 'userMaxFileBytes' | 'userDailyBytes' | 'absoluteMaxFileBytes', field: keyof SettingsForm, unit: number) => {
    if (form[field] !== was[field]) patch[key] = Math.round(Number(form[field]) * unit);
  };
  if (form.registrationOpen !== was.registrationOpen) patch.registrationOpen = form.registrationOpen;
  if (form.maintenanceMode !== was.maintenanceMode) patch.maintenanceMode = form.maintenanceMode;
  if (form.maintenanceMessage !== was.maintenanceMessage) patch.maintenanceMessage = form.maintenanceMessage;
  if (form.anonymousUploadsAllowed !== was.anonymousUploadsAllowed) patch.anonymousUploadsAllowed = form.anonymousUploadsAllowed;
  bytes('anonymousMaxFileBytes', 'anonymousMaxFileMiB', MiB);
  bytes('anonymousDailyBytes', 'anonymousDailyGiB', GiB);
  bytes('userMaxFileBytes', 'userMaxFileMiB', MiB);
  bytes('userDailyBytes', 'userDailyGiB', GiB);
  bytes('absoluteMaxFileBytes', 'absoluteMaxFileMiB', MiB);
  if (Number(form.maxFilesPerBatch) !== was.maxFilesPerBatch) patch.maxFilesPerBatch = Number(form.maxFilesPerBatch);
  const exts = parseExtensions(form.blockedExtensions);
  if (exts.join(',') !== before.blockedExtensions.join(',')) patch.blockedExtensions = exts;
  return patch;
}
