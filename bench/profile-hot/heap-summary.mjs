// Summarizes a sampling heap profile (.heapprofile, from run.mjs --alloc-prof): bytes sampled per function (self)
// and per call path (the innermost frames), largest first.
//   node bench/profile-hot/heap-summary.mjs <file.heapprofile> [rows] [--per <calls>]
// --per <calls>: also bytes per call, for a profile of that many measured calls.
import { readFileSync } from 'node:fs';

const [file, rowsArg] = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith('--') && all[i - 1] !== '--per');
if (!file) throw new Error('usage: heap-summary.mjs <file.heapprofile> [rows] [--per <calls>]');
const rows = Number(rowsArg ?? 20);
const perIndex = process.argv.indexOf('--per');
const calls = perIndex > 0 ? Number(process.argv[perIndex + 1]) : 0;

const root = `${process.cwd()}/`;
const frame = ({ functionName, url, lineNumber }) =>
  `${functionName || '(anonymous)'} ${url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\//, '').replace(root, '')}:${lineNumber + 1}`;
const bySelf = new Map();
const byPath = new Map();
const add = (map, key, bytes) => map.set(key, (map.get(key) ?? 0) + bytes);
let total = 0;
const walk = (node, path) => {
  const here = [...path, frame(node.callFrame)];
  if (node.selfSize) {
    total += node.selfSize;
    add(bySelf, here.at(-1), node.selfSize);
    add(byPath, here.slice(-4).reverse().join(' < '), node.selfSize);
  }
  for (const child of node.children ?? []) walk(child, here);
};
walk(JSON.parse(readFileSync(file, 'utf8')).head, []);

const show = (title, map) => {
  console.log(`\n${title}`);
  for (const [key, bytes] of [...map].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    const share = ((100 * bytes) / total).toFixed(1).padStart(5);
    console.log(`${String(bytes).padStart(10)} B ${share} %${calls ? ` ${(bytes / calls).toFixed(0).padStart(6)} B/call` : ''}  ${key}`);
  }
};
console.log(`${total} B sampled${calls ? `, ${(total / calls).toFixed(0)} B per call` : ''}`);
show('by function (self):', bySelf);
show('by call path (innermost four frames):', byPath);
