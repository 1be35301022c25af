import { readFileSync } from 'node:fs';

/**
 * Summarizes a .cpuprofile (from `npm run bench -- --profile`): self time per function and per package or
 * source area, so it is clear where a request's time goes. Usage: node bench/dist/profile-summary.js <file> [top] [skip seconds, default 4]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg, skipArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary <file.cpuprofile> [top]');
  process.exit(1);
}
const top = Number(topArg ?? 30);
/** Seconds of the profile to leave out at its start (the server's own start-up: module loading, bootstrap). */
const skipUs = Number(skipArg ?? 4) * 1e6;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const selfTime = new Map<number, number>();
const inclusive = new Map<string, number>();
let elapsed = 0;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  elapsed += delta;
  if (elapsed < skipUs) return;
  if (byId.get(id)!.callFrame.functionName === '(idle)') return;
  selfTime.set(id, (selfTime.get(id) ?? 0) + delta);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const key = label(byId.get(at)!);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + delta);
  }
});
// Busy time only: the server idles while the other implementation is measured.
const total = [...selfTime.values()].reduce((sum, value) => sum + value, 0);

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${area(url)}:${lineNumber + 1}`;
}

function area(url: string): string {
  if (!url) return '(native/gc/idle)';
  if (url.startsWith('node:')) return url;
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const core = url.indexOf('packages/core/dist/');
  if (core >= 0) return `@nestmcp/core ${url.slice(core + 'packages/core/dist/'.length)}`;
  return url.replace(/^file:\/\/.*\/(bench|packages)\//, '$1/');
}

const functions = new Map<string, number>();
const areas = new Map<string, number>();
for (const [id, time] of selfTime) {
  const key = label(byId.get(id)!);
  functions.set(key, (functions.get(key) ?? 0) + time);
  const group = area(byId.get(id)!.callFrame.url);
  areas.set(group, (areas.get(group) ?? 0) + time);
}
const print = (title: string, entries: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, time] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * time) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
};
print('self time by area', areas);
print('self time by function', functions);
inclusive.delete('(root) (native/gc/idle):0');
print('total time by function (self + callees)', inclusive);
