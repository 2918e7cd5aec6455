/* eslint-disable */
const { transformIgnorePatterns } = require('../../tools/local-services/src/jest/esm-transform');

export default {
  displayName: 'deploy-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  transformIgnorePatterns,
  globalSetup: '../../tools/local-services/src/jest/global-setup.ts',
  globalTeardown: '../../tools/local-services/src/jest/global-teardown.ts',
  testTimeout: 120000,
  moduleFileExtensions: ['ts', 'js'],
  coverageDirectory: '../../coverage/apps/deploy-e2e',
};
