// Builds a fresh Nest app OUTSIDE the workspace from the packed @nestmcp/core tarball, as a user would install it:
// npm install of the .tgz plus the peers from the registry (no workspace links), tsc, then serves a tool to the
// SDK client. The peers are the LOWEST versions package.json supports (docs/compatibility.md); the workspace suite
// runs on the versions we develop on.
//   node test/packaging/fresh-app.mjs [--keep]     prints one JSON line with what it found
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const work = mkdtempSync(join(tmpdir(), 'nestmcp-fresh-app-'));
const run = (command, args, cwd) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' } });

try {
  // 1. Pack (prepack builds), and read what is in the tarball.
  const packOutput = run('npm', ['pack', '--json', '--pack-destination', work], join(root, 'packages/core'));
  const [packed] = JSON.parse(packOutput.slice(packOutput.indexOf('[')));
  const files = packed.files.map((file) => file.path);
  const tarball = join(work, packed.filename);

  // 2. A fresh app: the tarball and the lowest supported peers from the registry.
  const app = join(work, 'app');
  cpSync(join(root, 'test/packaging/app'), app, { recursive: true });
  const versions = JSON.parse(readFileSync(join(root, 'test/packaging/lowest-versions.json'), 'utf8'));
  const manifest = {
    name: 'fresh-app',
    private: true,
    type: 'module',
    dependencies: { '@nestmcp/core': `file:${tarball}`, ...versions.dependencies },
    devDependencies: versions.devDependencies,
    overrides: versions.overrides,
  };
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], app);
  const linked = existsSync(join(app, 'node_modules/@nestmcp/core/package.json')) && !existsSync(join(app, 'node_modules/@nestmcp/core/tsconfig.build.json'));
  // Source maps must point at sources the tarball ships.
  const packageDir = join(app, 'node_modules/@nestmcp/core');
  const unresolvedMaps = files
    .filter((file) => file.endsWith('.map'))
    .flatMap((file) => JSON.parse(readFileSync(join(packageDir, file), 'utf8')).sources.map((source) => join(dirname(join(packageDir, file)), source)))
    .filter((source) => !existsSync(source))
    .map((source) => source.slice(packageDir.length + 1));
  const installed = (name) => JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8')).version;

  // 3. Type-check and build it with the app's own TypeScript, then serve a tool to the SDK client.
  run(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], app);
  const served = JSON.parse(run(process.execPath, ['dist/main.js'], app).trim().split('\n').pop());
  const missingPeer = run(process.execPath, ['dist/missing-peer.js'], app).trim().split('\n').pop();

  console.log(JSON.stringify({
    tarball: { name: packed.name, version: packed.version, size: packed.size, files },
    installedFromTarball: linked,
    unresolvedMaps,
    versions: Object.fromEntries(['@nestjs/core', '@nestjs/common', '@modelcontextprotocol/sdk', 'zod', 'typescript'].map((name) => [name, installed(name)])),
    optionalPeersInstalled: ['passport-jwt', 'jose', 'passport', '@nestjs/passport'].filter((name) => existsSync(join(app, 'node_modules', name))),
    served,
    missingPeer,
  }));
} finally {
  if (!process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
  else console.error(`kept ${work}`);
}
