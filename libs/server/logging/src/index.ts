export * from './lib/json-logger';
