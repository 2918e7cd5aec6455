export * from './lib/backup-config';
export * from './lib/backup-path';
export * from './lib/backup-store';
export * from './lib/backup-store-error';
export * from './lib/backup-store.module';
