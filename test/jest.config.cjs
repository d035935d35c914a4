// Jest 30 in ESM mode with @swc/jest (Nest 12 is ESM-only). Run through test/run.mjs.
const path = require('node:path');

const rootDir = path.resolve(__dirname, '..');
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const base = {
  rootDir,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': swc },
  extensionsToTreatAsEsm: ['.ts'],
  // The CommonJS build: the ESM one imports JSON without import attributes, which jest warns about on every import.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1', '^libphonenumber-js/max$': '<rootDir>/node_modules/libphonenumber-js/max/index.cjs' },
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

/** The integration suite runs once per database: PGlite always, the servers when their URLs are set. */
const databases = ['pglite'];
if (process.env.TEST_POSTGRES_URL) databases.push('postgres');
if (process.env.TEST_MYSQL_URL) databases.push('mysql');

module.exports = {
  rootDir,
  // A minute: each integration file boots its own embedded Postgres (WASM), and late in a full
  // run on a loaded two-core machine that setup alone has taken over thirty seconds.
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/support/per-database-reporter.cjs'],
  testSequencer: '<rootDir>/test/support/sequencer.cjs',
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/server/src/**/*.spec.ts', '<rootDir>/shared/src/**/*.spec.ts', '<rootDir>/softphone/src/**/*.spec.ts'],
    },
    ...databases.map((db) => ({
      ...base,
      displayName: db,
      testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'],
      setupFiles: [`<rootDir>/test/support/db-${db}.cjs`],
    })),
    {
      // Once, on Postgres when it is there: the dialer against the simulated carrier at scale.
      ...base,
      displayName: 'scale',
      testMatch: ['<rootDir>/test/scale/**/*.scale-spec.ts'],
      setupFiles: [`<rootDir>/test/support/db-${process.env.TEST_POSTGRES_URL ? 'postgres' : 'pglite'}.cjs`],
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
    },
  ],
};
