export * from './lib/upload-ledger';
export * from './lib/uploads-data.module';
export * from './lib/backup-store.provider';
export * from './lib/backup-jobs';
