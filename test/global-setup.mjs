// Jest's global setup: builds the packages once before any spec runs. Some specs run a real Node child on the built
// packages, as a user's app would (test/fixtures/*.mjs: graceful shutdown, oidc-provider's SSRF guard, which Jest's
// VM context cannot build); `npm ci && npm test` on a fresh clone has no dist yet. `tsc -b` is incremental: with
// nothing changed it only checks time stamps. Building here, once, also keeps two specs from writing dist at once.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

export default function buildPackages() {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', 'packages/core/tsconfig.build.json', 'packages/oauth/tsconfig.build.json'], { stdio: 'inherit' });
}
