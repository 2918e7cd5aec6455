import { UPLOAD_RECORD_RETENTION_DAYS_DEFAULT } from '@ddx/contracts';

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
  uploadInitiationsPerHourPerClient: number;
  uploadInitiationsPerHourPerUser: number;
  maxUploadsInProgress: number;
  uploadRecordRetentionDays: number;
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
  // Types Windows or a browser runs on a double-click; matched case-insensitively on the sanitised name.
  blockedExtensions: [
    '.exe', '.com', '.pif', '.scr', '.cpl', '.msi', '.msp', '.msc', '.bat', '.cmd',
    '.hta', '.js', '.jse', '.vbs', '.vbe', '.vb', '.wsf', '.wsh', '.ws', '.ps1', '.psm1',
    '.jar', '.lnk', '.reg', '.scf', '.inf', '.deb', '.rpm', '.dmg', '.pkg', '.app',
  ],
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
  // Each initiation opens a Drive session: generous for people, a wall for loops.
  uploadInitiationsPerHourPerClient: 100,
  uploadInitiationsPerHourPerUser: 200,
  // Abandoned uploads count until they expire, and an office behind one address shares the anonymous cap.
  maxUploadsInProgress: 50,
  uploadRecordRetentionDays: UPLOAD_RECORD_RETENTION_DAYS_DEFAULT,
});
