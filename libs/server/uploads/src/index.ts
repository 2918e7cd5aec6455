export * from './lib/upload-ledger';
