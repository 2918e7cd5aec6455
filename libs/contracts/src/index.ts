export * from './lib/error.schema';
export * from './lib/health.schema';
export * from './lib/routes';
