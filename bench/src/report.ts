import { fmt, kb, major, mb, percent, ratio } from './format.js';
import { closedLatencyTable, layerTable, memoryTable, nodeTable, openLatencyTable, soakTable, throughputTable } from './report-tables.js';
import { IMPLS } from './servers/server-config.js';
import { median, type BenchResults, type ThroughputRow } from './results.js';

/** The rows of the main Node version (the one the bench ran on). */
export const mainRows = (results: BenchResults) => results.throughput.filter((row) => row.node === results.nodes[0]);

/** One line per workload: the ratios. */
export function ratioLines(results: BenchResults): string[] {
  const lines = results.throughput.map((row) => {
    const extra = Object.entries(row.ratios)
      .filter(([key]) => key !== 'ours/raw')
      .map(([key, value]) => `${key} ${ratio(value)}`);
    const node = row.node === results.nodes[0] ? '' : ` [Node ${major(row.node)}]`;
    return `${row.workload} N=${row.fillers}${node}: ours/raw throughput ${ratio(row.ratio.throughput)}, p99 ${ratio(row.ratio.p99)}${extra.length ? `; ${extra.join(', ')}` : ''}`;
  });
  for (const row of results.latency) {
    const p99s = IMPLS.filter((impl) => row.median[impl]).map((impl) => `${impl} ${fmt(row.median[impl]!.p99, 1)}`);
    lines.push(`${row.workload} N=${row.fillers} at ${fmt(row.rate)}/s: p99 ms ${p99s.join(', ')}`);
  }
  for (const row of results.memory) {
    const { raw, ours } = row.perSession;
    if (raw && ours) lines.push(`idle-memory N=${row.fillers}: heap per session ours ${kb(ours.heapBytes)} vs raw ${kb(raw.heapBytes)} (${ratio(ours.heapBytes / raw.heapBytes)})`);
  }
  for (const row of results.soak) {
    const { raw, ours } = row.heap;
    if (raw && ours) lines.push(`soak N=${row.fillers}: heap growth over ${fmt(row.seconds)} s ours ${mb(ours.growth)} vs raw ${mb(raw.growth)}`);
  }
  return lines;
}

function find(rows: ThroughputRow[], workload: string, fillers: number): ThroughputRow | undefined {
  return rows.find((row) => row.workload === workload && row.fillers === fillers);
}

const SESSION_CALLS = ['call-session-json', 'call-session-sse', 'call-shared-json', 'call-shared-sse'];
const STATELESS_CALLS = ['call-stateless-json', 'call-stateless-sse'];

/** The issue's targets, checked against what was measured (only those whose workloads ran). */
export function targetLines(results: BenchResults): string[] {
  const lines: string[] = [];
  const check = (label: string, value: number | undefined, goal: number, higherIsBetter = true, show: (value: number) => string = ratio) => {
    if (value === undefined || !Number.isFinite(value)) return;
    const met = higherIsBetter ? value >= goal : value <= goal;
    lines.push(`${met ? 'met   ' : 'MISSED'} ${label}: ${show(value)} (target ${higherIsBetter ? '≥' : '≤'} ${show(goal)})`);
  };
  for (const node of results.nodes) {
    const rows = results.throughput.filter((row) => row.node === node);
    const tag = node === results.nodes[0] ? '' : ` [Node ${major(node)}]`;
    const fillers = [...new Set(rows.map((row) => row.fillers))];
    for (const [workloads, goal, fastifyGoal] of [[SESSION_CALLS, 1.5, 2.2], [STATELESS_CALLS, 3, 4]] as const) {
      for (const workload of workloads) {
        for (const n of fillers) {
          const row = find(rows, workload, n);
          check(`${workload} N=${n}${tag} ours vs raw`, row?.ratios['ours/raw'], goal);
          if (n === 0) check(`${workload} N=${n}${tag} fastify vs raw`, row?.ratios['fastify/raw'], fastifyGoal);
          check(`${workload} N=${n}${tag} ours vs mcp-nest`, row?.ratios['ours/mcp-nest'], 1.5);
          check(`${workload} N=${n}${tag} ours vs fastmcp`, row?.ratios['ours/fastmcp'], 3);
        }
      }
    }
    if (tag) continue;
    const maxN = Math.max(...fillers);
    if (maxN > 0) {
      for (const workload of ['call-session-json', 'call-stateless-json']) {
        const base = find(rows, workload, 0)?.median.ours?.throughput;
        const big = find(rows, workload, maxN)?.median.ours?.throughput;
        if (base && big !== undefined) check(`${workload} ours N=${maxN} vs N=0`, big / base, 0.95);
      }
    }
    for (const n of fillers) if (n >= 1000) check(`list-json N=${n} vs raw`, find(rows, 'list-json', n)?.ratios['ours/raw'], 50);
    for (const n of fillers) check(`session-create N=${n} vs raw`, find(rows, 'session-create', n)?.ratios['ours/raw'], 2);
  }
  // Ours (on either platform) must have the lower p99 at each rate than the raw SDK and each peer.
  for (const row of results.latency) {
    for (const own of ['ours', 'fastify'] as const) {
      const p99 = row.median[own]?.p99;
      if (p99 === undefined) continue;
      for (const impl of (['raw', 'mcp-nest', 'fastmcp'] as const).filter((other) => row.median[other])) {
        check(`${row.workload} N=${row.fillers} p99 ${own} / ${impl}`, p99 / row.median[impl]!.p99, 1, false);
      }
    }
  }
  for (const row of results.memory) if (row.perSession.ours) check(`heap per idle session N=${row.fillers}`, row.perSession.ours.heapBytes, 5 * 1024, false, kb);
  for (const row of results.soak) if (row.heap.ours) check(`heap growth over ${fmt(row.seconds)} s N=${row.fillers}`, row.heap.ours.growth, 1024 * 1024, false, mb);
  return lines;
}

