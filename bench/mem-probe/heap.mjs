// Idle memory per session, broken down: starts the bench's Nest server (ours, express or Fastify) in this process,
// opens `--warm` sessions, takes a heap snapshot after a full GC, opens `--sessions` more, takes another, and prints
// the growth per session by node type and constructor (self sizes; the difference of the two snapshots).
// Usage (after `npm run build && npx tsc -p bench/tsconfig.json`):
//   node --expose-gc bench/mem-probe/heap.mjs [--impl ours|fastify] [--sessions 2000] [--warm 50] [--top 40] [--keep]
import { readFileSync, rmSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import { parseArgs } from 'node:util';
import { startNestServer } from '../dist/servers/nest-server.js';
import { McpWire } from '../dist/load/mcp-wire.js';

const { values: args } = parseArgs({
  options: {
    impl: { type: 'string', default: 'ours' },
    sessions: { type: 'string', default: '2000' },
    warm: { type: 'string', default: '200' },
    top: { type: 'string', default: '40' },
    keep: { type: 'boolean', default: false },
  },
});
const count = Number(args.sessions);
const server = await startNestServer({ impl: args.impl, stateless: false, json: true, fillers: 0 });
const origin = `http://127.0.0.1:${server.port}`;

async function open(n) {
  const wires = Array.from({ length: 8 }, () => new McpWire(origin));
  let next = 0;
  await Promise.all(wires.map(async (wire, c) => {
    while (next < n) {
      const seq = ++next;
      const { error } = await wire.handshake(c * 1e9 + seq);
      if (error) throw new Error(error);
    }
  }));
  await Promise.all(wires.map((wire) => wire.close()));
}

async function settle() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function summarize(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const { node_fields: fields, node_types: [types] } = snap.snapshot.meta;
  const stride = fields.length;
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const byKey = new Map();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += stride) {
    const type = types[snap.nodes[i + iType]];
    let name = snap.strings[snap.nodes[i + iName]];
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = '(string)';
    else if (type === 'code') name = '(code)';
    else if (type === 'closure') name = `closure ${name}`;
    else if (type === 'array' && name.length > 40) name = name.slice(0, 40);
    else if (name.length > 60) name = name.slice(0, 60);
    const key = `${type}\t${name}`;
    const size = snap.nodes[i + iSize];
    const entry = byKey.get(key) ?? { count: 0, size: 0 };
    entry.count++;
    entry.size += size;
    byKey.set(key, entry);
    total += size;
  }
  return { byKey, total };
}

await open(Number(args.warm));
await settle();
const before = process.memoryUsage().heapUsed;
const fileA = writeHeapSnapshot();
await open(count);
await settle();
const after = process.memoryUsage().heapUsed;
const fileB = writeHeapSnapshot();
const a = summarize(fileA);
const b = summarize(fileB);
if (!args.keep) { rmSync(fileA); rmSync(fileB); } else console.log(`snapshots: ${fileA} ${fileB}`);
const rows = [];
for (const [key, entry] of b.byKey) {
  const base = a.byKey.get(key) ?? { count: 0, size: 0 };
  rows.push({ key, count: (entry.count - base.count) / count, size: (entry.size - base.size) / count });
}
rows.sort((x, y) => y.size - x.size);
console.log(`${args.impl}: heapUsed +${((after - before) / count).toFixed(0)} B/session; snapshot self sizes +${((b.total - a.total) / count).toFixed(0)} B/session (${count} sessions)`);
console.log('B/session\tobjects/session\ttype\tname');
for (const row of rows.slice(0, Number(args.top))) console.log(`${row.size.toFixed(0)}\t${row.count.toFixed(2)}\t${row.key}`);
await server.close();
