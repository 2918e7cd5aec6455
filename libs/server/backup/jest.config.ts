/* eslint-disable */
const { transformIgnorePatterns } = require('../../../tools/local-services/src/jest/esm-transform');

export default {
  displayName: 'server-backup',
  preset: '../../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  // webdav 5 and its dependencies ship only ES modules.
  transformIgnorePatterns,
  // Apache mod_dav (the WebDAV stand-in) with FerretDB and Redis, once per run.
  globalSetup: '../../../tools/local-services/src/jest/global-setup.ts',
  globalTeardown: '../../../tools/local-services/src/jest/global-teardown.ts',
  testTimeout: 120000,
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../../coverage/libs/server/backup',
};
