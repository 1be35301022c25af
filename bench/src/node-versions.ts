import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The node binary of a Node major for the Node servers: the npm package `node` in test/node-versions/<major> (a
 * folder of its own with its own lock, the one CI runs the suite on; never a root dependency), installed with
 * `npm ci --prefix` on first use.
 */
export function nodeBinary(root: string, major: number): { path: string; version: string } {
  const dir = resolve(root, 'test/node-versions', String(major));
  if (!existsSync(resolve(dir, 'package.json'))) throw new Error(`no test/node-versions/${major}/package.json: Node ${major} is not set up for this repository`);
  const path = resolve(dir, 'node_modules/node/bin/node');
  if (!existsSync(path)) {
    process.stderr.write(`setting up Node ${major}: npm ci --prefix test/node-versions/${major}\n`);
    execFileSync('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 });
  }
  const version = execFileSync(path, ['--version']).toString().trim();
  return { path, version };
}
