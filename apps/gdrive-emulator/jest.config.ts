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
  displayName: 'gdrive-emulator',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  transformIgnorePatterns: [`node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../coverage/apps/gdrive-emulator',
};
