/* eslint-disable */
export default {
  displayName: 'bench',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  moduleFileExtensions: ['ts', 'js'],
  // No globalSetup: the harness starts its own services (FerretDB, Redis,
  // Apache WebDAV, the Drive emulator, api and worker) and stops them itself.
  coverageDirectory: '../../coverage/tools/bench',
};
