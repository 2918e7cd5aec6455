// Mutation testing (`npm run mutation`, README "Mutation testing"): Stryker
// breaks the modules that guard data and access one small change at a time
// and reruns the unit specs that cover each change; a change no spec notices
// is a safeguard the suite would let regress.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'tools/mutation/jest.config.js',
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  mutate: [
    'apps/api/src/app/upload/upload-policy.ts',
    'apps/api/src/app/upload/filename-sanitizer.ts',
    'apps/api/src/app/upload/resumable-md5.ts',
    'apps/api/src/app/upload/upload-socket.session.ts',
    'apps/api/src/app/download/byte-range.ts',
    'apps/api/src/app/download/file-source.service.ts',
    'apps/api/src/app/download/preview-type.ts',
    'libs/server/drive/src/lib/drive-error-mapper.ts',
    'libs/server/drive/src/lib/pool/drive-account-pool.ts',
    'apps/worker/src/app/backup/backup.processor.ts',
    'libs/server/backup/src/lib/backup-store.ts',
    'libs/contracts/src/lib/permissions.ts',
    'apps/api/src/app/auth/guards/*.guard.ts',
    'apps/api/src/app/auth/access-token.service.ts',
    'apps/api/src/app/auth/principal.service.ts',
    'apps/api/src/app/auth/rate-limiter.service.ts',
  ],
  // Only the source the unit specs load is copied to the sandbox.
  ignorePatterns: ['/dist', '/.data', '/.nx', '/.angular', '/coverage', '/tmp', '/apps/web', '/apps/web-e2e',
    '/apps/deploy-e2e', '/tools/ferretdb', '/tools/bench', '/docs', '/deploy', '/docker', '/nginx'],
  concurrency: 1,
  timeoutMS: 10000,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: 80 },
  tempDirName: '.stryker-tmp',
};
