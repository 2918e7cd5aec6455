/* eslint-disable */
const { transformIgnorePatterns } = require('../../tools/local-services/src/jest/esm-transform');

export default {
  displayName: 'web-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  transformIgnorePatterns,
  globalSetup: '../../tools/local-services/src/jest/global-setup.ts',
  globalTeardown: '../../tools/local-services/src/jest/global-teardown.ts',
  testTimeout: 180000,
  // Each file runs the whole product and a browser; one at a time keeps timings honest.
  maxWorkers: 1,
  moduleFileExtensions: ['ts', 'js'],
  coverageDirectory: '../../coverage/apps/web-e2e',
};
