// Mutation testing (`npm run mutation`, README "Mutation testing"): Stryker
// breaks the modules that guard data and access one small change at a time
// and reruns the unit specs that cover each change; a change no spec notices
// is a safeguard the suite would let regress.
//
// The modules are tested in areas (MUTATION_AREA, set by tools/mutation/run.mjs),
// each against its own specs only: a mutant of a module-level constant runs
// every spec of the jest config, which over all areas at once took about a
// minute per mutant on two cores.

/** Area → the modules mutated and the unit specs that cover them (int specs never match). */
export const AREAS = {
  upload: {
    mutate: [
      'apps/api/src/app/upload/upload-policy.ts',
      'apps/api/src/app/upload/filename-sanitizer.ts',
      'apps/api/src/app/upload/resumable-md5.ts',
      'apps/api/src/app/upload/upload-socket.session.ts',
    ],
    specs: ['apps/api/src/app/upload/**/*.spec.ts'],
  },
  download: {
    mutate: ['apps/api/src/app/download/byte-range.ts', 'apps/api/src/app/download/file-source.service.ts', 'apps/api/src/app/download/preview-type.ts'],
    specs: ['apps/api/src/app/download/**/*.spec.ts'],
  },
  drive: {
    mutate: ['libs/server/drive/src/lib/drive-error-mapper.ts', 'libs/server/drive/src/lib/pool/drive-account-pool.ts'],
    specs: ['libs/server/drive/**/*.spec.ts'],
  },
  backup: {
    mutate: ['apps/worker/src/app/backup/backup.processor.ts', 'libs/server/backup/src/lib/backup-store.ts'],
    specs: ['apps/worker/src/app/backup/**/*.spec.ts', 'libs/server/backup/**/*.spec.ts'],
  },
  access: {
    mutate: [
      'libs/contracts/src/lib/permissions.ts',
      'apps/api/src/app/auth/guards/*.guard.ts',
      'apps/api/src/app/auth/access-token.service.ts',
      'apps/api/src/app/auth/principal.service.ts',
      'apps/api/src/app/auth/rate-limiter.service.ts',
    ],
    specs: [
      'libs/contracts/src/lib/{permissions,role-pairs}.spec.ts',
      'apps/api/src/app/auth/{guards/*,token-lifetimes,rate-limit*}.spec.ts',
      'apps/api/src/app/admin/users/*.spec.ts',
    ],
  },
};

const name = process.env.MUTATION_AREA ?? 'download';
const area = AREAS[name];
if (!area) throw new Error(`MUTATION_AREA must be one of ${Object.keys(AREAS).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'tools/mutation/jest.config.js',
    config: { testMatch: area.specs.map((glob) => `<rootDir>/${glob}`) },
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  mutate: area.mutate,
  // Only the source the unit specs load is copied to the sandbox.
  ignorePatterns: ['/dist', '/.data', '/.nx', '/.angular', '/coverage', '/tmp', '/apps/web', '/apps/web-e2e',
    '/apps/deploy-e2e', '/tools/ferretdb', '/tools/bench', '/docs', '/deploy', '/docker', '/nginx'],
  concurrency: 1,
  timeoutMS: 10000,
  incremental: true,
  incrementalFile: `reports/mutation/${name}/stryker-incremental.json`,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: `reports/mutation/${name}/index.html` },
  jsonReporter: { fileName: `reports/mutation/${name}/mutation.json` },
  thresholds: { high: 90, low: 80, break: 80 },
  tempDirName: `.stryker-tmp/${name}`,
};
