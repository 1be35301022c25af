// jest.config.ts of a Nest 12 app that is an ES module ("type": "module" in package.json)
import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  // Nest 12 and @nestmcp/core are ES modules: Jest runs in ESM mode (NODE_OPTIONS=--experimental-vm-modules).
  extensionsToTreatAsEsm: ['.ts'],
  // Your imports say './orders.service.js' (NodeNext); Jest finds the .ts file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
};

export default config;
