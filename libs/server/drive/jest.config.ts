/* eslint-disable */
// gaxios 7 loads node-fetch v3 (ESM-only) through `await import()`. Jest cannot run that
// without --experimental-vm-modules, so those packages are transpiled to CJS instead.
const esmOnly = [
  'gaxios',
  'node-fetch',
  'data-uri-to-buffer',
  'fetch-blob',
  'formdata-polyfill',
  'https-proxy-agent',
  'agent-base',
];

export default {
  displayName: 'server-drive',
  preset: '../../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  transformIgnorePatterns: [`node_modules/(?!(${esmOnly.join('|')})/)`],
  globalSetup: '../../../tools/local-services/src/jest/global-setup.ts',
  globalTeardown: '../../../tools/local-services/src/jest/global-teardown.ts',
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../../coverage/libs/server/drive',
};
