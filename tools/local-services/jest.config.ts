/* eslint-disable */
export default {
  displayName: 'local-services',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  moduleFileExtensions: ['ts', 'js'],
  testTimeout: 180000,
  coverageDirectory: '../../coverage/tools/local-services',
};
