export * from './lib/database.module';
export * from './lib/ping-database';
export * from './lib/secret-box';
export * from './lib/daily-usage.repository';
export * from './lib/files/file.repository';
export * from './lib/files/file.schema';
export * from './lib/user-storage.repository';
