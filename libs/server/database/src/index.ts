export * from './lib/database.module';
export * from './lib/ping-database';
export * from './lib/secret-box';
