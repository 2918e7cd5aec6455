export * from './lib/json-logger';
export * from './lib/exit-on-unexpected-errors';
