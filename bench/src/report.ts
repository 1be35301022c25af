import type { BenchResults, MemoryRow, SoakRow, ThroughputRow } from './results.js';

const fmt = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a');
const kb = (bytes: number) => `${fmt(bytes / 1024, 1)} KB`;
const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024, 2)} MB`;

function table(header: string[], rows: string[][]): string {
  const lines = [header, header.map(() => '---'), ...rows];
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

export function throughputTable(rows: ThroughputRow[]): string {
  return table(
    ['workload', 'N', 'raw ops/s', 'ours ops/s', 'ours/raw', 'raw p99 ms', 'ours p99 ms', 'p99 ours/raw', 'errors'],
    rows.map((row) => [
      row.workload,
      String(row.fillers),
      fmt(row.median.raw.throughput),
      fmt(row.median.ours.throughput),
      ratio(row.ratio.throughput),
      fmt(row.median.raw.p99, 1),
      fmt(row.median.ours.p99, 1),
      ratio(row.ratio.p99),
      String(row.errors),
    ]),
  );
}

export function memoryTable(rows: MemoryRow[]): string {
  return table(
    ['N', 'sessions', 'raw heap/session', 'ours heap/session', 'raw RSS/session', 'ours RSS/session', 'errors'],
    rows.map((row) => [
      String(row.fillers),
      String(row.sessions),
      kb(row.perSession.raw.heapBytes),
      kb(row.perSession.ours.heapBytes),
      kb(row.perSession.raw.rssBytes),
      kb(row.perSession.ours.rssBytes),
      String(row.errors),
    ]),
  );
}

export function soakTable(rows: SoakRow[]): string {
  return table(
    ['N', 'seconds', 'raw heap before → after', 'raw growth', 'ours heap before → after', 'ours growth', 'errors'],
    rows.map((row) => [
      String(row.fillers),
      fmt(row.seconds),
      `${mb(row.heap.raw.before)} → ${mb(row.heap.raw.after)}`,
      mb(row.heap.raw.growth),
      `${mb(row.heap.ours.before)} → ${mb(row.heap.ours.after)}`,
      mb(row.heap.ours.growth),
      String(row.errors),
    ]),
  );
}

/** One line per workload: the ours/raw ratios. */
export function ratioLines(results: BenchResults): string[] {
  const lines = results.throughput.map(
    (row) => `${row.workload} N=${row.fillers}: ours/raw throughput ${ratio(row.ratio.throughput)}, p99 ${ratio(row.ratio.p99)}`,
  );
  for (const row of results.memory) {
    lines.push(`idle-memory N=${row.fillers}: heap per session ours ${kb(row.perSession.ours.heapBytes)} vs raw ${kb(row.perSession.raw.heapBytes)} (${ratio(row.perSession.ours.heapBytes / row.perSession.raw.heapBytes)})`);
  }
  for (const row of results.soak) {
    lines.push(`soak N=${row.fillers}: heap growth over ${fmt(row.seconds)} s ours ${mb(row.heap.ours.growth)} vs raw ${mb(row.heap.raw.growth)}`);
  }
  return lines;
}

function find(results: BenchResults, workload: string, fillers: number): ThroughputRow | undefined {
  return results.throughput.find((row) => row.workload === workload && row.fillers === fillers);
}

/** The targets, checked against what was measured (only those whose workloads ran). */
export function targetLines(results: BenchResults): string[] {
  const lines: string[] = [];
  const check = (label: string, value: number | undefined, goal: number, higherIsBetter = true, show = ratio) => {
    if (value === undefined || !Number.isFinite(value)) return;
    const met = higherIsBetter ? value >= goal : value <= goal;
    lines.push(`${met ? 'met   ' : 'MISSED'} ${label}: ${show(value)} (target ${higherIsBetter ? '≥' : '≤'} ${show(goal)})`);
  };
  const fillers = [...new Set(results.throughput.map((row) => row.fillers))];
  for (const workload of ['call-session-json', 'call-session-sse', 'call-shared-json', 'call-shared-sse']) {
    for (const n of fillers) check(`${workload} N=${n} vs raw`, find(results, workload, n)?.ratio.throughput, 1.5);
  }
  for (const workload of ['call-stateless-json', 'call-stateless-sse']) {
    for (const n of fillers) check(`${workload} N=${n} vs raw`, find(results, workload, n)?.ratio.throughput, 3);
  }
  const maxN = Math.max(...fillers);
  if (maxN > 0) {
    for (const workload of ['call-session-json', 'call-stateless-json']) {
      const base = find(results, workload, 0)?.median.ours.throughput;
      const big = find(results, workload, maxN)?.median.ours.throughput;
      if (base && big !== undefined) check(`${workload} ours N=${maxN} vs N=0`, big / base, 0.95);
    }
  }
  for (const n of fillers) if (n >= 1000) check(`list-json N=${n} vs raw`, find(results, 'list-json', n)?.ratio.throughput, 50);
  for (const n of fillers) check(`session-create N=${n} vs raw`, find(results, 'session-create', n)?.ratio.throughput, 2);
  for (const row of results.memory) check(`heap per idle session N=${row.fillers}`, row.perSession.ours.heapBytes, 10 * 1024, false, kb);
  for (const row of results.soak) check(`heap growth over ${fmt(row.seconds)} s N=${row.fillers}`, row.heap.ours.growth, 2 * 1024 * 1024, false, mb);
  return lines;
}

/** The measured part of docs/benchmarks.md (between the bench markers). */
export function docsSection(results: BenchResults): string {
  const { machine, options } = results;
  return [
    `Measured ${machine.date} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, ${machine.os}, Node ${machine.node};`,
    `server and load generator ${machine.pinned ? 'pinned to different cores with taskset' : 'not pinned'}.`,
    `Options: ${JSON.stringify(options)}.`,
    '',
    '### Throughput and latency (medians of the alternating runs)',
    '',
    throughputTable(results.throughput),
    '',
    '### Memory per idle session (after a full GC, before and after opening the sessions; delta / sessions)',
    '',
    results.memory.length ? memoryTable(results.memory) : '_not run_',
    '',
    '### Heap growth over a long run (after GC, before and after)',
    '',
    results.soak.length ? soakTable(results.soak) : '_not run_',
    '',
    '### Ratios',
    '',
    '```',
    ...ratioLines(results),
    '```',
    '',
    '### Targets',
    '',
    '```',
    ...targetLines(results),
    '```',
  ].join('\n');
}
