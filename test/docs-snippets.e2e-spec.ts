import { readFileSync } from 'node:fs';

const page = (name: string) => readFileSync(`docs/${name}`, 'utf8');
const file = (name: string) => readFileSync(`test/getting-started/${name}`, 'utf8').trim();

/**
 * The Jest setups and the e2e spec in docs/getting-started.md are these files, verbatim: `npm run typecheck` checks
 * them, and weather.e2e-spec.ts runs in this suite (the ESM setup is the one this repository's jest.config.ts uses).
 */
describe('docs/getting-started.md snippets', () => {
  it.each(['jest.config.esm-app.ts', 'jest.config.cjs-app.ts', 'weather.e2e-spec.ts', 'weather.module.ts'])('shows %s verbatim', (name) => {
    expect(page('getting-started.md')).toContain(file(name));
  });
});

describe('docs/testing.md snippets', () => {
  it.each(['testing-docs/weather.e2e-spec.ts', 'testing-docs/secure-weather.module.ts', 'testing-docs/secure-weather.e2e-spec.ts', 'getting-started/jest.config.esm-app.ts', 'getting-started/jest.config.cjs-app.ts'])(
    'shows %s verbatim',
    (name) => {
      expect(page('testing.md')).toContain(readFileSync(`test/${name}`, 'utf8').trim());
    },
  );
});
