// What each session adds, by retainer: node bench/mem-probe/retainer-diff.mjs <before> <after> <sessions> [depth]
// For every node type:name, the growth between the two snapshots grouped by its first `depth` retainers
// (edge name and retainer), per session, largest first.
import { readFileSync } from 'node:fs';

function load(file, depth) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const meta = snap.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const [nType, nName, nSize, nEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f));
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f));
  const { nodes, edges, strings } = snap;
  const count = nodes.length / nf;
  const firstRetainer = new Int32Array(count).fill(-1);
  const firstEdgeName = new Array(count);
  for (let i = 0, e = 0; i < count; i++) {
    const end = e + nodes[i * nf + nEdges] * ef;
    for (; e < end; e += ef) {
      const type = edgeTypes[edges[e + eType]];
      if (type === 'weak') continue;
      const to = edges[e + eTo] / nf;
      if (firstRetainer[to] !== -1 || to === i) continue;
      firstRetainer[to] = i;
      firstEdgeName[to] = type === 'element' || type === 'hidden' ? `[${type === 'element' ? '' : 'h'}]` : String(strings[edges[e + eName]]).slice(0, 40);
    }
  }
  const name = (i) => {
    const type = nodeTypes[nodes[i * nf + nType]];
    let n = strings[nodes[i * nf + nName]];
    if (type.includes('string')) n = '';
    return `${type}:${n.slice(0, 40)}`;
  };
  const groups = new Map();
  for (let i = 0; i < count; i++) {
    const parts = [name(i)];
    let at = i;
    for (let d = 0; d < depth; d++) {
      const r = firstRetainer[at];
      if (r < 0) break;
      parts.push(`<-${firstEdgeName[at]}- ${name(r)}`);
      at = r;
    }
    const key = parts.join(' ');
    const g = groups.get(key) ?? { n: 0, size: 0 };
    g.n++;
    g.size += nodes[i * nf + nSize];
    groups.set(key, g);
  }
  return groups;
}
const [before, after, sessions, depth = '2', top = '60'] = process.argv.slice(2);
const a = load(before, Number(depth));
const b = load(after, Number(depth));
const rows = [];
for (const [key, g] of b) {
  const base = a.get(key) ?? { n: 0, size: 0 };
  rows.push([(g.size - base.size) / sessions, (g.n - base.n) / sessions, key]);
}
rows.sort((x, y) => y[0] - x[0]);
let total = 0;
for (const r of rows) total += r[0];
console.log(`total ${total.toFixed(0)} B/session`);
for (const [size, n, key] of rows.slice(0, Number(top))) console.log(size.toFixed(0).padStart(6), n.toFixed(2).padStart(6), key);
