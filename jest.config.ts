import type { Config } from 'jest';

// Nest 12 ships ESM only, so Jest runs in ESM mode (NODE_OPTIONS=--experimental-vm-modules, set by `npm test`).
const shared: Config = {
  extensionsToTreatAsEsm: ['.ts'],
  testEnvironment: 'node',
  moduleNameMapper: {
    '^@nestmcp/core$': '<rootDir>/packages/core/src/index.ts',
    '^@nestmcp/core/testing$': '<rootDir>/packages/core/src/testing/index.ts',
    '^@nestmcp/redis$': '<rootDir>/packages/redis/src/index.ts',
    '^@nestmcp/redis/oauth$': '<rootDir>/packages/redis/src/oauth/index.ts',
    '^@nestmcp/oauth$': '<rootDir>/packages/oauth/src/index.ts',
    '^@nestmcp/oauth/testing$': '<rootDir>/packages/oauth/src/testing/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
};

const config: Config = {
  // Tests assert behaviour, never speed (speed is `npm run bench`'s job). Jest's default 5 s per test is a speed
  // check in disguise: on a loaded 2-core machine, with a cold transform cache or a cold Node 22/24 start, real apps
  // on real ports can pass it. (A global option: Jest ignores it inside `projects`.)
  testTimeout: 30_000,
  // Always in worker processes, recycled once a worker's heap passes 1 GB after a spec file: Jest's ESM mode keeps
  // each file's module graph, so one process running all ~110 files (in band: what Jest does with one worker, the
  // default on 2 cores) ran out of heap on Node 22. Two workers on CI's two cores.
  maxWorkers: 2,
  workerIdleMemoryLimit: '1GB',
  // Builds the workspace once (incremental) for the specs that run a real Node child on what is built.
  globalSetup: '<rootDir>/test/global-setup.mjs',
  projects: [
    // The sample's own tests are the example users copy: in-memory unit-style specs beside its code, e2e under sample/test.
    { ...shared, displayName: 'unit', rootDir: '.', testMatch: ['<rootDir>/packages/*/src/**/*.spec.ts', '<rootDir>/sample/src/**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', rootDir: '.', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/sample/test/**/*.e2e-spec.ts'] },
  ],
};

export default config;
