export * from './lib/upload-ledger';
export * from './lib/uploads-data.module';
// The backup store module lives in @ddx/server-backup; the download feature still imports the token from here.
export { BACKUP_STORE, BackupStoreModule } from '@ddx/server-backup';
