import { BackupStore, BackupStoreOptions } from './backup-store';

/** The configuration keys the backup store reads (a subset of the server env). */
export interface BackupConfig {
  WEBDAV_URL?: string;
  WEBDAV_USERNAME?: string;
  WEBDAV_PASSWORD?: string;
  WEBDAV_PREFIX: string;
}

export type BackupTarget = { enabled: false; reason: string } | { enabled: true; target: string };

/** A store for the configured server, or null when WEBDAV_URL is unset (backups disabled). */
export function backupStoreFromConfig(config: BackupConfig, options: Partial<Omit<BackupStoreOptions, 'url' | 'prefix'>> = {}): BackupStore | null {
  if (!config.WEBDAV_URL) return null;
  return new BackupStore({
    url: config.WEBDAV_URL,
    username: config.WEBDAV_USERNAME,
    password: config.WEBDAV_PASSWORD,
    prefix: config.WEBDAV_PREFIX,
    ...options,
  });
}

/** What an admin summary shows about the backup destination; never credentials. */
export function describeBackupTarget(config: BackupConfig): BackupTarget {
  if (!config.WEBDAV_URL) return { enabled: false, reason: 'Backups are disabled: WEBDAV_URL is not set.' };
  const url = new URL(config.WEBDAV_URL);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  const prefix = `/${config.WEBDAV_PREFIX.split('/').filter(Boolean).join('/')}`;
  return { enabled: true, target: `${url.toString().replace(/\/+$/, '')}${prefix === '/' ? '' : prefix}` };
}
