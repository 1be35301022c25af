// jest.config.ts of a CommonJS Nest app (no "type": "module"; tsconfig "module": "commonjs")
import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  // Jest's CommonJS runtime cannot require() the ES modules of Nest 12 on Node 22, so tests run in ESM mode
  // (NODE_OPTIONS=--experimental-vm-modules): ts-jest compiles the test files and your sources as ES modules for
  // Jest only; your build (nest build / tsc) stays CommonJS.
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: { module: 'ESNext', moduleResolution: 'Bundler' } }] },
};

export default config;
