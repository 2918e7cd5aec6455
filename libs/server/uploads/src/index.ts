export * from './lib/upload-ledger';
export * from './lib/uploads-data.module';
