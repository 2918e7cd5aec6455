/* eslint-disable */
export default {
  displayName: 'server-database',
  preset: '../../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  globalSetup: '../../../tools/local-services/src/jest/global-setup.ts',
  globalTeardown: '../../../tools/local-services/src/jest/global-teardown.ts',
  testTimeout: 60000,
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../../coverage/libs/server/database',
};
