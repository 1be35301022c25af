// Retainer chains of heap-snapshot nodes: node bench/mem-probe/retainers.mjs <file.heapsnapshot> <type>:<name> [samples] [depth]
// e.g. `object:ServerResponse 3 10` prints, for 3 such nodes, the path from each up through its retainers
// (the first retainer that is not a weak edge at each level).
import { readFileSync } from 'node:fs';

const [file, what, samplesArg = '3', depthArg = '10', skipArg = '0'] = process.argv.slice(2);
const [wantType, ...rest] = what.split(':');
const wantName = rest.join(':');
const snap = JSON.parse(readFileSync(file, 'utf8'));
const meta = snap.snapshot.meta;
const nf = meta.node_fields.length;
const ef = meta.edge_fields.length;
const nodeTypes = meta.node_types[0];
const edgeTypes = meta.edge_types[0];
const [nType, nName, nId, nSize, nEdges] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f));
const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f));
const nodes = snap.nodes;
const edges = snap.edges;
const count = nodes.length / nf;
const firstEdge = new Uint32Array(count + 1);
for (let i = 0, e = 0; i < count; i++) { firstEdge[i] = e; e += nodes[i * nf + nEdges] * ef; }
firstEdge[count] = edges.length;
// reverse edges
const retainers = Array.from({ length: count }, () => []);
for (let i = 0; i < count; i++) {
  for (let e = firstEdge[i]; e < firstEdge[i + 1]; e += ef) {
    const to = edges[e + eTo] / nf;
    const type = edgeTypes[edges[e + eType]];
    if (type === 'weak') continue;
    const name = type === 'element' || type === 'hidden' ? `[${edges[e + eName]}]` : snap.strings[edges[e + eName]];
    retainers[to].push({ from: i, type, name });
  }
}
const label = (i) => `${nodeTypes[nodes[i * nf + nType]]}:${snap.strings[nodes[i * nf + nName]].slice(0, 50)} @${nodes[i * nf + nId]} (${nodes[i * nf + nSize]} B)`;
const matches = [];
for (let i = 0; i < count; i++) {
  if (nodeTypes[nodes[i * nf + nType]] === wantType && (!wantName || snap.strings[nodes[i * nf + nName]] === wantName)) matches.push(i);
}
console.log(`${matches.length} nodes ${what}`);
for (const start of matches.slice(Number(skipArg), Number(skipArg) + Number(samplesArg))) {
  console.log('---');
  let at = start;
  const seen = new Set([at]);
  console.log(label(at));
  for (let d = 0; d < Number(depthArg); d++) {
    const options = retainers[at].filter((r) => !seen.has(r.from));
    if (!options.length) break;
    // prefer a retainer that is not a system/code node
    const pick = options.find((r) => !/^(code|hidden|array):/.test(label(r.from)) || r.type !== 'internal') ?? options[0];
    console.log(`${'  '.repeat(d + 1)}<-[${pick.type} ${pick.name}]- ${label(pick.from)}${options.length > 1 ? `  (+${options.length - 1} other retainers)` : ''}`);
    seen.add(pick.from);
    at = pick.from;
  }
}

// Histogram: for every matching node, its first two retainers (edge and node), most frequent first.
if (process.env.HIST) {
  const hist = new Map();
  const short = (i) => `${nodeTypes[nodes[i * nf + nType]]}:${snap.strings[nodes[i * nf + nName]].slice(0, 40)}`;
  for (const i of matches) {
    const chain = [];
    let at = i;
    for (let d = 0; d < Number(process.env.HIST); d++) {
      const r = retainers[at].find((x) => x.from !== at);
      if (!r) break;
      chain.push(`<-${r.name}- ${short(r.from)}`);
      at = r.from;
    }
    const key = chain.join(' ');
    hist.set(key, (hist.get(key) ?? 0) + 1);
  }
  console.log('=== histogram');
  for (const [key, n] of [...hist].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(n, key);
}
