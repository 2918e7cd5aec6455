// Jest config for Stryker (`npm run mutation`): unit specs only. Each mutant
// reruns the specs that cover it, so integration specs (real servers started
// by a global setup) would make a run take hours on two cores; the mutated
// modules are pure functions or services whose repositories the unit specs
// mock.
const { nxPreset } = require('@nx/jest/preset/jest-preset');
const { transformIgnorePatterns } = require('../local-services/src/jest/esm-transform');
const { compilerOptions } = require('../../tsconfig.base.json');

// Stryker runs the specs in a sandbox copy of the repository, where the Nx
// resolver no longer finds the workspace's path aliases; map them here.
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias.replace(/[/.]/g, '\\$&')}$`, `<rootDir>/${target}`]),
);

module.exports = {
  ...nxPreset,
  rootDir: '../..',
  displayName: 'mutation',
  testEnvironment: 'node',
  // Each area's stryker config narrows testMatch to the specs of its modules.
  testTimeout: 60000,
  roots: [
    '<rootDir>/apps/api/src/app/upload', '<rootDir>/apps/api/src/app/download', '<rootDir>/apps/api/src/app/auth',
    '<rootDir>/apps/api/src/app/admin', '<rootDir>/apps/worker/src/app/backup', '<rootDir>/libs/server/drive',
    '<rootDir>/libs/server/backup', '<rootDir>/libs/contracts/src',
  ],
  testMatch: ['**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tools/mutation/tsconfig.json' }],
  },
  transformIgnorePatterns,
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'html'],
};