/** How much the runs of one server moved: the median and the largest (max - min) / median over the rows. */
export function noiseLines(results: BenchResults): string[] {
  const lines = [`1-minute load average of the machine: ${fmt(results.machine.load.start, 1)} at the start, ${fmt(results.machine.load.end, 1)} at the end (${results.machine.cores} cores).`];
  for (const impl of IMPLS) {
    const spreads = results.throughput.map((row) => row.spread[impl]).filter((value): value is number => value !== undefined);
    if (spreads.length) lines.push(`${impl}: runs of one workload differ by ${percent(median(spreads))} (median), ${percent(Math.max(...spreads))} at most, (max - min) / median ops/s.`);
  }
  return lines;
}

function peerLines(results: BenchResults): string[] {
  const lines = Object.entries(results.peers).map(([peer, state]) => `- ${peer}: ${state.available ? state.version : `not run: ${state.reason}`}`);
  for (const skipped of results.skipped) lines.push(`- ${skipped}`);
  return lines;
}

export function consoleReport(results: BenchResults): string {
  const main = mainRows(results);
  const others = results.throughput.filter((row) => row.node !== results.nodes[0]);
  const parts = [throughputTable(main), closedLatencyTable(main)];
  if (results.latency.length) parts.push(openLatencyTable(results.latency));
  if (others.length) parts.push(nodeTable([...main.filter((row) => others.some((other) => other.workload === row.workload && other.fillers === row.fillers)), ...others]));
  if (results.memory.length) parts.push(memoryTable(results.memory));
  if (results.soak.length) parts.push(soakTable(results.soak));
  if (results.layers.length) parts.push(layerTable(results.layers));
  parts.push(noiseLines(results).join('\n'));
  return parts.join('\n\n');
}

/** The measured part of docs/benchmarks.md (between the bench markers). */
export function docsSection(results: BenchResults): string {
  const { machine } = results;
  const main = mainRows(results);
  const others = results.throughput.filter((row) => row.node !== results.nodes[0]);
  const section = (title: string, body: string) => ['', `### ${title}`, '', body];
  return [
    `Measured ${machine.date} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, ${machine.os}, Node ${machine.node}` +
      `${results.nodes.length > 1 ? ` (Node servers also on ${results.nodes.slice(1).join(', ')})` : ''}; servers and load generator ${machine.pinned ? 'pinned to different cores with taskset' : 'not pinned'}.`,
    '',
    `Command: \`${results.command}\` (${fmt(results.seconds / 60, 0)} minutes).`,
    '',
    'Servers:',
    '- raw: @modelcontextprotocol/sdk on express, as its examples; ours: @nestmcp/core in a Nest app on express; fastify: the same app on the Fastify platform',
    ...peerLines(results),
    ...section('Throughput, closed loop (medians of the alternating runs; ops/s and ratios of ops/s)', throughputTable(main)),
    ...section('Latency of the closed-loop runs (p50 / p99, ms)', closedLatencyTable(main)),
    ...section('Latency at a fixed rate (open loop; from the scheduled send time, queueing counted)', results.latency.length ? openLatencyTable(results.latency) : '_not run_'),
    ...section('Per Node version', others.length ? nodeTable([...main.filter((row) => others.some((other) => other.workload === row.workload && other.fillers === row.fillers)), ...others]) : '_not run_'),
    ...section('Memory per idle session (after a full GC, before and after opening the sessions; delta / sessions)', results.memory.length ? memoryTable(results.memory) : '_not run_'),
    ...section('Heap growth over a long run (after GC, before and after)', results.soak.length ? soakTable(results.soak) : '_not run_'),
    ...section('Where the time goes: server CPU per call by layer (self time from a CPU profile, by source file; µs per call and share)', results.layers.length ? layerTable(results.layers) : '_not run_'),
    ...section('Noise', noiseLines(results).join('\n')),
    ...section('Targets', ['```', ...targetLines(results), '```'].join('\n')),
  ].join('\n');
}
