export * from './lib/server-backup';
