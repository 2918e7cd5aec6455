const GiB = 1024 ** 3;

/** Upload rules an admin can change (settings), with the original product's defaults. */
export interface UploadSettings {
  maintenanceMode: boolean;
  maintenanceMessage: string;
  maxFilesPerBatch: number;
  anonymousUploadsAllowed: boolean;
  anonymousMaxFileBytes: number;
  anonymousDailyBytes: number;
  userMaxFileBytes: number;
  userDailyBytes: number;
  absoluteMaxFileBytes: number;
  blockedExtensions: string[];
  blockedMimeTypes: string[];
  uploadSessionTtlHours: number;
}

export const UPLOAD_SETTINGS_DEFAULTS: Readonly<UploadSettings> = Object.freeze<UploadSettings>({
  maintenanceMode: false,
  maintenanceMessage: 'DirectDriveX is down for maintenance. Please come back shortly.',
  maxFilesPerBatch: 5,
  anonymousUploadsAllowed: true,
  anonymousMaxFileBytes: 2 * GiB,
  anonymousDailyBytes: 2 * GiB,
  userMaxFileBytes: 5 * GiB,
  userDailyBytes: 5 * GiB,
  absoluteMaxFileBytes: 10 * GiB,
  blockedExtensions: ['.exe', '.bat', '.scr', '.com', '.cmd', '.ps1', '.vbs', '.jar', '.msi', '.deb', '.rpm', '.dmg', '.pkg', '.app', '.pif', '.scf', '.lnk', '.inf', '.reg'],
  blockedMimeTypes: [
    'application/x-msdownload',
    'application/x-executable',
    'application/executable',
    'application/x-winexe',
    'application/x-msdos-program',
    'application/x-dosexec',
    'application/x-ms-dos-executable',
    'application/x-bat',
    'application/x-sh',
  ],
  uploadSessionTtlHours: 24,
});
