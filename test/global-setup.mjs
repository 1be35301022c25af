// Jest's global setup: builds the workspace once before any spec runs (`npm run build`, the README's build). Some
// specs run a real Node child on what is built, as a user runs it: the sample (sample/dist/main.js: scale-out, OAuth
// replicas), graceful shutdown and oidc-provider's SSRF guard on the packages (which Jest's VM context cannot
// build). `npm ci && npm test` on a fresh clone has no dist yet. `tsc -b` is incremental: with nothing changed it only
// checks time stamps. Building here, once, also keeps two specs from writing dist at the same time.
import { execFileSync } from 'node:child_process';

export default function buildWorkspace() {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}
