// `npm test` runs this small mutation run (README "Mutation testing"): one
// module and its spec, so it fits in CI on two cores, and it fails when the
// module's score drops below the break threshold. `npm run mutation` covers
// every guarded module.
import base from './stryker.config.mjs';

export default {
  ...base,
  mutate: ['apps/api/src/app/download/byte-range.ts'],
  jest: { ...base.jest, config: { testMatch: ['<rootDir>/apps/api/src/app/download/byte-range*.spec.ts'] } },
  incremental: false,
  reporters: ['clear-text'],
  tempDirName: '.stryker-tmp/smoke',
};
