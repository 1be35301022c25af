// Removes build outputs whose source is gone (a renamed or deleted file leaves its old .js/.d.ts/.map in dist,
// and `tsc -b` never deletes them), so that a packed tarball holds exactly the build of src. Outputs are never
// removed wholesale: tests that run the built package may be reading dist at the same time.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

// The package being packed: npm runs `prepack` in its folder (core's, and oauth's and redis's, which call this one).
const root = process.cwd();
const dist = join(root, 'dist');
const outputs = /\.(d\.ts|js|js\.map|d\.ts\.map)$/;

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]));
}

let removed = 0;
for (const file of existsSync(dist) ? walk(dist) : []) {
  if (!outputs.test(file)) continue;
  const source = join(root, 'src', relative(dist, file).replace(outputs, '.ts'));
  if (existsSync(source)) continue;
  rmSync(file);
  removed++;
}
if (removed) console.error(`prune-dist: removed ${removed} stale output(s) without a source`);
