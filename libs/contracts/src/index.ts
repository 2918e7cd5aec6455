export * from './lib/auth.schema';
export * from './lib/error.schema';
export * from './lib/health.schema';
export * from './lib/permissions';
export * from './lib/routes';
export * from './lib/upload.schema';
export * from './lib/download.schema';
