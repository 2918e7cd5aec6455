export * from './lib/database.module';
export * from './lib/ping-database';
