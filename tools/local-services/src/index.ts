export * from './binaries';
export * from './free-port';
export * from './local-services';
export * from './managed-process';
export * from './mongo';
export * from './redis';
export * from './repo-root';
export * from './app-process';
